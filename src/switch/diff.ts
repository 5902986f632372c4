/**
 * A unified diff (no context lines, as `diff -U0`) of what a dry run would
 * change. Switching only ever edits lines in place, so equal line counts
 * give one hunk per run of changed lines; anything else is one hunk of the
 * whole file. Texts are latin1 (bytes); shown as UTF-8. Pure.
 */

function linesOf(text: string | undefined): string[] {
  if (text === undefined || text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  else lines[lines.length - 1] += '\n\\ No newline at end of file';
  return lines.map((line) => Buffer.from(line, 'latin1').toString('utf8'));
}

const range = (start: number, count: number) => (count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`);

/** `before` undefined: a new file; `after` undefined: a removed one. */
export function unifiedDiff(path: string, before: string | undefined, after: string | undefined): string {
  const old = linesOf(before);
  const now = linesOf(after);
  const out = [`--- ${before === undefined ? '/dev/null' : path}`, `+++ ${after === undefined ? '/dev/null' : path}`];
  if (old.length !== now.length || old.length === 0) {
    out.push(`@@ -${range(1, old.length)} +${range(1, now.length)} @@`, ...old.map((line) => `-${line}`), ...now.map((line) => `+${line}`));
    return `${out.join('\n')}\n`;
  }
  for (let index = 0; index < old.length; ) {
    if (old[index] === now[index]) {
      index += 1;
      continue;
    }
    let end = index;
    while (end < old.length && old[end] !== now[end]) end += 1;
    out.push(`@@ -${range(index + 1, end - index)} +${range(index + 1, end - index)} @@`);
    out.push(...old.slice(index, end).map((line) => `-${line}`), ...now.slice(index, end).map((line) => `+${line}`));
    index = end;
  }
  return `${out.join('\n')}\n`;
}
