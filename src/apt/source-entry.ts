/**
 * What the two sources formats have in common: one entry per URI APT would
 * read, with where that URI sits in the file's text, so that a rewrite can
 * touch those characters and nothing else. Pure.
 *
 * Texts are the file's bytes decoded as latin1 (one character per byte), so
 * that encoding them back as latin1 gives the same bytes whatever the file
 * holds; every character the formats care about is ASCII.
 */

/** The prefix that sends a source through apt-torrent's APT method. */
export const TORRENT_PREFIX = 'torrent+';

export interface SourceEntry {
  /** 1-based line of the URI (of the entry, for an entry with no URI). */
  line: number;
  /** The URI as APT reads it (quotes removed); empty when none could be found. */
  uri: string;
  /** Offset in the text of the URI's first character, where a prefix goes; -1 when there is no URI. */
  offset: number;
  /** The entry's types: `deb`, `deb-src`, or both for a deb822 stanza. */
  types: string[];
  /** The suites (a deb822 URI serves every suite of its stanza). */
  suites: string[];
  /** Set when APT does not use the entry (`Enabled: no`) or it cannot be read. */
  problem?: 'disabled' | 'unparsable';
  /** What is wrong, for the user. */
  detail?: string;
}

export type UriKind = 'http' | 'torrent' | 'other';

/**
 * `http`: plain http:// or https://, which the torrent method can take over;
 * `torrent`: already torrent+http(s)://; anything else (cdrom:, file:,
 * mirror+http:, tor+http:…) is `other`. APT's method names are case-sensitive
 * file names, so `HTTP://` is not http.
 */
export function uriKind(uri: string): UriKind {
  if (/^https?:\/\//.test(uri)) return 'http';
  if (/^torrent\+https?:\/\//.test(uri)) return 'torrent';
  return 'other';
}

/** The scheme of a URI for messages: `cdrom`, `mirror+http`; the word itself when it has none. */
export function schemeOf(uri: string): string {
  return /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1] ?? uri;
}

/**
 * The repositories an entry belongs to, as APT tells them apart: by the
 * place of their Release file with the scheme and login left out. So
 * `deb torrent+http://h/d s`, `deb-src http://h/d s` and `deb tor+http://h/d s`
 * are one repository to APT, and the first of those lines decides the URI
 * that all of them are fetched from.
 */
export function repositoryKeys(entry: SourceEntry): string[] {
  let rest = entry.uri.replace(/^[A-Za-z][A-Za-z0-9+.-]*:(\/\/)?/, '');
  const slash = rest.indexOf('/');
  const at = rest.lastIndexOf('@', slash === -1 ? rest.length : slash);
  if (at !== -1) rest = rest.slice(at + 1);
  if (!rest.endsWith('/')) rest += '/';
  return entry.suites.map((suite) => `${rest}${suite.endsWith('/') ? suite : `dists/${suite}/`}`);
}

/** Insert the torrent prefix in front of the chosen entries' URIs. */
export function addPrefix(text: string, entries: readonly SourceEntry[]): string {
  return splice(text, entries, (at) => ({ at, remove: 0, insert: TORRENT_PREFIX }));
}

/** Take the torrent prefix off the chosen entries' URIs (each must start with it). */
export function removePrefix(text: string, entries: readonly SourceEntry[]): string {
  for (const entry of entries) {
    if (text.slice(entry.offset, entry.offset + TORRENT_PREFIX.length) !== TORRENT_PREFIX) throw new Error(`no ${TORRENT_PREFIX} at offset ${entry.offset}`);
  }
  return splice(text, entries, (at) => ({ at, remove: TORRENT_PREFIX.length, insert: '' }));
}

function splice(text: string, entries: readonly SourceEntry[], edit: (offset: number) => { at: number; remove: number; insert: string }): string {
  const edits = [...new Set(entries.map((entry) => entry.offset))].filter((offset) => offset >= 0).sort((a, b) => a - b).map(edit);
  let result = '';
  let from = 0;
  for (const { at, remove, insert } of edits) {
    result += text.slice(from, at) + insert;
    from = at + remove;
  }
  return result + text.slice(from);
}

/** The lines of a text with their offsets; the last line may have no newline. */
export function linesOf(text: string): Array<{ number: number; start: number; text: string }> {
  const lines: Array<{ number: number; start: number; text: string }> = [];
  let start = 0;
  for (let number = 1; start <= text.length; number += 1) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    // A file ending in a newline has no further line.
    if (newline === -1 && start === text.length && number > 1) break;
    lines.push({ number, start, text: text.slice(start, end) });
    if (newline === -1) break;
    start = newline + 1;
  }
  return lines;
}

/** C's isspace() in the C locale, which APT's parsers use. */
export function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\v' || char === '\f' || char === '\r';
}
