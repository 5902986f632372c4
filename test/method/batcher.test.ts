import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Batcher } from '../../src/method/batcher.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('batching acquires', () => {
  it('groups what arrives within the window, and runs at most maxRunning groups at once', async () => {
    const groups: number[][] = [];
    const releases: Array<() => void> = [];
    const batcher = new Batcher<number>(async (items) => {
      groups.push(items);
      await new Promise<void>((resolve) => releases.push(resolve));
    }, { windowMs: 30, maxRunning: 2 });
    for (const item of [1, 2, 3]) batcher.add(item);
    await sleep(80);
    assert.deepEqual(groups, [[1, 2, 3]]);
    batcher.add(4);
    await sleep(80);
    batcher.add(5);
    batcher.add(6);
    await sleep(80);
    assert.deepEqual(groups, [[1, 2, 3], [4]], 'two groups run; the third waits');
    assert.equal(batcher.active, 2);
    releases.shift()!();
    await sleep(80);
    assert.deepEqual(groups, [[1, 2, 3], [4], [5, 6]], 'what waited goes as one group once a slot frees');
    for (const release of releases.splice(0)) release();
    await sleep(10);
    assert.equal(batcher.active, 0);
  });

  it('a group that throws frees its slot', async () => {
    const seen: number[][] = [];
    const batcher = new Batcher<number>(async (items) => {
      seen.push(items);
      throw new Error('boom');
    }, { windowMs: 5, maxRunning: 1 });
    batcher.add(1);
    await sleep(30);
    batcher.add(2);
    await sleep(30);
    assert.deepEqual(seen, [[1], [2]]);
  });
});
