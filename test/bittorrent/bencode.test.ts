import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BencodeError, decode, encode, rawValue } from '../../src/bittorrent/bencode.js';

test('encodes integers, strings, lists and dictionaries with sorted keys', () => {
  assert.equal(encode(42).toString(), 'i42e');
  assert.equal(encode(-3).toString(), 'i-3e');
  assert.equal(encode('spam').toString(), '4:spam');
  assert.equal(encode('é').toString('latin1'), '2:\xc3\xa9', 'strings are UTF-8, the length counts bytes');
  assert.equal(encode([1, 'a', []]).toString(), 'li1e1:alee');
  assert.equal(encode({ b: 1, a: 'x', 'a b': 2 }).toString(), 'd1:a1:x3:a bi2e1:bi1ee');
  assert.equal(encode({ a: undefined, b: 1 }).toString(), 'd1:bi1ee', 'undefined values are left out');
  assert.equal(encode(Buffer.from([0, 255])).toString('latin1'), '2:\x00\xff');
});

test('refuses numbers bencode cannot carry', () => {
  assert.throws(() => encode(1.5), TypeError);
  assert.throws(() => encode(2 ** 60), TypeError);
});

test('decodes what it encodes, byte strings as Buffers', () => {
  const bytes = encode({ info: { length: 3, name: 'a.deb', pieces: Buffer.alloc(20, 7) }, list: [1, [2]] });
  const value = decode(bytes) as Record<string, any>;
  assert.equal(value.info.length, 3);
  assert.deepEqual(value.info.name, Buffer.from('a.deb'));
  assert.deepEqual(value.info.pieces, Buffer.alloc(20, 7));
  assert.deepEqual(value.list, [1, [2]]);
  assert.deepEqual(encode(value as never), bytes, 'a round trip gives the same bytes');
});

test('refuses malformed input with the offset', () => {
  for (const bad of ['i03e', 'i-0e', 'ie', 'i1', '5:ab', '01:a', 'l', 'd1:a', 'x', 'i1ei2e', 'd1:ai1e']) {
    assert.throws(() => decode(Buffer.from(bad)), BencodeError, bad);
  }
  assert.throws(() => decode(Buffer.from(`${'l'.repeat(100)}${'e'.repeat(100)}`)), /nested too deeply/);
  assert.throws(() => decode(Buffer.from('i99999999999999999999e')), /too large/);
});

test('a __proto__ key is data, not a prototype', () => {
  const value = decode(Buffer.from('d9:__proto__i1ee')) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(value), null);
  assert.equal(value.__proto__, 1);
});

test('rawValue returns the exact bytes of a top-level value, even if not canonical', () => {
  // Keys out of order: a re-encoding would differ, the raw slice must not.
  const text = 'd4:infod4:name1:b6:lengthi1ee8:announce1:xe';
  assert.equal(rawValue(Buffer.from(text), 'info')!.toString(), 'd4:name1:b6:lengthi1ee');
  assert.equal(rawValue(Buffer.from(text), 'missing'), undefined);
  assert.throws(() => rawValue(Buffer.from('li1ee'), 'info'), BencodeError);
});
