import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anyMessageLimit, bitfieldLength, MAX_BLOCK, MAX_EXTENDED, messageLimit, refusal } from '../../src/torrent/wire-limits.js';

describe('wire message limits', () => {
  it('fixed-size messages may be their size, no more', () => {
    for (const [id, size] of [[0, 1], [2, 1], [4, 5], [6, 13], [8, 13], [9, 3], [14, 1], [16, 13], [17, 5]] as const) {
      assert.equal(refusal(size, id, 100), undefined, `id ${id}`);
      assert.match(refusal(size + 1, id, 100) ?? '', new RegExp(`of ${size + 1} bytes \\(at most ${size}\\)`), `id ${id}`);
    }
  });

  it('a piece carries at most a 128 KiB block; a bitfield one bit per piece of the torrent', () => {
    assert.equal(messageLimit(7, 10), 9 + MAX_BLOCK);
    assert.equal(refusal(9 + MAX_BLOCK + 1, 7, 10), `a piece message of ${9 + MAX_BLOCK + 1} bytes (at most ${9 + MAX_BLOCK})`);
    assert.equal(bitfieldLength(1), 2);
    assert.equal(bitfieldLength(8), 2);
    assert.equal(bitfieldLength(9), 3);
    assert.equal(refusal(1 + 128, 5, 1024), undefined);
    assert.equal(refusal(1 + 129, 5, 1024), 'a bitfield message of 130 bytes (at most 129)');
    assert.equal(messageLimit(5, undefined), 9 + MAX_BLOCK, 'an unknown torrent: no more than a block');
  });

  it('extended messages and ids this client does not speak are bounded too', () => {
    assert.equal(refusal(MAX_EXTENDED, 20, 1), undefined);
    assert.match(refusal(MAX_EXTENDED + 1, 20, 1) ?? '', /^an extended message of/);
    assert.match(refusal(1 << 20, 99, 1) ?? '', /^a type 99 message of 1048576 bytes \(at most 65536\)$/);
  });

  it('before its id is read, a message may be as long as the longest allowed, and 2^32 - 1 never', () => {
    assert.equal(anyMessageLimit(1), MAX_EXTENDED);
    assert.equal(anyMessageLimit(8 * 1024 * 1024), bitfieldLength(8 * 1024 * 1024), 'a torrent with 8 Mi pieces');
    assert.equal(refusal(MAX_EXTENDED, undefined, 1), undefined);
    assert.equal(refusal(2 ** 32 - 1, undefined, 1), `a message of 4294967295 bytes (at most ${MAX_EXTENDED})`);
  });
});
