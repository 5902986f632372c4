import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseTorrent } from '../../src/bittorrent/torrent.js';
import { checkFacts, isPlainName } from '../../src/seed/entry.js';
import { candidateFacts } from '../../src/seed/ingest.js';
import { parseState, readState, serializeState, writeState } from '../../src/seed/state-file.js';
import { linkIntoStore, openStore, readStore, removeFromStore } from '../../src/seed/store.js';
import { verifyStored } from '../../src/seed/verify.js';
import { freshCounters } from '../../src/seed/entry.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { candidate } from './helpers/fixtures.js';

const dir = tempDir('unit-seed');
after(() => removeTempDir(dir));

describe('facts', () => {
  it('accept what install records and refuse what could become a path outside the store', () => {
    const good = candidate(dir, 'good', randomBytes(1000));
    assert.equal(typeof candidateFacts(good), 'object');
    for (const name of ['', '.', '..', 'a/b', '../x', 'x\0y']) assert.equal(isPlainName(name), false, name);
    assert.match(String(candidateFacts({ ...good, name: '../../etc/passwd' })), /not a plain file name/);
    assert.match(String(checkFacts({ ...good, infoHash: '../x' })), /infoHash/);
    assert.match(String(checkFacts({ ...good, sha256: 'abc' })), /sha256/);
    assert.match(String(checkFacts({ ...good, size: -1 })), /size/);
  });

  it('fall back, for records without name or piece length, to the cache name and the publisher\'s rule', () => {
    const { name, pieceLength, ...old } = candidate(dir, 'old', randomBytes(2000));
    const facts = candidateFacts(old);
    assert.ok(typeof facts === 'object' && facts.name === name && facts.pieceLength === pieceLength);
  });
});

describe('verifyStored', () => {
  it('rebuilds the very torrent the manifest named from the file alone', async () => {
    const data = randomBytes(2.5 * 1024 * 1024);
    const record = candidate(dir, 'proof', data, 1024 * 1024);
    const facts = candidateFacts(record);
    assert.ok(typeof facts === 'object');
    const torrent = await verifyStored(record.path, facts, ['http://127.0.0.1:1/announce']);
    const parsed = parseTorrent(torrent);
    assert.equal(parsed.infoHash, record.infoHash);
    assert.deepEqual(parsed.trackers, ['http://127.0.0.1:1/announce']);
    assert.deepEqual(parsed.webSeeds, []);
  });

  it('refuses a changed byte, a wrong infohash, a wrong size', async () => {
    const data = randomBytes(100_000);
    const record = candidate(dir, 'changed', data);
    const facts = candidateFacts(record);
    assert.ok(typeof facts === 'object');
    await assert.rejects(verifyStored(record.path, { ...facts, infoHash: '0'.repeat(40) }, []), /infohash/);
    await assert.rejects(verifyStored(record.path, { ...facts, size: 99_999 }, []), /is 100000 bytes, not 99999/);
    data[5000]! ^= 1;
    writeFileSync(record.path, data);
    await assert.rejects(verifyStored(record.path, facts, []), /SHA256 .* from APT's Packages index/);
  });
});

describe('store', () => {
  it('hard-links a file in, lists it, and says what removal freed', async () => {
    const store = await openStore(join(dir, 'state'));
    const record = candidate(dir, 'linked', randomBytes(5000));
    const facts = candidateFacts(record);
    assert.ok(typeof facts === 'object');
    assert.equal(await linkIntoStore(store, facts, record.path), 'link');
    assert.deepEqual((await readStore(store, { tidy: false })).entries.map((entry) => entry.infoHash), [record.infoHash]);
    // APT's cache still holds the other link: nothing freed.
    assert.equal(await removeFromStore(store, facts), 0);
    assert.deepEqual((await readStore(store, { tidy: false })).entries, []);
    await linkIntoStore(store, facts, record.path);
    rmSync(record.path);
    assert.equal(await removeFromStore(store, facts), 5000);
  });
});

describe('state file', () => {
  it('round-trips counters and skips bad entries', () => {
    const counters = new Map([['a'.repeat(40), { ...freshCounters(), uploaded: 5, paused: true }]]);
    assert.deepEqual(parseState(serializeState(counters)), counters);
    const text = JSON.stringify({ version: 1, torrents: { [`${'b'.repeat(40)}`]: { uploaded: -3 }, '../x': { uploaded: 1 } } });
    assert.deepEqual([...parseState(text)], [['b'.repeat(40), freshCounters()]]);
  });

  it('keeps when a peer was last served; a time it did not write is dropped, not the entry', () => {
    const served = new Map([['a'.repeat(40), { ...freshCounters(), uploaded: 5, lastServed: '2026-12-01T02:03:04.005Z' }]]);
    assert.deepEqual(parseState(serializeState(served)), served);
    for (const lastServed of ['yesterday', 12, '2026-13-45T99:99:99Z', '2026-12-01T02:03:04+01:00']) {
      const text = JSON.stringify({ version: 1, torrents: { [`${'b'.repeat(40)}`]: { uploaded: 7, lastServed } } });
      assert.deepEqual([...parseState(text)], [['b'.repeat(40), { ...freshCounters(), uploaded: 7 }]], String(lastServed));
    }
  });

  it('reports a corrupt file instead of throwing, and writes atomically', async () => {
    const path = join(dir, 'seeding.json');
    assert.deepEqual(await readState(path), { counters: new Map() });
    writeFileSync(path, '{"version":1,"torr');
    const corrupt = await readState(path);
    assert.match(corrupt.problem!, /is corrupt/);
    await writeState(path, new Map([['c'.repeat(40), freshCounters()]]));
    assert.equal((await readState(path)).counters.size, 1);
    assert.match(readFileSync(path, 'utf8'), /"version": 1/);
  });
});
