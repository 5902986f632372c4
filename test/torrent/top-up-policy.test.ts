import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { choosePieces, TOP_UP_DEFAULTS, topUpPlan, type TopUpState } from '../../src/torrent/top-up-policy.js';

const MiB = 1024 * 1024;
// The examples' deadline is 0.75 of plain HTTP's time (the default leaves less in hand; the arithmetic is the same).
const knobs = { ...TOP_UP_DEFAULTS, slack: 0.75, maxConns: 8, graceMs: 3000 };
const at = (over: Partial<TopUpState>): TopUpState => ({ nowMs: 0, startedMs: 0, deadlineBytes: 64 * MiB, remaining: 64 * MiB, peerRate: 0, ...over });

describe('the mirror as a top-up', () => {
  it('gives peers the grace, then measures the mirror with one connection unless peers are nearly done', () => {
    assert.equal(topUpPlan(at({ nowMs: 1000 }), knobs).connections, 0);
    assert.equal(topUpPlan(at({ nowMs: 3000 }), knobs).connections, 1);
    assert.equal(topUpPlan(at({ nowMs: 3000, remaining: 10 * MiB, peerRate: 20 * MiB }), knobs).connections, 0, 'peers finish within another grace');
  });

  it('alone, takes just enough connections to be done by the deadline', () => {
    // 64 MiB at 4 MiB/s: plain HTTP needs 16 s, the deadline is at 12 s, planned for with a second in hand.
    const plan = topUpPlan(at({ nowMs: 0, mirrorRate: 4 * MiB }), knobs);
    assert.equal(plan.deadlineMs, 12_000);
    assert.equal(plan.connections, 2);
  });

  it('leaves to peers what they deliver before the deadline, and tops up the rest', () => {
    assert.equal(topUpPlan(at({ mirrorRate: 4 * MiB, peerRate: 20 * MiB }), knobs).connections, 0);
    assert.equal(topUpPlan(at({ mirrorRate: 4 * MiB, peerRate: 1 * MiB }), knobs).connections, 2);
    assert.equal(topUpPlan(at({ nowMs: 8000, remaining: 8 * MiB, mirrorRate: 4 * MiB, peerRate: 2 * MiB }), knobs).connections, 1);
    assert.equal(topUpPlan(at({ nowMs: 10_000, remaining: 8 * MiB, mirrorRate: 4 * MiB, peerRate: 2 * MiB }), knobs).connections, 2, 'closer to the deadline, more');
  });

  it('takes everything the mirror can give past the deadline, and nothing once the file is there', () => {
    assert.equal(topUpPlan(at({ nowMs: 13_000, remaining: MiB, mirrorRate: 4 * MiB, peerRate: 50 * MiB }), knobs).connections, 8);
    assert.equal(topUpPlan(at({ nowMs: 13_000, remaining: 0, mirrorRate: 4 * MiB }), knobs).connections, 0);
  });

  it('on a fast idle mirror the deadline is at once: all connections', () => {
    assert.equal(topUpPlan(at({ nowMs: 3100, mirrorRate: 200 * MiB }), knobs).connections, 8);
  });

  /**
   * A file of 64 MiB, pieces of 1 MiB, steps of 250 ms; the mirror gives
   * `mirrorRate` per connection (each request a piece), the peers
   * `peers(t)`. Returns when the file was done and what the mirror sent.
   */
  function simulate(peers: (seconds: number) => number, mirrorRate = 4 * MiB) {
    const size = 64 * MiB;
    let have = 0;
    let mirror = 0;
    let inFlight: number[] = [];
    let measured: number | undefined;
    for (let ms = 0; ms < 60_000; ms += 250) {
      const step = 0.25;
      have += Math.min(size - have - inFlight.length * MiB, peers(ms / 1000) * step);
      inFlight = inFlight.map((left) => left - mirrorRate * step);
      for (const left of inFlight) {
        if (left <= 0) {
          have += MiB;
          mirror += MiB;
          measured = mirrorRate;
        }
      }
      inFlight = inFlight.filter((left) => left > 0);
      if (have >= size) return { seconds: ms / 1000, mirror };
      const remaining = size - have - inFlight.length * MiB;
      const plan = topUpPlan({ nowMs: ms, startedMs: 0, deadlineBytes: size, remaining, peerRate: peers(ms / 1000), mirrorRate: measured }, knobs);
      while (inFlight.length < plan.connections && size - have - inFlight.length * MiB > 0) inFlight.push(MiB);
    }
    return { seconds: Infinity, mirror };
  }

  it('is never slower than plain HTTP (16 s here), whatever the peers do, and leaves the mirror what peers cannot give', () => {
    const profiles: Record<string, (seconds: number) => number> = {
      'no peers': () => 0,
      'a home uplink': () => MiB,
      'a fast catch-up, then a trickle': (s) => (s < 2 ? 30 * MiB : 100_000),
      'peers that vanish at 8 s': (s) => (s < 8 ? 3 * MiB : 0),
      'a fast swarm': () => 40 * MiB,
    };
    for (const [name, peers] of Object.entries(profiles)) {
      const { seconds, mirror } = simulate(peers);
      assert.ok(seconds <= 16, `${name}: done at ${seconds} s`);
      if (name === 'a fast swarm') assert.equal(mirror, 0, 'the mirror sent nothing');
      if (name === 'a home uplink') assert.ok(mirror <= 56 * MiB, `${name}: the mirror sent ${mirror / MiB} MiB`);
    }
  });
});

describe('which pieces the mirror sends', () => {
  const piece = (availability: number, over: { taken?: boolean; reserved?: boolean } = {}) => ({ taken: false, reserved: false, availability, ...over });

  it('the rarest first (none a connected peer has), among them those no peer is sending; never one taken', () => {
    const pieces = [piece(2), piece(0, { taken: true }), piece(1, { reserved: true }), piece(0), piece(1), piece(0, { reserved: true })];
    assert.deepEqual(choosePieces(pieces, 6, () => 0), [3, 5, 4, 2, 0]);
    assert.deepEqual(choosePieces(pieces, 1, () => 0), [3]);
    assert.deepEqual(choosePieces(pieces, 0), []);
  });

  it('picks at random among equals, so machines topping up together take different pieces', () => {
    const pieces = Array.from({ length: 100 }, () => piece(0));
    const first = choosePieces(pieces, 10);
    const second = choosePieces(pieces, 10);
    assert.equal(new Set(first).size, 10);
    assert.notDeepEqual(first, second);
  });
});
