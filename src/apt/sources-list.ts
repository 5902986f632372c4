/**
 * The one-line sources format (sources.list(5)), read the way APT's own
 * parser reads it, so that every entry found here is one APT would use and
 * the URI's offset is exact:
 *
 *   deb [ arch=amd64 signed-by=/usr/share/keyrings/x.gpg ] http://deb.debian.org/debian bookworm main
 *
 * A `#` starts a comment unless it is inside the `[ ]` options; words may be
 * quoted ("…") and a `[…]` inside a word (cdrom:[Debian …]/) is one word with
 * its spaces. Pure.
 */
import { isSpace, linesOf, type SourceEntry } from './source-entry.js';

const TYPES = new Set(['deb', 'deb-src']);

/** Every entry of a one-line sources file; blank and comment lines give none. */
export function parseSourcesList(text: string): SourceEntry[] {
  return linesOf(text).flatMap((line) => parseLine(line.text, line.number, line.start) ?? []);
}

function parseLine(line: string, number: number, base: number): SourceEntry | undefined {
  const code = line.slice(0, commentStart(line));
  let start = 0;
  while (start < code.length && ' \t\r'.includes(code[start]!)) start += 1;
  let end = code.length;
  while (end > start && ' \t\r'.includes(code[end - 1]!)) end -= 1;
  if (start === end) return undefined;
  const body = code.slice(start, end);
  const bad = (detail: string, types: string[] = []): SourceEntry => ({ line: number, uri: '', offset: -1, types, suites: [], problem: 'unparsable', detail });

  const typeEnd = body.search(/[ \t\v]/);
  if (typeEnd === -1) return bad('a line with one word only (no type, URI and suite)');
  const type = body.slice(0, typeEnd);
  if (!TYPES.has(type)) return bad(`unknown type "${type}" (APT knows deb and deb-src)`);

  let pos = skipSpace(body, typeEnd);
  if (body[pos] === '[') {
    const after = readOptions(body, pos + 1);
    if (typeof after === 'string') return bad(after, [type]);
    pos = skipSpace(body, after);
  }
  const uri = quoteWord(body, pos);
  if (!uri) return bad('no URI', [type]);
  const suite = quoteWord(body, uri.next);
  if (!suite) return bad('no suite', [type]);
  const component = quoteWord(body, suite.next);
  const suiteText = body.slice(suite.start, suite.end).replace(/"/g, '');
  if (suiteText.endsWith('/') && component) return bad('an absolute suite (ending in /) takes no components', [type]);
  if (!suiteText.endsWith('/') && !component) return bad('no component', [type]);

  const word = body.slice(uri.start, uri.end);
  // The prefix goes before the scheme, inside an opening quote.
  const lead = word.length - word.replace(/^"+/, '').length;
  return { line: number, uri: word.replace(/"/g, ''), offset: base + start + uri.start + lead, types: [type], suites: [suiteText] };
}

/** Where the comment starts: the first `#` not inside `[ ]`, as APT decides it. */
function commentStart(line: string): number {
  let open = 0;
  let closed = 0;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (char === '[') open += 1;
    else if (char === ']') closed += 1;
    else if (char === '#' && open <= closed) return index;
  }
  return line.length;
}

function skipSpace(text: string, pos: number): number {
  while (pos < text.length && isSpace(text[pos])) pos += 1;
  return pos;
}

/**
 * One word as APT's ParseQuoteWord takes it: leading blanks skipped, up to
 * the next white space, jumping over "…" and […]. `next` is past the white
 * space after it. Undefined at the end of the text or on an unclosed quote.
 */
function quoteWord(text: string, from: number): { start: number; end: number; next: number } | undefined {
  let pos = from;
  while (text[pos] === ' ') pos += 1;
  if (pos >= text.length) return undefined;
  const start = pos;
  while (pos < text.length && !isSpace(text[pos])) {
    if (text[pos] === '"') {
      pos = text.indexOf('"', pos + 1);
      if (pos === -1) return undefined;
    }
    if (text[pos] === '[') {
      pos = text.indexOf(']', pos + 1);
      if (pos === -1) return undefined;
    }
    pos += 1;
  }
  return { start, end: pos, next: skipSpace(text, pos) };
}

/** The `[ key=value … ]` options after the type; returns the offset after `]`, or what is wrong. */
function readOptions(text: string, from: number): number | string {
  let pos = skipSpace(text, from);
  while (text[pos] !== ']') {
    const word = quoteWord(text, pos);
    if (!word) return 'the [ options ] are not closed';
    let option = text.slice(word.start, word.end).replace(/"/g, '');
    pos = word.next;
    if (option.length < 3) return `option "${option}" is too short`;
    // `[arch=amd64]`: the last option may touch the `]`.
    if (option.endsWith(']')) {
      pos = text.lastIndexOf(']', pos);
      option = option.slice(0, -1);
    }
    const equals = option.indexOf('=');
    if (equals <= 0 || equals === option.length - 1) return `option "${option}" is not key=value`;
  }
  return pos + 1;
}
