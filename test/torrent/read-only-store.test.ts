/**
 * The store a bridge serves a file through: reads only, from a descriptor
 * opened on a regular file of the right size, and never removes the file.
 */
import assert from 'node:assert/strict';
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openReadOnly, ReadOnlyStore } from '../../src/torrent/read-only-store.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

const get = (store: ReadOnlyStore, index: number, opts?: { offset?: number; length?: number }) => new Promise<Buffer>((resolve, reject) => {
  store.get(index, opts ?? null, (error, buffer) => (error ? reject(error) : resolve(buffer!)));
});

describe('ReadOnlyStore', () => {
  const dir = tempDir('read-only-store');
  const path = join(dir, 'file.deb');
  const bytes = Buffer.from(Array.from({ length: 40 }, (_, index) => index));
  writeFileSync(path, bytes);
  symlinkSync(path, join(dir, 'link.deb'));
  after(() => removeTempDir(dir));

  it('reads pieces and ranges of them, refuses writes and ranges past a piece, and leaves the file when destroyed', async () => {
    const store = new ReadOnlyStore(16, await openReadOnly(path, 40), 40);
    assert.deepEqual(await get(store, 0), bytes.subarray(0, 16));
    assert.deepEqual(await get(store, 2), bytes.subarray(32, 40), 'the last, short piece');
    assert.deepEqual(await get(store, 1, { offset: 4, length: 8 }), bytes.subarray(20, 28));
    await assert.rejects(get(store, 2, { offset: 4, length: 8 }), /no such range/);
    await assert.rejects(new Promise((resolve, reject) => store.put(0, Buffer.alloc(16), (error) => (error ? reject(error) : resolve(undefined)))), /read-only/);
    await new Promise((resolve) => store.destroy(resolve));
    assert.equal(existsSync(path), true);
    await assert.rejects(get(store, 0), /closed/);
  });

  it('opens only a regular file of the size the torrent says, through no link', async () => {
    await assert.rejects(openReadOnly(join(dir, 'link.deb'), 40), /ELOOP/);
    await assert.rejects(openReadOnly(path, 41), /not a file of 41 bytes/);
    await assert.rejects(openReadOnly(dir, 40), /not a file/);
  });
});
