/**
 * Byte ranges of the pieces a torrent still lacks, adjacent pieces joined,
 * so HTTP can fetch exactly what peers did not give. Inclusive ends, as in
 * a Range header. Pure.
 * @example missingRanges(10, 4, (i) => i === 1) // [[0, 3], [8, 9]]
 */
/**
 * Cut ranges into at most `parts` pieces of similar size, on piece
 * boundaries, so several connections can fetch them at once (a busy mirror
 * limits each connection, not the client). Pure.
 * @example splitRanges([[0, 99]], 2, 10) // [[0, 49], [50, 99]]
 */
export function splitRanges(ranges: ReadonlyArray<readonly [number, number]>, parts: number, pieceLength: number): Array<[number, number]> {
  const total = ranges.reduce((sum, [start, end]) => sum + end - start + 1, 0);
  const target = Math.max(pieceLength, Math.ceil(total / Math.max(1, parts) / pieceLength) * pieceLength);
  const result: Array<[number, number]> = [];
  for (const [start, end] of ranges) {
    for (let at = start; at <= end; at += target) result.push([at, Math.min(end, at + target - 1)]);
  }
  return result;
}

export function missingRanges(size: number, pieceLength: number, have: (index: number) => boolean): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const count = Math.ceil(size / pieceLength);
  for (let index = 0; index < count; index += 1) {
    if (have(index)) continue;
    const start = index * pieceLength;
    const end = Math.min(size, start + pieceLength) - 1;
    const last = ranges[ranges.length - 1];
    if (last && last[1] + 1 === start) last[1] = end;
    else ranges.push([start, end]);
  }
  return ranges;
}
