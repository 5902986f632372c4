/**
 * How a problem message quotes the value it found. Pure.
 */

/**
 * A value as short JSON for a message: at most 60 characters, `nothing` for a
 * missing field, and no crash on values nested deeper than JSON.stringify goes.
 * @example show(undefined) === 'nothing' && show('a') === '"a"'
 */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let json: string;
  try {
    // A long string is cut before it is quoted, not after.
    json = JSON.stringify(typeof value === 'string' && value.length > 60 ? value.slice(0, 60) : value);
  } catch {
    // JSON.parse reads arrays nested far deeper than JSON.stringify can write them back.
    return Array.isArray(value) ? 'an array nested too deeply to show' : 'an object nested too deeply to show';
  }
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
