/**
 * The deb822 sources format (`*.sources`, sources.list(5)), read the way
 * APT reads it, keeping where each URI sits in the text:
 *
 *   # Debian
 *   Types: deb deb-src
 *   URIs: http://deb.debian.org/debian https://mirror.example.org/debian
 *    http://third.example.org/debian
 *   Suites: bookworm bookworm-updates
 *   Components: main
 *   Signed-By:
 *    -----BEGIN PGP PUBLIC KEY BLOCK-----
 *    .
 *    mQINBF…
 *
 * Stanzas end at an empty line; a line starting with `#` is a comment
 * wherever it is (even between continuation lines); a line starting with
 * white space continues the field above; field names ignore case; `URIs`,
 * `Types` and `Suites` are lists split on white space. Pure.
 */
import { isSpace, linesOf, type SourceEntry } from './source-entry.js';

const TYPES = new Set(['deb', 'deb-src']);
/** StringToBool's false words; anything else (or nothing) leaves a stanza enabled. */
const FALSE_WORDS = new Set(['no', 'false', 'without', 'off', 'disable', '0']);

interface Span {
  line: number;
  start: number;
  text: string;
}

interface Field {
  name: string;
  /** The value: the rest of the first line, then each continuation line. */
  spans: Span[];
}

interface Stanza {
  line: number;
  fields: Field[];
  broken?: string;
}

/** Every URI of every stanza, in file order; a stanza APT cannot read gives one unparsable entry. */
export function parseSourcesDeb822(text: string): SourceEntry[] {
  return stanzasOf(text).flatMap(entriesOf);
}

function stanzasOf(text: string): Stanza[] {
  const stanzas: Stanza[] = [];
  let current: Stanza | undefined;
  for (const line of linesOf(text)) {
    if (line.text.startsWith('#')) continue;
    if (/^\r*$/.test(line.text)) {
      current = undefined;
      continue;
    }
    if (!current) {
      current = { line: line.number, fields: [] };
      stanzas.push(current);
    }
    if (isSpace(line.text[0])) {
      const field = current.fields.at(-1);
      if (field) field.spans.push({ line: line.number, start: line.start, text: line.text });
      else current.broken ??= `line ${line.number} continues a field, but no field came before it`;
      continue;
    }
    const colon = line.text.indexOf(':');
    if (colon === -1) {
      current.broken ??= `line ${line.number} is neither "Field: value" nor a continuation`;
      continue;
    }
    current.fields.push({
      name: line.text.slice(0, colon).trimEnd(),
      spans: [{ line: line.number, start: line.start + colon + 1, text: line.text.slice(colon + 1) }],
    });
  }
  return stanzas;
}

/** The white-space separated words of a field, each with its line and offset. */
function words(field: Field | undefined): Array<{ line: number; offset: number; word: string }> {
  if (!field) return [];
  return field.spans.flatMap((span) => [...span.text.matchAll(/[^ \t\n\v\f\r]+/g)].map((match) => ({ line: span.line, offset: span.start + match.index!, word: match[0] })));
}

function entriesOf(stanza: Stanza): SourceEntry[] {
  const field = (name: string) => stanza.fields.find((candidate) => candidate.name.toLowerCase() === name);
  const types = words(field('types')).map((word) => word.word);
  const uris = words(field('uris'));
  const suites = words(field('suites')).map((word) => word.word);
  const bad = (detail: string): SourceEntry[] => {
    const found = uris.map((uri) => ({ line: uri.line, uri: uri.word, offset: uri.offset, types, suites, problem: 'unparsable' as const, detail }));
    return found.length > 0 ? found : [{ line: stanza.line, uri: '', offset: -1, types, suites, problem: 'unparsable', detail }];
  };
  if (stanza.broken) return bad(stanza.broken);
  if (!field('types')) return bad('no Types field');
  const unknown = types.filter((type) => !TYPES.has(type));
  if (unknown.length > 0) return bad(`unknown type "${unknown[0]}" (APT knows deb and deb-src)`);
  if (uris.length === 0) return bad('no URIs');
  if (suites.length === 0) return bad('no Suites');
  const enabled = field('enabled');
  const disabled = enabled !== undefined && FALSE_WORDS.has(enabled.spans.map((span) => span.text).join(' ').trim().toLowerCase());
  return uris.map((uri) => ({
    line: uri.line,
    uri: uri.word,
    offset: uri.offset,
    types,
    suites,
    ...(disabled ? { problem: 'disabled' as const, detail: 'the stanza says Enabled: no' } : {}),
  }));
}
