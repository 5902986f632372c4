/**
 * Byte ranges of the pieces a torrent still lacks, adjacent pieces joined,
 * so HTTP can fetch exactly what peers did not give. Inclusive ends, as in
 * a Range header. Pure.
 * @example missingRanges(10, 4, (i) => i === 1) // [[0, 3], [8, 9]]
 */
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
