import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PIECE_LENGTH, MIN_PIECE_LENGTH, pieceCount, pieceLengthExponent, pieceLengthFor, TARGET_MAX_PIECES } from '../../src/bittorrent/piece-length.js';

const MiB = 1024 * 1024;

test('files up to 1 GiB get the 1 MiB floor', () => {
  assert.equal(pieceLengthFor(0), MiB);
  assert.equal(pieceLengthFor(1), MiB);
  assert.equal(pieceLengthFor(100 * MiB), MiB);
  assert.equal(pieceLengthFor(1024 * MiB), MiB, 'exactly 1024 pieces of 1 MiB');
});

test('doubles as soon as 1024 pieces are not enough', () => {
  assert.equal(pieceLengthFor(1024 * MiB + 1), 2 * MiB);
  assert.equal(pieceLengthFor(1.34e9), 2 * MiB, 'flightgear-data-base');
  assert.equal(pieceLengthFor(1.54e9), 2 * MiB, 'qgis-api-doc');
  assert.equal(pieceLengthFor(2048 * MiB + 1), 4 * MiB);
});

test('caps at 4 MiB, with more pieces beyond 4 GiB', () => {
  assert.equal(pieceLengthFor(4096 * MiB), 4 * MiB);
  assert.equal(pieceLengthFor(100 * 1024 * MiB), 4 * MiB);
  assert.ok(pieceCount(100 * 1024 * MiB, 4 * MiB) > TARGET_MAX_PIECES);
});

test('every length is a power of two within the bounds, and pieces never exceed 1024 below the cap', () => {
  for (let size = 1; size < 64 * 1024 * MiB; size = Math.ceil(size * 1.37)) {
    const length = pieceLengthFor(size);
    assert.ok(length >= MIN_PIECE_LENGTH && length <= MAX_PIECE_LENGTH);
    assert.equal(2 ** pieceLengthExponent(length), length);
    if (length < MAX_PIECE_LENGTH) assert.ok(pieceCount(size, length) <= TARGET_MAX_PIECES, `${size}`);
  }
});
