import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide, mirrorDecision } from '../../src/torrent/fallback-policy.js';
import { missingRanges, splitRanges } from '../../src/torrent/missing-ranges.js';

const knobs = { stallMs: 10_000, peerWaitMs: 120_000, minPeerRate: 1 << 20 };
const state = (over: Partial<Parameters<typeof decide>[0]>) => ({ nowMs: 100_000, lastProgressMs: 100_000, peers: 0, done: false, httpActive: false, mirrorFailed: false, rate: 10 << 20, ...over });

describe('fallback policy', () => {
  it('waits while bytes flow, hands over to HTTP after a silent stall with no peers', () => {
    assert.equal(decide(state({ lastProgressMs: 95_000 }), knobs), 'wait');
    assert.equal(decide(state({ lastProgressMs: 90_000 }), knobs), 'http');
  });

  it('gives connected peers four times as long (slow unchoking peers are common)', () => {
    assert.equal(decide(state({ lastProgressMs: 80_000, peers: 2 }), knobs), 'wait');
    assert.equal(decide(state({ lastProgressMs: 60_000, peers: 2 }), knobs), 'http');
  });

  it('hands a file still crawling stallMs past the top-up\'s deadline to HTTP (a trickling peer holds its pieces)', () => {
    assert.equal(decide(state({ peers: 1, rate: 50_000, deadlineMs: 95_000 }), knobs), 'wait');
    assert.equal(decide(state({ peers: 1, rate: 50_000, deadlineMs: 85_000 }), knobs), 'http');
    assert.equal(decide(state({ peers: 1, rate: 50_000 }), knobs), 'wait', 'no deadline known yet: peers still have their chance');
    assert.equal(decide(state({ peers: 1, rate: 5 << 20, deadlineMs: 0 }), knobs), 'wait', 'moving fast enough past the deadline: the top-up is at full strength');
  });

  it('when the mirror failed, waits on peers and gives up only after peerWait', () => {
    assert.equal(decide(state({ lastProgressMs: 0, mirrorFailed: true, nowMs: 100_000 }), knobs), 'wait');
    assert.equal(decide(state({ lastProgressMs: 0, mirrorFailed: true, nowMs: 130_000 }), knobs), 'give-up');
  });

  it('does not start HTTP twice, and finishes when done', () => {
    assert.equal(decide(state({ lastProgressMs: 0, httpActive: true }), knobs), 'wait');
    assert.equal(decide(state({ done: true }), knobs), 'done');
  });
});

describe('when the mirror takes the whole file', () => {
  const at = (over: Partial<Parameters<typeof mirrorDecision>[0]>) => mirrorDecision({ elapsedMs: 0, hasTrackers: true, peers: 0, ...over }, { webSeedDelayMs: 3000 });

  it('at once over plain HTTP when nobody else can have it', () => {
    assert.equal(at({ hasTrackers: false }), 'http');
    assert.equal(at({ trackerSeeders: 0 }), 'http');
    assert.equal(at({ trackerSeeders: 0, trackerLeechers: 1 }), 'http', 'the one leecher is this machine');
  });

  it('never while someone may have pieces: a seeder, another leecher, a connected peer', () => {
    assert.equal(at({ trackerSeeders: 0, peers: 1 }), 'wait');
    assert.equal(at({ trackerSeeders: 0, trackerLeechers: 2 }), 'wait', 'a machine still downloading shares what it has');
    assert.equal(at({ trackerSeeders: 0, trackerLeechers: 2, elapsedMs: 3000 }), 'http', 'one that never connected within the delay is gone');
    assert.equal(at({ trackerSeeders: 2, peers: 1, elapsedMs: 60_000 }), 'wait', 'the top-up decides the rest');
    assert.equal(at({ trackerSeeders: 2, elapsedMs: 3000 }), 'http', 'seeders that never connected within the delay are gone');
    assert.equal(at({ elapsedMs: 1000 }), 'wait', 'no tracker answer yet');
  });
});

describe('missing ranges', () => {
  it('splits the work for several connections on piece boundaries', () => {
    assert.deepEqual(splitRanges([[0, 99]], 2, 10), [[0, 49], [50, 99]]);
    assert.deepEqual(splitRanges([[0, 9], [30, 99]], 4, 10), [[0, 9], [30, 49], [50, 69], [70, 89], [90, 99]]);
    assert.deepEqual(splitRanges([[0, 4]], 8, 10), [[0, 4]]);
  });

  it('joins adjacent missing pieces and trims the last piece to the file', () => {
    assert.deepEqual(missingRanges(10, 4, (index) => index === 1), [[0, 3], [8, 9]]);
    assert.deepEqual(missingRanges(12, 4, () => false), [[0, 11]]);
    assert.deepEqual(missingRanges(12, 4, () => true), []);
  });
});
