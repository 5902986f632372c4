import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { InOrderChecker } from '../../src/fetch/in-order-checker.js';

const PIECE = 1000;
const body = Buffer.from(Array.from({ length: 3500 }, (_, index) => (index * 31) % 251));
const pieceHashes = (data: Buffer) => Buffer.concat(Array.from({ length: Math.ceil(data.length / PIECE) }, (_, index) => createHash('sha1').update(data.subarray(index * PIECE, (index + 1) * PIECE)).digest()));
const sha256 = createHash('sha256').update(body).digest('hex');

/** Feed `data` in chunks of `size`, from `from`; returns the pieces reported. */
function feed(checker: InOrderChecker, data: Buffer, size: number, from = 0, to = data.length): number[] {
  const pieces: number[] = [];
  for (let at = from; at < to; at += size) pieces.push(...checker.wrote(data.subarray(at, Math.min(to, at + size)), at));
  return pieces;
}

describe('the head start\'s check of what it writes in order', () => {
  it('reports each piece once it is whole and matches, across chunk and piece boundaries, and knows the whole SHA256', () => {
    const checker = new InOrderChecker(body.length, PIECE, pieceHashes(body));
    assert.deepEqual(feed(checker, body, 333), [0, 1, 2, 3]);
    assert.equal(checker.written, body.length);
    assert.equal(checker.digest(), sha256);
  });

  it('does not report a piece whose bytes are not the torrent\'s, and its SHA256 is the bytes\' own', () => {
    const tampered = Buffer.from(body);
    tampered[1500] = 255 - tampered[1500]!;
    const checker = new InOrderChecker(body.length, PIECE, pieceHashes(body));
    assert.deepEqual(feed(checker, tampered, 700), [0, 2, 3]);
    assert.notEqual(checker.digest(), sha256);
  });

  it('knows no SHA256 before the end, nor after a write out of order', () => {
    const checker = new InOrderChecker(body.length, PIECE, pieceHashes(body));
    feed(checker, body, 500, 0, 2000);
    assert.equal(checker.digest(), undefined);
    assert.deepEqual(checker.wrote(body.subarray(2500, 3500), 2500), [], 'a gap: nothing more is checked');
    assert.deepEqual(feed(checker, body, 500, 2000, 2500), []);
    assert.equal(checker.digest(), undefined);
  });

  it('starts over when the server sends the file again from its first byte', () => {
    const checker = new InOrderChecker(body.length, PIECE, pieceHashes(body));
    feed(checker, Buffer.alloc(body.length, 1), 400, 0, 1200);
    assert.deepEqual(feed(checker, body, 900), [0, 1, 2, 3]);
    assert.equal(checker.digest(), sha256);
  });
});
