/**
 * Quoting for the generated scripts. Names and flags come from our own
 * registry, but descriptions are prose (quotes, brackets, colons), so every
 * string is quoted for the shell and, for zsh, for _arguments' own syntax.
 */

/** POSIX single quotes, for bash and zsh: `it's` → `'it'\''s'`. */
export function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** fish single quotes, where backslash escapes `\` and `'`. */
export function fishQuote(text: string): string {
  return `'${text.replace(/[\\']/g, (char) => `\\${char}`)}'`;
}

/** A description inside _arguments' `[...]` or _describe's `name:description`. */
export function zshDescription(text: string): string {
  return oneLine(text).replace(/[\\[\]:]/g, (char) => `\\${char}`);
}

/** Descriptions in a completion menu are one line; help text may wrap. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The name of a shell function for a command path: `seeding pause` → `seeding_pause`. */
export function functionSuffix(path: readonly string[]): string {
  return path.map((name) => name.replace(/[^A-Za-z0-9]/g, '_')).join('__');
}
