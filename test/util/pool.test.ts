import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { drain, forEachBounded } from '../../src/util/pool.js';

const numbers = (count: number) => Array.from({ length: count }, (_, index) => index);

/** Records what a pool does: which items started, how many ran at once, how many run now. */
class Watch {
  started: number[] = [];
  finished: number[] = [];
  active = 0;
  most = 0;

  async run(item: number, ms: number): Promise<void> {
    this.started.push(item);
    this.active += 1;
    this.most = Math.max(this.most, this.active);
    try {
      await sleep(ms);
    } finally {
      this.active -= 1;
      this.finished.push(item);
    }
  }
}

describe('forEachBounded', () => {
  it('runs every item, in order, never more than `limit` at a time', async () => {
    const watch = new Watch();
    await forEachBounded(numbers(30), 3, (item) => watch.run(item, 1 + ((item * 7) % 10)));
    assert.deepEqual(watch.started, numbers(30));
    assert.equal(watch.finished.length, 30);
    assert.equal(watch.most, 3);
  });

  it('runs one at a time for a limit below one, and copes with no items', async () => {
    const watch = new Watch();
    await forEachBounded(numbers(4), 0, (item) => watch.run(item, 1));
    assert.equal(watch.most, 1);
    assert.equal(watch.finished.length, 4);
    await forEachBounded([], 4, async () => assert.fail('called for no item'));
  });

  it('starts nothing after the first failure, lets the running calls finish, then throws that failure', async () => {
    const watch = new Watch();
    const boom = new Error('boom');
    await assert.rejects(forEachBounded(numbers(20), 3, async (item) => {
      await watch.run(item, item === 4 ? 5 : 20);
      if (item === 4) throw boom;
      if (item > 4) throw new Error(`later failure of ${item}`);
    }), (error) => error === boom);
    assert.equal(watch.active, 0, 'nothing still running when the pool gave up');
    // Items 0-2 ran first; 3, 4 and 5 took their places; 4 failed while 3 and 5 were running.
    assert.deepEqual(watch.started.sort((a, b) => a - b), [0, 1, 2, 3, 4, 5]);
  });

  it('starts nothing once the signal aborts, and throws its reason', async () => {
    const watch = new Watch();
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const run = forEachBounded(numbers(50), 2, (item) => watch.run(item, 10), controller.signal);
    await sleep(35);
    controller.abort(reason);
    const startedAtAbort = watch.started.length;
    await assert.rejects(run, (error) => error === reason);
    assert.equal(watch.started.length, startedAtAbort);
    assert.ok(startedAtAbort < 50);
    assert.equal(watch.active, 0);
  });

  it('does not throw for an abort that left nothing out', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await forEachBounded([], 2, async () => {}, controller.signal);
  });

  it('waits on an async source for items that come later', async () => {
    const queue: number[] = [0, 1];
    let open = true;
    async function* source() {
      for (;;) {
        const item = queue.shift();
        if (item !== undefined) yield item;
        else if (!open) return;
        else await sleep(5);
      }
    }
    const seen: number[] = [];
    const run = forEachBounded(source(), 2, async (item) => {
      seen.push(item);
      if (item < 5) queue.push(item + 10);
    });
    await sleep(30);
    queue.push(99);
    await sleep(30);
    open = false;
    await run;
    assert.deepEqual(seen.sort((a, b) => a - b), [0, 1, 10, 11, 99]);
  });
});

describe('drain', () => {
  it('takes items off the queue as they start: what stays after a failure was never started', async () => {
    const queue = numbers(10);
    await assert.rejects(forEachBounded(drain(queue), 2, async (item) => {
      await sleep(1);
      if (item === 3) throw new Error('stop');
    }));
    assert.ok(queue.length > 0 && queue.length <= 6);
    assert.deepEqual(queue, numbers(10).slice(10 - queue.length));
  });
});
