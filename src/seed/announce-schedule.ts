/**
 * When the seeding daemon announces each (torrent, tracker) pair, pure.
 * A thousand torrents on a tracker that asks for an announce every 30
 * minutes is one request every ~2 s: cheap, as long as the tracker's
 * interval is honoured, the announces are spread (jitter) rather than sent
 * in bursts, and a tracker that fails is asked less and less often.
 */

/** Never more often than this, whatever a tracker answers. */
export const MIN_INTERVAL_S = 60;
/** Never less often than this, so a tracker that asks for days still hears from us. */
export const MAX_INTERVAL_S = 6 * 3600;
const FAILURE_FIRST_S = 60;
const FAILURE_MAX_S = 3600;

/**
 * Milliseconds until the next announce of a pair: the tracker's interval
 * (clamped) after an answer, a doubling back-off after `failures` failures
 * in a row; each with ±10% jitter from `random` (0..1).
 * @example nextDelayMs({ interval: 1800 }, 0.5) === 1_800_000
 */
export function nextDelayMs(outcome: { interval: number } | { failures: number }, random: number): number {
  const seconds = 'interval' in outcome
    ? Math.min(MAX_INTERVAL_S, Math.max(MIN_INTERVAL_S, outcome.interval))
    : Math.min(FAILURE_MAX_S, FAILURE_FIRST_S * 2 ** Math.max(0, outcome.failures - 1));
  return Math.round(seconds * 1000 * (0.9 + 0.2 * random));
}

export interface DueView {
  key: string;
  nextAt: number;
}

/** The pairs to announce now, earliest first, at most `free` of them. */
export function dueNow(views: Iterable<DueView>, now: number, free: number): string[] {
  if (free <= 0) return [];
  const due: DueView[] = [];
  for (const view of views) if (view.nextAt <= now) due.push(view);
  return due.sort((a, b) => a.nextAt - b.nextAt).slice(0, free).map((view) => view.key);
}
