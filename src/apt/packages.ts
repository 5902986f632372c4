/**
 * Reading Debian Packages indexes (deb822 stanzas). Pure: text in, values out.
 * Two ways in: `parsePackages` reads every stanza (for the publisher), and
 * `findByFilename` picks only the stanzas of the wanted files, which is what
 * a client needs from a 60,000-package index on every run (indexOf is far
 * cheaper than splitting 50 MB into stanzas).
 */

/** The fields of a Packages stanza that apt-torrent uses. */
export interface PackageEntry {
  package: string;
  version: string;
  architecture: string;
  /** Pool path relative to the repository root, e.g. `pool/main/h/hello/hello_2.10-3_amd64.deb`. */
  filename: string;
  size: number;
  /** Lower-case hex, or '' when the stanza has none. */
  sha256: string;
}

/** Split one stanza into its fields (continuation lines are joined with '\n'). */
export function parseStanza(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  let current: string | undefined;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    if ((line[0] === ' ' || line[0] === '\t') && current !== undefined) {
      fields.set(current, `${fields.get(current)}\n${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    current = line.slice(0, colon);
    fields.set(current, line.slice(colon + 1).trim());
  }
  return fields;
}

/** The entry of a stanza, or undefined when it lacks what a file needs (name, path, size). */
export function toEntry(fields: Map<string, string>): PackageEntry | undefined {
  const filename = fields.get('Filename');
  const size = Number(fields.get('Size'));
  const name = fields.get('Package');
  if (!filename || !name || !/^\d+$/.test(fields.get('Size') ?? '') || !Number.isSafeInteger(size)) return undefined;
  const sha256 = (fields.get('SHA256') ?? '').toLowerCase();
  return {
    package: name,
    version: fields.get('Version') ?? '',
    architecture: fields.get('Architecture') ?? '',
    filename,
    size,
    sha256: /^[0-9a-f]{64}$/.test(sha256) ? sha256 : '',
  };
}

/** Every file entry in a Packages index. */
export function parsePackages(text: string): PackageEntry[] {
  const entries: PackageEntry[] = [];
  for (const stanza of text.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/)) {
    if (stanza.trim() === '') continue;
    const entry = toEntry(parseStanza(stanza));
    if (entry) entries.push(entry);
  }
  return entries;
}

/**
 * The entries whose Filename is in `wanted`, found without parsing the rest.
 * A path may appear in several stanzas (rare, but legal); all are returned.
 */
export function findByFilename(text: string, wanted: ReadonlySet<string>): PackageEntry[] {
  const found: PackageEntry[] = [];
  if (wanted.size === 0) return found;
  // A stanza may open with Filename; a leading newline makes every field look alike.
  if (text.startsWith('Filename: ')) text = `\n${text}`;
  const key = '\nFilename: ';
  let at = text.indexOf(key);
  while (at !== -1) {
    const valueStart = at + key.length;
    let valueEnd = text.indexOf('\n', valueStart);
    if (valueEnd === -1) valueEnd = text.length;
    const filename = text.slice(valueStart, valueEnd).trim();
    if (wanted.has(filename)) {
      const before = text.lastIndexOf('\n\n', at);
      const start = before === -1 ? 0 : before + 2;
      let end = text.indexOf('\n\n', valueEnd);
      if (end === -1) end = text.length;
      const entry = toEntry(parseStanza(text.slice(start, end)));
      if (entry) found.push(entry);
    }
    at = text.indexOf(key, valueEnd);
  }
  return found;
}
