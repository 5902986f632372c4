/**
 * Pure readers for `apt-config` output.
 */

/**
 * Parse `apt-config shell NAME KEY/d ...` output: `NAME='value'` lines,
 * single-quoted the POSIX shell way (`'\''` for a quote).
 */
export function parseAptConfigShell(output: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of output.split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    values.set(match[1]!, unquoteShell(match[2]!));
  }
  return values;
}

function unquoteShell(text: string): string {
  let result = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === "'") {
      const end = text.indexOf("'", index + 1);
      if (end === -1) return result + text.slice(index + 1);
      result += text.slice(index + 1, end);
      index = end + 1;
    } else if (char === '\\' && index + 1 < text.length) {
      result += text[index + 1];
      index += 2;
    } else {
      result += char;
      index += 1;
    }
  }
  return result;
}

/**
 * Parse `apt-config dump` output (`Key::Sub "value";` lines) into a flat map.
 * List items (`Key:: "value";`) collect under the key with a trailing `::`.
 */
export function parseAptConfigDump(output: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    const match = /^(\S+) "((?:[^"\\]|\\.)*)";$/.exec(line);
    if (!match) continue;
    const key = match[1]!.toLowerCase();
    const value = match[2]!.replace(/\\(.)/g, '$1');
    const list = values.get(key);
    if (list) list.push(value);
    else values.set(key, [value]);
  }
  return values;
}
