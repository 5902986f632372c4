import { createHash } from 'node:crypto';

export const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/** The pieces' SHA1s of `data`, as a torrent's info holds them. */
export function piecesOf(data: Buffer, pieceLength: number): Buffer {
  const pieces: Buffer[] = [];
  for (let at = 0; at < data.length; at += pieceLength) pieces.push(createHash('sha1').update(data.subarray(at, at + pieceLength)).digest());
  return Buffer.concat(pieces);
}
