import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dueNow, MAX_INTERVAL_S, MIN_INTERVAL_S, nextDelayMs } from '../../src/seed/announce-schedule.js';

describe('announce schedule', () => {
  it('honours the tracker\'s interval within bounds, with ±10% jitter', () => {
    assert.equal(nextDelayMs({ interval: 1800 }, 0.5), 1_800_000);
    assert.equal(nextDelayMs({ interval: 1800 }, 0), 1_620_000);
    assert.equal(nextDelayMs({ interval: 1800 }, 1), 1_980_000);
    assert.equal(nextDelayMs({ interval: 5 }, 0.5), MIN_INTERVAL_S * 1000, 'never more often than a minute');
    assert.equal(nextDelayMs({ interval: 10 ** 9 }, 0.5), MAX_INTERVAL_S * 1000);
  });

  it('backs off a failing tracker, doubling up to an hour', () => {
    assert.deepEqual([1, 2, 3, 7, 20].map((failures) => nextDelayMs({ failures }, 0.5) / 1000), [60, 120, 240, 3600, 3600]);
  });

  it('picks what is due, earliest first, within the free slots', () => {
    const views = [{ key: 'late', nextAt: 50 }, { key: 'early', nextAt: 10 }, { key: 'future', nextAt: 200 }, { key: 'mid', nextAt: 30 }];
    assert.deepEqual(dueNow(views, 100, 2), ['early', 'mid']);
    assert.deepEqual(dueNow(views, 100, 0), []);
  });
});
