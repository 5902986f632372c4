/**
 * When a torrent download should let the mirror (plain HTTP) take over. Pure.
 *
 * The web seed normally keeps a file moving even with no peers; it fails
 * silently in webtorrent when the mirror answers 404 or ignores Range, and
 * peers may be slow to unchoke (Transmission waits for its next rechoke,
 * up to 10 s). So:
 * - no new verified bytes for `stallMs` and no peer connected: HTTP takes over;
 * - peers connected but silent for 4 x `stallMs`: HTTP takes over;
 * - the mirror joined as web seed, but the file still crawls (below
 *   `minRate`) for `stallMs`: HTTP takes over the missing pieces. webtorrent
 *   gives a slow peer's reserved pieces to nobody else, so a trickling peer
 *   would otherwise hold the file for as long as it likes;
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
  /** When the mirror joined as web seed (undefined: not yet). */
  mirrorJoinedMs?: number;
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

export function decide(state: TorrentState, knobs: PolicyKnobs): Decision {
  if (state.done) return 'done';
  const silentFor = state.nowMs - state.lastProgressMs;
  if (state.mirrorFailed) return silentFor >= knobs.peerWaitMs ? 'give-up' : 'wait';
  if (state.httpActive) return 'wait';
  if (silentFor >= knobs.stallMs && state.peers === 0) return 'http';
  if (silentFor >= knobs.stallMs * 4) return 'http';
  const crawling = state.mirrorJoinedMs !== undefined && state.nowMs - state.mirrorJoinedMs >= knobs.stallMs && state.rate < knobs.minPeerRate;
  return crawling ? 'http' : 'wait';
}

/** What decides whether the mirror joins as web seed yet. */
export interface WebSeedState {
  elapsedMs: number;
  /** The torrent has trackers to ask; without any, the mirror joins at once. */
  hasTrackers: boolean;
  /** Seeders the tracker reported in its last answer (undefined: no answer yet). */
  trackerSeeders?: number;
  /** BitTorrent peers connected now (web seeds not counted). */
  peers: number;
  /** Bytes per second from peers over the last few seconds. */
  peerRate: number;
}

export interface WebSeedKnobs {
  /** How long peers get to show they can carry the file before the mirror joins. */
  webSeedDelayMs: number;
  /** Below this rate from peers (bytes/s), the mirror joins. */
  minPeerRate: number;
}

/** How the mirror comes in: not yet, as web seed beside the peers, or for the whole file over plain HTTP. */
export type MirrorDecision = 'wait' | 'web-seed' | 'http';

/**
 * Prefer peers, keep the mirror as the floor. A mirror that joins at once
 * wins every race on a fast link and offloads nothing; one that joins late
 * makes a first install slow. So:
 * - nobody can have the file (no trackers, or the tracker knows no seeder
 *   and no peer is connected): plain HTTP takes the whole file at once, in
 *   parallel ranges — faster than webtorrent's web seed — while the torrent
 *   stays announced, so machines arriving meanwhile wait for this one
 *   instead of going to the mirror too;
 * - otherwise peers get `webSeedDelayMs`, and the mirror joins as web seed
 *   (piece by piece, beside the peers) whenever they carry less than `minPeerRate`.
 */
export function mirrorDecision(state: WebSeedState, knobs: WebSeedKnobs): MirrorDecision {
  if (!state.hasTrackers) return 'http';
  if (state.trackerSeeders === 0 && state.peers === 0) return 'http';
  if (state.elapsedMs < knobs.webSeedDelayMs) return 'wait';
  return state.peers === 0 || state.peerRate < knobs.minPeerRate ? 'web-seed' : 'wait';
}
