/**
 * The Range request header (RFC 9110, 14.2), for one range. Pure.
 * Web seeds ask for one piece per request, APT resumes with `bytes=N-`;
 * nobody who fetches from a mirror needs multipart ranges, and answering a
 * multi-range request with the whole file (200) is allowed, so only one
 * range is served.
 */

export type RangeDecision =
  /** No usable Range header: send the whole file with 200. */
  | { kind: 'whole' }
  /** Send bytes start..end inclusive with 206. */
  | { kind: 'partial'; start: number; end: number }
  /** No byte of the range exists: 416 with `Content-Range: bytes *\/size`. */
  | { kind: 'unsatisfiable' };

/**
 * Decide what a Range header asks of a file of `size` bytes. A malformed
 * header is ignored (whole file), as the RFC says.
 * @example decideRange('bytes=0-99', 1000) // { kind: 'partial', start: 0, end: 99 }
 * @example decideRange('bytes=-100', 1000) // { kind: 'partial', start: 900, end: 999 }
 * @example decideRange('bytes=1000-', 1000) // { kind: 'unsatisfiable' }
 */
export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return { kind: 'whole' };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return { kind: 'whole' };
  const [, first, last] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    // Suffix range: the last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const lastByte = last === '' ? Infinity : Number(last);
  // `bytes=5-2` is malformed (ignored); `bytes=N-` past the end is unsatisfiable.
  if (!Number.isSafeInteger(start) || lastByte < start) return { kind: 'whole' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(lastByte, size - 1) };
}
