/**
 * A strict reader of Prometheus's text exposition format 0.0.4 (what
 * node_exporter's textfile collector accepts): it throws, naming the line,
 * on anything the collector would refuse or read differently: a sample
 * before its TYPE, a family split in two, HELP or TYPE twice, a bad name, a
 * label value with a raw quote or an unknown escape, a duplicate series, a
 * value that is not a number, a missing final newline.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  families: Map<string, { type?: string; help?: string }>;
}

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let at = 0;
  while (at < text.length) {
    const eq = text.indexOf('=', at);
    if (eq < 0) throw new Error(`${where}: a label without =`);
    const name = text.slice(at, eq).trim();
    if (!LABEL.test(name) || name.startsWith('__')) throw new Error(`${where}: bad label name ${JSON.stringify(name)}`);
    if (name in labels) throw new Error(`${where}: label ${name} twice`);
    if (text[eq + 1] !== '"') throw new Error(`${where}: label ${name}'s value is not quoted`);
    let value = '';
    let i = eq + 2;
    for (; i < text.length && text[i] !== '"'; i += 1) {
      if (text[i] === '\n') throw new Error(`${where}: a raw line feed in a label value`);
      if (text[i] !== '\\') {
        value += text[i];
        continue;
      }
      const escaped = text[i + 1];
      if (escaped === '\\') value += '\\';
      else if (escaped === '"') value += '"';
      else if (escaped === 'n') value += '\n';
      else throw new Error(`${where}: unknown escape \\${escaped} in a label value`);
      i += 1;
    }
    if (i >= text.length) throw new Error(`${where}: label ${name}'s value never ends`);
    labels[name] = value;
    at = i + 1;
    if (at < text.length) {
      if (text[at] !== ',') throw new Error(`${where}: labels not separated by a comma`);
      at += 1;
    }
  }
  return labels;
}

function parseValue(text: string, where: string): number {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: value ${JSON.stringify(text)} is not a number`);
  return Number(text);
}

export function parseExposition(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('the text does not end with a line feed');
  const families = new Map<string, { type?: string; help?: string }>();
  const samples: Sample[] = [];
  const series = new Set<string>();
  const closed = new Set<string>();
  let current: string | undefined;
  const enter = (name: string, where: string) => {
    if (name === current) return;
    if (closed.has(name)) throw new Error(`${where}: family ${name} split in two`);
    if (current) closed.add(current);
    current = name;
  };
  text.slice(0, -1).split('\n').forEach((line, index) => {
    const where = `line ${index + 1} (${JSON.stringify(line.slice(0, 80))})`;
    if (line.trim() === '') return;
    const comment = /^#\s*(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
    if (comment) {
      const [, kind, name, rest = ''] = comment;
      if (!METRIC.test(name!)) throw new Error(`${where}: bad metric name`);
      enter(name!, where);
      const family = families.get(name!) ?? {};
      if (kind === 'TYPE') {
        if (family.type) throw new Error(`${where}: TYPE twice`);
        if (samples.some((sample) => sample.name === name)) throw new Error(`${where}: TYPE after a sample`);
        if (!TYPES.has(rest.trim())) throw new Error(`${where}: unknown type`);
        family.type = rest.trim();
      } else {
        if (family.help !== undefined) throw new Error(`${where}: HELP twice`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) throw new Error(`${where}: unknown escape in HELP`);
        family.help = rest;
      }
      families.set(name!, family);
      return;
    }
    if (line.startsWith('#')) return;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?[ \t]+(\S+)(?:[ \t]+(-?\d+))?$/.exec(line);
    if (!match) throw new Error(`${where}: not a sample`);
    const [, name, labelText = '', value] = match;
    enter(name!, where);
    const family = families.get(name!);
    if (!family?.type) throw new Error(`${where}: a sample before its TYPE`);
    const labels = parseLabels(labelText, where);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (series.has(key)) throw new Error(`${where}: the same series twice`);
    series.add(key);
    samples.push({ name: name!, labels, value: parseValue(value!, where) });
  });
  return { samples, families };
}

/** The value of one series, or undefined. */
export function valueOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return exposition.samples.find((sample) => sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted)?.value;
}
