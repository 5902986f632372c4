/**
 * The seeder's decisions, pure: when a torrent has given enough (idle),
 * which torrents are awake (loaded in the BitTorrent client), what a new file may push out
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

/** A verified torrent that is neither paused nor idle is seeding: announced, and served to any peer that asks, asleep or awake. */
export function stateOf(counters: SeedCounters, verified: boolean): SeedState {
  if (counters.paused) return 'paused';
  if (!verified) return 'checking';
  if (counters.idle) return 'idle';
  return 'seeding';
}

/** An awake torrent (loaded in the BitTorrent client) as the waking policy sees it. */
export interface AwakeView {
  infoHash: string;
  /** Verified, not paused, not idle. */
  eligible: boolean;
  peers: number;
  /** When it last had a peer (or woke). */
  since: number;
}

/**
 * The awake torrents to put back to sleep now: those no longer available
 * (paused, idle) and those no peer has wanted for `sleepAfterMs`. Asleep, a
 * torrent costs no file descriptor and almost no memory, and is still
 * announced: the next peer that asks for it wakes it again.
 */
export function sleepers(views: readonly AwakeView[], options: { sleepAfterMs: number; now: number }): string[] {
  return views.filter((view) => !view.eligible || (view.peers === 0 && options.now - view.since >= options.sleepAfterMs)).map((view) => view.infoHash);
}

/**
 * Room to wake one more torrent under seed.maxActive: at once, by putting
 * to sleep the awake torrent without peers that has waited longest, or none
 * (every awake torrent serves peers: the newcomer is turned away, and its
 * peer tries again later, as peers do).
 */
export function makeRoom(views: readonly AwakeView[], maxAwake: number): { ok: true; evict?: string } | { ok: false } {
  if (views.length < maxAwake) return { ok: true };
  const candidate = views.filter((view) => view.peers === 0).sort((a, b) => a.since - b.since)[0];
  return candidate ? { ok: true, evict: candidate.infoHash } : { ok: false };
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
