/**
 * The seeder's decisions, pure: when a torrent has given enough (idle),
 * which torrents hold the seed.maxActive slots, what a new file may push out
 * of the disk budget, and which torrents a command names.
 */
import type { SeedCounters, SeedFacts } from './entry.js';
import type { SeedState } from './protocol.js';

export interface Targets {
  /** 0: none. */
  ratio: number;
  /** Seconds; 0: none. */
  seedTime: number;
}

/**
 * True once the torrent has uploaded `ratio` times its size, or been seeded
 * `seedTime` seconds, since its targets last started (added, or resumed from idle).
 * @example targetMet({ ...counters, uploaded: 20 }, 10, { ratio: 2, seedTime: 0 }) === true
 */
export function targetMet(counters: SeedCounters, size: number, targets: Targets): boolean {
  const uploaded = counters.uploaded - counters.base.uploaded;
  const seconds = counters.seedSeconds - counters.base.seedSeconds;
  return (targets.ratio > 0 && uploaded >= targets.ratio * size) || (targets.seedTime > 0 && seconds >= targets.seedTime);
}

export function stateOf(counters: SeedCounters, verified: boolean, active: boolean): SeedState {
  if (counters.paused) return 'paused';
  if (!verified) return 'checking';
  if (counters.idle) return 'idle';
  return active ? 'seeding' : 'queued';
}

/** One torrent as the scheduler sees it. */
export interface SlotView {
  infoHash: string;
  /** Verified, not paused, not idle. */
  eligible: boolean;
  active: boolean;
  /** Active: when it last had a peer (or started). Waiting: when it started waiting. */
  since: number;
}

export interface Schedule {
  start: string[];
  stop: string[];
}

/**
 * Who holds the seed.maxActive slots. Active torrents keep their slot while
 * peers come; one that no peer wanted for `rotateMs` gives it to a torrent
 * that waits, longest waiting first. So hundreds of seeded files cost the
 * memory and descriptors of `maxActive`, and each still gets its turn.
 */
export function schedule(views: readonly SlotView[], options: { maxActive: number; rotateMs: number; now: number }): Schedule {
  const stop = views.filter((view) => view.active && !view.eligible).map((view) => view.infoHash);
  const kept = views.filter((view) => view.active && view.eligible);
  const waiting = views.filter((view) => !view.active && view.eligible).sort((a, b) => a.since - b.since);
  const unwanted = kept.filter((view) => options.now - view.since >= options.rotateMs).sort((a, b) => a.since - b.since);
  // Over the limit (it was lowered): the least wanted go first.
  const over = Math.max(0, kept.length - options.maxActive);
  const overflow = [...unwanted, ...kept.filter((view) => !unwanted.includes(view))].slice(0, over);
  stop.push(...overflow.map((view) => view.infoHash));
  let free = options.maxActive - (kept.length - overflow.length);
  const start: string[] = [];
  for (const view of waiting) {
    if (free > 0) {
      start.push(view.infoHash);
      free -= 1;
      continue;
    }
    const yielding = unwanted.find((candidate) => !stop.includes(candidate.infoHash));
    if (!yielding) break;
    stop.push(yielding.infoHash);
    start.push(view.infoHash);
  }
  return { start, stop };
}

/** A stored file as the disk budget sees it. */
export interface BudgetView {
  infoHash: string;
  size: number;
  idle: boolean;
  addedAt: string;
}

/**
 * May a new file of `size` bytes enter a store with this budget (0: none)?
 * To make room, idle torrents are pushed out, oldest first; torrents still
 * seeding, paused or waiting are never pushed out for a newcomer.
 */
export function admit(stored: readonly BudgetView[], size: number, budget: number): { ok: boolean; evict: string[] } {
  if (budget <= 0) return { ok: true, evict: [] };
  let used = stored.reduce((sum, view) => sum + view.size, 0);
  if (used + size <= budget) return { ok: true, evict: [] };
  const evict: string[] = [];
  for (const view of stored.filter((candidate) => candidate.idle).sort((a, b) => a.addedAt.localeCompare(b.addedAt))) {
    if (used + size <= budget) break;
    evict.push(view.infoHash);
    used -= view.size;
  }
  return used + size <= budget ? { ok: true, evict } : { ok: false, evict: [] };
}

/**
 * The torrents a command names: `pkg` (every version), `pkg=version`, or an
 * infohash. All or nothing: names that match nothing are returned as unknown.
 */
export function matchTargets(entries: readonly Pick<SeedFacts, 'infoHash' | 'package' | 'version'>[], targets: readonly string[]): { matched: string[]; unknown: string[] } {
  const matched = new Set<string>();
  const unknown: string[] = [];
  for (const target of targets) {
    const [name, version] = target.includes('=') ? [target.slice(0, target.indexOf('=')), target.slice(target.indexOf('=') + 1)] : [target, undefined];
    const hits = entries.filter((entry) => entry.infoHash === target.toLowerCase() || (entry.package === name && (version === undefined || entry.version === version)));
    if (hits.length === 0) unknown.push(target);
    for (const hit of hits) matched.add(hit.infoHash);
  }
  return { matched: [...matched], unknown };
}
