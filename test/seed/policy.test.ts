import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshCounters } from '../../src/seed/entry.js';
import { admit, makeRoom, matchTargets, sleepers, stateOf, targetMet, type AwakeView } from '../../src/seed/policy.js';

const counters = (changes: Partial<ReturnType<typeof freshCounters>> = {}) => ({ ...freshCounters(), ...changes });

describe('targets', () => {
  it('goes idle at the ratio or the seed time, counted from the base', () => {
    assert.equal(targetMet(counters({ uploaded: 19 }), 10, { ratio: 2, seedTime: 0 }), false);
    assert.equal(targetMet(counters({ uploaded: 20 }), 10, { ratio: 2, seedTime: 0 }), true);
    assert.equal(targetMet(counters({ seedSeconds: 3600 }), 10, { ratio: 0, seedTime: 3600 }), true);
    assert.equal(targetMet(counters({ uploaded: 1e9, seedSeconds: 1e9 }), 10, { ratio: 0, seedTime: 0 }), false, '0 means no target');
    // resumed from idle at 20 bytes: a fresh 2x from there
    assert.equal(targetMet(counters({ uploaded: 30, base: { uploaded: 20, seedSeconds: 0 } }), 10, { ratio: 2, seedTime: 0 }), false);
    assert.equal(targetMet(counters({ uploaded: 40, base: { uploaded: 20, seedSeconds: 0 } }), 10, { ratio: 2, seedTime: 0 }), true);
  });

  it('names the state: paused over all, then checking, idle, else seeding (asleep or awake)', () => {
    assert.equal(stateOf(counters({ paused: true, idle: true }), false), 'paused');
    assert.equal(stateOf(counters(), false), 'checking');
    assert.equal(stateOf(counters({ idle: true }), true), 'idle');
    assert.equal(stateOf(counters(), true), 'seeding');
  });
});

describe('waking and sleeping', () => {
  const view = (infoHash: string, peers: number, since: number, eligible = true): AwakeView => ({ infoHash, peers, since, eligible });
  const knobs = { sleepAfterMs: 1000, now: 10_000 };

  it('puts to sleep what is no longer eligible (paused, idle), peers or not', () => {
    assert.deepEqual(sleepers([view('a', 3, 9_999, false), view('b', 0, 9_999)], knobs), ['a']);
  });

  it('puts to sleep what no peer wanted for sleepAfterMs, and keeps the rest', () => {
    assert.deepEqual(sleepers([view('busy', 2, 1), view('unwanted', 0, 9_000), view('recent', 0, 9_500)], knobs), ['unwanted']);
  });

  it('wakes at once below maxAwake', () => {
    assert.deepEqual(makeRoom([view('a', 1, 5)], 2), { ok: true });
  });

  it('at maxAwake, makes room by putting to sleep the peerless torrent that waited longest', () => {
    assert.deepEqual(makeRoom([view('busy', 2, 1), view('old', 0, 5), view('new', 0, 9)], 3), { ok: true, evict: 'old' });
  });

  it('turns the newcomer away when every awake torrent serves peers', () => {
    assert.deepEqual(makeRoom([view('a', 1, 1), view('b', 4, 2)], 2), { ok: false });
  });
});

describe('disk budget', () => {
  const stored = [
    { infoHash: 'old-idle', size: 40, idle: true, addedAt: '2024-01-01' },
    { infoHash: 'new-idle', size: 40, idle: true, addedAt: '2025-01-01' },
    { infoHash: 'active', size: 40, idle: false, addedAt: '2023-01-01' },
  ];
  it('admits within budget, or with 0 (no budget)', () => {
    assert.deepEqual(admit(stored, 10, 200), { ok: true, evict: [] });
    assert.deepEqual(admit(stored, 1e12, 0), { ok: true, evict: [] });
  });
  it('pushes out idle torrents, oldest first, and never an active one', () => {
    assert.deepEqual(admit(stored, 30, 140), { ok: true, evict: ['old-idle'] });
    assert.deepEqual(admit(stored, 70, 140), { ok: true, evict: ['old-idle', 'new-idle'] });
    assert.deepEqual(admit(stored, 150, 140), { ok: false, evict: [] });
  });
});

describe('matchTargets', () => {
  const entries = [
    { infoHash: 'a'.repeat(40), package: 'bigdata', version: '1.0' },
    { infoHash: 'b'.repeat(40), package: 'bigdata', version: '1.1' },
    { infoHash: 'c'.repeat(40), package: 'desk', version: '2:3.0' },
  ];
  it('by package (every version), PACKAGE=VERSION or infohash', () => {
    assert.deepEqual(matchTargets(entries, ['bigdata']).matched, ['a'.repeat(40), 'b'.repeat(40)]);
    assert.deepEqual(matchTargets(entries, ['bigdata=1.1', 'desk=2:3.0']).matched, ['b'.repeat(40), 'c'.repeat(40)]);
    assert.deepEqual(matchTargets(entries, ['C'.repeat(40)]).matched, ['c'.repeat(40)]);
  });
  it('reports names that match nothing', () => {
    assert.deepEqual(matchTargets(entries, ['bigdata=9', 'nope', 'desk']).unknown, ['bigdata=9', 'nope']);
  });
});
