/**
 * When a torrent download should let the mirror (plain HTTP) take over. Pure.
 *
 * The mirror's top-up normally keeps a file moving even with no peers; the web seed fails
 * silently in webtorrent when the mirror answers 404 or ignores Range, and
 * peers may be slow to unchoke (Transmission waits for its next rechoke,
 * up to 10 s). So:
 * - no new verified bytes for `stallMs` and no peer connected: HTTP takes over;
 * - peers connected but silent for 4 x `stallMs`: HTTP takes over;
 * - the top-up's deadline (when plain HTTP would have been done) passed
 *   `stallMs` ago and the file still crawls (below `minPeerRate`): HTTP
 *   takes over the missing pieces. webtorrent gives a slow peer's reserved
 *   pieces to nobody else, so a trickling peer would otherwise hold the
 *   file for as long as it likes;
 * - when the mirror has failed (404, unreachable), only peers are left:
 *   keep waiting on them, and give up after `peerWaitMs` without progress.
 */
export interface TorrentState {
  nowMs: number;
  lastProgressMs: number;
  peers: number;
  done: boolean;
  /** HTTP is already filling the gaps. */
  httpActive: boolean;
  /** HTTP was tried and failed in a way that retrying will not fix. */
  mirrorFailed: boolean;
  /** When plain HTTP would have been done, as the top-up reckons it (undefined: not known yet). */
  deadlineMs?: number;
  /** Bytes per second over the last few seconds, from everyone. */
  rate: number;
}

export interface PolicyKnobs {
  stallMs: number;
  peerWaitMs: number;
  /** Below this rate (bytes/s) a file counts as crawling. */
  minPeerRate: number;
}

export type Decision = 'wait' | 'http' | 'give-up' | 'done';

export interface WebSeedKnobs {
  /** How long peers get before the mirror is first asked (for a measure of its rate). */
  webSeedDelayMs: number;
}

export function decide(state: TorrentState, knobs: PolicyKnobs): Decision {
  if (state.done) return 'done';
  const silentFor = state.nowMs - state.lastProgressMs;
  if (state.mirrorFailed) return silentFor >= knobs.peerWaitMs ? 'give-up' : 'wait';
  if (state.httpActive) return 'wait';
  if (silentFor >= knobs.stallMs && state.peers === 0) return 'http';
  if (silentFor >= knobs.stallMs * 4) return 'http';
  const crawling = state.deadlineMs !== undefined && state.nowMs - state.deadlineMs >= knobs.stallMs && state.rate < knobs.minPeerRate;
  return crawling ? 'http' : 'wait';
}

/** What decides whether the mirror takes the whole file at once. */
export interface WebSeedState {
  elapsedMs: number;
  /** The torrent has trackers to ask; without any, the mirror joins at once. */
  hasTrackers: boolean;
  /** Seeders the tracker reported in its last answer (undefined: no answer yet). */
  trackerSeeders?: number;
  /** Leechers the tracker reported in its last answer, this machine among them (undefined: it did not say). */
  trackerLeechers?: number;
  /** BitTorrent peers connected now (web seeds not counted). */
  peers: number;
}

/** How the mirror comes in at the start: not (peers first, the top-up decides), or for the whole file over plain HTTP. */
export type MirrorDecision = 'wait' | 'http';

/**
 * Nobody can have the file (no trackers, or the tracker knows no seeder and
 * no leecher but this machine, and no peer is connected; or no peer it
 * named connected within `webSeedDelayMs`): plain HTTP takes
 * the whole file at once, in parallel ranges, while the torrent stays
 * announced, so machines arriving meanwhile wait for this one instead of
 * going to the mirror too. Otherwise peers go first, and the mirror only
 * tops up what they cannot deliver in time (top-up-policy.ts). A leecher is
 * worth waiting for: it shares the pieces it has while it downloads.
 */
export function mirrorDecision(state: WebSeedState, knobs: WebSeedKnobs): MirrorDecision {
  if (!state.hasTrackers) return 'http';
  if (state.peers > 0) return 'wait';
  // Peers the tracker names but none of which connected within the delay are gone (crashed, or never reachable).
  if (state.elapsedMs >= knobs.webSeedDelayMs && state.trackerSeeders !== undefined) return 'http';
  return state.trackerSeeders === 0 && (state.trackerLeechers ?? 0) <= 1 ? 'http' : 'wait';
}
