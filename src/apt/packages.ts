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

/**
 * Split one stanza into its fields (continuation lines are joined with '\n').
 * As in APT, a value's surrounding white space is not part of it, so a
 * continuation line of blanks after `Filename: x` leaves `x`.
 */
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
    // `Filename :` is Filename to APT.
    current = line.slice(0, colon).trimEnd();
    fields.set(current, line.slice(colon + 1).trim());
  }
  for (const [key, value] of fields) fields.set(key, value.trimEnd());
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

/**
 * Every file entry in a Packages index. Stanzas end at an empty line only:
 * APT reads a line of blanks as part of the stanza, and so must we, or the
 * two would see different fields for the same file.
 */
export function parsePackages(text: string): PackageEntry[] {
  const entries: PackageEntry[] = [];
  for (const stanza of text.replace(/\r\n/g, '\n').split(/\n\n/)) {
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
  return findByField(text, 'Filename', wanted, (value) => value, (entry) => entry.filename);
}

/**
 * The entries whose SHA256 is in `wanted` (lower-case hex), found the same way.
 * @example findBySha256(text, new Set(['9f86d0...'])).map((entry) => entry.package)
 */
export function findBySha256(text: string, wanted: ReadonlySet<string>): PackageEntry[] {
  return findByField(text, 'SHA256', wanted, (value) => value.toLowerCase(), (entry) => entry.sha256);
}

/**
 * Scan for `\n<field>:` lines whose value is wanted and parse only their
 * stanzas. indexOf over 50 MB is far cheaper than splitting it into stanzas.
 * A stanza counts by the value APT reads (its last such field), once.
 */
function findByField(
  text: string,
  field: string,
  wanted: ReadonlySet<string>,
  normalize: (value: string) => string,
  valueOf: (entry: PackageEntry) => string,
): PackageEntry[] {
  const found: PackageEntry[] = [];
  if (wanted.size === 0) return found;
  // A stanza may open with the field; a leading newline makes every field look alike.
  if (text.startsWith(`${field}:`)) text = `\n${text}`;
  // No space required after the colon: APT does not require one either.
  const key = `\n${field}:`;
  let at = text.indexOf(key);
  while (at !== -1) {
    const valueStart = at + key.length;
    let valueEnd = text.indexOf('\n', valueStart);
    if (valueEnd === -1) valueEnd = text.length;
    if (wanted.has(normalize(text.slice(valueStart, valueEnd).trim()))) {
      const before = text.lastIndexOf('\n\n', at);
      const start = before === -1 ? 0 : before + 2;
      let end = text.indexOf('\n\n', valueEnd);
      if (end === -1) end = text.length;
      const entry = toEntry(parseStanza(text.slice(start, end)));
      if (entry && wanted.has(valueOf(entry))) found.push(entry);
      at = text.indexOf(key, end);
      continue;
    }
    at = text.indexOf(key, valueEnd);
  }
  return found;
}
