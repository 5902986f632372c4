import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DownloadState } from '../../src/fetch/torrent-state.js';

const knobs = { stallMs: 10_000, peerWaitMs: 120_000, minPeerRate: 1 << 20, webSeedDelayMs: 3000 };

/** A state on a clock the test moves. */
function fresh(hasTrackers = true, downloaded = 0) {
  const clock = { ms: 1_000_000 };
  const state = new DownloadState({ ...knobs, hasTrackers }, () => clock.ms, downloaded);
  return { state, clock };
}

describe('a torrent download\'s state', () => {
  it('without trackers: the mirror joins for plain HTTP at once, and the next watch starts the fill, once', () => {
    const { state } = fresh(false);
    assert.equal(state.mirrorStep(0), 'http');
    assert.deepEqual(state.mirror, { how: 'http', atMs: 1_000_000 });
    assert.equal(state.fill, 'requested');
    assert.equal(state.mirrorStep(0), 'wait', 'joined already: nothing more to decide');
    assert.equal(state.watchStep({ downloaded: 0, peers: 0, done: false }), 'http');
    assert.equal(state.fill, 'active');
    assert.equal(state.watchStep({ downloaded: 0, peers: 0, done: false }), 'wait', 'the fill is not started twice');
  });

  it('a tracker that knows no seeder sends the file to HTTP; an answer without a count keeps the last one', () => {
    const { state } = fresh();
    assert.equal(state.mirrorStep(0), 'wait', 'no answer yet');
    state.trackerAnswered(0);
    state.trackerAnswered(undefined);
    assert.equal(state.trackerSeeders, 0);
    assert.equal(state.mirrorStep(1), 'wait', 'a connected peer may have pieces');
    assert.equal(state.mirrorStep(0), 'http');
    assert.equal(state.fill, 'requested');
  });

  it('waits for a leecher the tracker knows of; a dropped top-up asks for the fill once', () => {
    const { state } = fresh();
    state.trackerAnswered(0, 3);
    assert.equal(state.trackerLeechers, 3);
    assert.equal(state.mirrorStep(0), 'wait', 'other leechers share what they have');
    state.trackerAnswered(undefined, undefined);
    assert.equal(state.trackerLeechers, 3, 'an answer without counts keeps the last');
    state.topUpFailed();
    assert.equal(state.fill, 'requested');
    assert.equal(state.mirrorStep(0), 'wait', 'the fill is asked for already');
    assert.equal(state.watchStep({ downloaded: 0, peers: 0, done: false }), 'http');
  });

  it('counts bytes by source; the fill\'s bytes are the mirror\'s but do not make the torrent look fast', () => {
    const { state, clock } = fresh();
    state.received(100, 'peers');
    state.received(50, 'mirror');
    state.filled(5 << 20);
    assert.deepEqual(state.bytes, { peers: 100, mirror: 50 + (5 << 20) });
    clock.ms += 1000;
    assert.ok(state.snapshot({ downloaded: 0, peers: 1, done: false }).rate < 1000);
  });

  it('a file crawling stallMs past the top-up\'s deadline goes to HTTP; progress keeps it with peers until then', () => {
    const { state, clock } = fresh();
    state.trackerAnswered(1);
    clock.ms += 4000;
    assert.equal(state.mirrorStep(1), 'wait');
    state.deadlineMs = clock.ms;
    let downloaded = 0;
    for (let second = 0; second < 9; second += 1) {
      clock.ms += 1000;
      state.received(10_000, 'peers');
      downloaded += 10_000;
      assert.equal(state.watchStep({ downloaded, peers: 1, done: false }), 'wait');
    }
    clock.ms += 1000;
    assert.equal(state.watchStep({ downloaded, peers: 1, done: false }), 'http');
    assert.equal(state.fill, 'active');
  });

  it('after the fill failed, waits on peers peerWait from the failure, and progress starts the wait again', () => {
    const { state, clock } = fresh(false, 500);
    state.mirrorStep(0);
    assert.equal(state.watchStep({ downloaded: 500, peers: 0, done: false }), 'http');
    clock.ms += 5000;
    state.fillFailed(new Error('404'));
    assert.equal(state.fill, 'failed');
    clock.ms += 100_000;
    assert.equal(state.watchStep({ downloaded: 500, peers: 1, done: false }), 'wait');
    assert.equal(state.watchStep({ downloaded: 600, peers: 1, done: false }), 'wait', 'a piece arrived');
    clock.ms += 119_000;
    assert.equal(state.watchStep({ downloaded: 600, peers: 1, done: false }), 'wait');
    clock.ms += 1000;
    assert.equal(state.watchStep({ downloaded: 600, peers: 1, done: false }), 'give-up');
    assert.equal((state.fillError as Error).message, '404');
  });

  it('a stall with no peer goes to HTTP after stallMs, counted from the last verified byte', () => {
    const { state, clock } = fresh(true, 100);
    clock.ms += 9000;
    assert.equal(state.watchStep({ downloaded: 200, peers: 0, done: false }), 'wait');
    clock.ms += 9000;
    assert.equal(state.watchStep({ downloaded: 200, peers: 0, done: false }), 'wait');
    clock.ms += 1000;
    assert.equal(state.watchStep({ downloaded: 200, peers: 0, done: false }), 'http');
    assert.equal(state.watchStep({ downloaded: 200, peers: 0, done: true }), 'done');
  });
});
