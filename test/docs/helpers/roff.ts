import { readFileSync } from 'node:fs';

/**
 * A man page's source as plain words: font changes, zero-width and
 * non-breaking escapes removed, `\-` as `-`, comments dropped. Enough to
 * ask "is --archive-root described under publish?" without rendering.
 */
export function readRoff(path: string): string {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('.\\"'))
    .join('\n')
    .replace(/\\f[BIRP]/g, '')
    .replace(/\\&/g, '')
    .replace(/\\~/g, ' ')
    .replace(/\\-/g, '-')
    .replace(/\\e/g, '\\');
}

/** `.SH NAME` → the text up to the next `.SH`. */
export function sections(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of text.split(/^\.SH /m).slice(1)) {
    const newline = part.indexOf('\n');
    map.set(unquote(part.slice(0, newline)), part.slice(newline + 1));
  }
  return map;
}

/** `.SS heading` → its body, within one section. */
export function subsections(section: string): Array<{ heading: string; body: string }> {
  return section.split(/^\.SS /m).slice(1).map((part) => {
    const newline = part.indexOf('\n');
    return { heading: unquote(part.slice(0, newline)), body: part.slice(newline + 1) };
  });
}

/** `.TP` items of a section: the tag line (macro removed) and the paragraph. */
export function items(section: string): Array<{ tag: string; body: string }> {
  return section.split(/^\.TP\n/m).slice(1).map((part) => {
    const [tag = '', ...rest] = part.split('\n');
    return { tag: unquote(tag.replace(/^\.[A-Z]{1,2} /, '')), body: rest.join('\n') };
  });
}

function unquote(text: string): string {
  return text.trim().replace(/"/g, '');
}

/** Is `word` there as a whole word (not inside `--archive-root-x`)? */
export function hasWord(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w-])${escaped}($|[^\\w-])`, 'm').test(text);
}
