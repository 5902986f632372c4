import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PIECE_LENGTH, MIN_PIECE_LENGTH, pieceCount, pieceLengthExponent, pieceLengthFor, TARGET_MAX_PIECES } from '../../../src/manifest/piece-length.js';

const KiB = 1024;
const MiB = 1024 * KiB;

test('small and medium files get the 256 KiB floor', () => {
  assert.equal(pieceLengthFor(0), 256 * KiB);
  assert.equal(pieceLengthFor(1), 256 * KiB);
  assert.equal(pieceLengthFor(100 * MiB), 256 * KiB);
  assert.equal(pieceLengthFor(512 * MiB), 256 * KiB, 'exactly 2048 pieces of 256 KiB');
});

test('doubles as soon as 2048 pieces are not enough', () => {
  assert.equal(pieceLengthFor(512 * MiB + 1), 512 * KiB);
  assert.equal(pieceLengthFor(1.31e9), 1 * MiB, '0ad-data');
  assert.equal(pieceLengthFor(1.46e9), 1 * MiB, 'qgis-api-doc');
  assert.equal(pieceLengthFor(4 * 1024 * MiB), 2 * MiB);
});

test('caps at 4 MiB, with more pieces beyond 8 GiB', () => {
  assert.equal(pieceLengthFor(8 * 1024 * MiB), 4 * MiB);
  assert.equal(pieceLengthFor(100 * 1024 * MiB), 4 * MiB);
  assert.ok(pieceCount(100 * 1024 * MiB, 4 * MiB) > TARGET_MAX_PIECES);
});

test('every length is a power of two within the bounds, and pieces never exceed 2048 below the cap', () => {
  for (let size = 1; size < 64 * 1024 * MiB; size = Math.ceil(size * 1.37)) {
    const length = pieceLengthFor(size);
    assert.ok(length >= MIN_PIECE_LENGTH && length <= MAX_PIECE_LENGTH);
    assert.equal(2 ** pieceLengthExponent(length), length);
    if (length < MAX_PIECE_LENGTH) assert.ok(pieceCount(size, length) <= TARGET_MAX_PIECES, `${size}`);
  }
});
