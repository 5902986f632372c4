import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshCounters } from '../../src/seed/entry.js';
import { admit, matchTargets, schedule, stateOf, targetMet, type SlotView } from '../../src/seed/policy.js';

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

  it('names the state: paused over all, then checking, idle, seeding or queued', () => {
    assert.equal(stateOf(counters({ paused: true, idle: true }), false, false), 'paused');
    assert.equal(stateOf(counters(), false, false), 'checking');
    assert.equal(stateOf(counters({ idle: true }), true, false), 'idle');
    assert.equal(stateOf(counters(), true, true), 'seeding');
    assert.equal(stateOf(counters(), true, false), 'queued');
  });
});

describe('schedule', () => {
  const view = (infoHash: string, active: boolean, since: number, eligible = true): SlotView => ({ infoHash, active, since, eligible });
  const knobs = { maxActive: 2, rotateMs: 1000, now: 10_000 };

  it('fills free slots, longest waiting first', () => {
    assert.deepEqual(schedule([view('a', false, 5), view('b', false, 1), view('c', false, 3)], knobs), { start: ['b', 'c'], stop: [] });
  });

  it('stops what is no longer eligible (paused, idle)', () => {
    assert.deepEqual(schedule([view('a', true, 9_900, false), view('b', false, 1)], knobs), { start: ['b'], stop: ['a'] });
  });

  it('keeps wanted torrents; one no peer wanted for rotateMs gives its slot to one that waits', () => {
    const views = [view('busy', true, 9_900), view('unwanted', true, 8_000), view('waiting', false, 100)];
    assert.deepEqual(schedule(views, knobs), { start: ['waiting'], stop: ['unwanted'] });
    assert.deepEqual(schedule([view('busy', true, 9_900), view('recent', true, 9_500), view('waiting', false, 100)], knobs), { start: [], stop: [] });
  });

  it('gives back slots when maxActive is lowered', () => {
    const result = schedule([view('a', true, 9_999), view('b', true, 1), view('c', true, 9_998)], { ...knobs, maxActive: 1 });
    assert.equal(result.stop.length, 2);
    assert.ok(result.stop.includes('b'));
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
