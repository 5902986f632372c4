/**
 * The mirror as a top-up. Pure.
 *
 * A user compares against plain HTTP (APT, one connection to the mirror):
 * that time is the floor nobody may fall below, and everything the peers
 * carry before it is the mirror's saving. So each file has a deadline: the
 * time one connection to the mirror would need, a little earlier to cover
 * apt-torrent's own start-up. Peers get first go; the mirror is asked only
 * for what the peers, at their current rate, will not have delivered by
 * then, with as many connections as that takes. The mirror's rate is
 * measured on its answers; until there is one, peers get `graceMs` and then
 * one connection measures it.
 */
export interface TopUpState {
  nowMs: number;
  /** When the run started: the plain-HTTP clock starts then. */
  startedMs: number;
  /** When this file's download started: the peers' grace counts from then (default: startedMs). */
  arrivedMs?: number;
  /** Bytes plain HTTP would fetch in the run (this file, or every file of the run). */
  deadlineBytes: number;
  /** Bytes of this file neither verified nor asked of the mirror yet. */
  remaining: number;
  /** Bytes per second from peers, over the last few seconds. */
  peerRate: number;
  /** Bytes per second of one connection to the mirror; undefined before its first answer. */
  mirrorRate?: number;
}

export interface TopUpKnobs {
  /** The most connections to the mirror at once. */
  maxConns: number;
  /** How long peers get before the mirror is first asked (to measure it). */
  graceMs: number;
  /** Finish by this share of plain HTTP's time (start-up and the install are apt-torrent's too). */
  slack: number;
  /** Count on this share of the peers' current rate: it falls once they have given what they had. */
  peerTrust: number;
}

/**
 * 0.9: the method's start-up and hand-over cost well under a tenth of a
 * transfer long enough to top up (measured: 8 home machines 3 s apart made
 * the mirror send 2.31 copies at 0.75 and 1.99 at 0.9, the slowest machine
 * finishing at 1.0 and 0.97 of apt-get's time).
 */
export const TOP_UP_DEFAULTS: Omit<TopUpKnobs, 'maxConns' | 'graceMs'> = { slack: 0.9, peerTrust: 0.7 };
/** Seconds the plan keeps in hand before the deadline: grants take a step to turn into requests, and the last pieces their time. */
const REACTION_S = 1;

export interface TopUpPlan {
  /** Mirror requests that should be running now (each one piece). */
  connections: number;
  /** When plain HTTP would be done, less the slack; undefined before the mirror was measured. */
  deadlineMs?: number;
}

/** How many connections to the mirror now, so that the file is done by the deadline. */
export function topUpPlan(state: TopUpState, knobs: TopUpKnobs): TopUpPlan {
  if (state.remaining <= 0) return { connections: 0 };
  const elapsedMs = state.nowMs - (state.arrivedMs ?? state.startedMs);
  if (state.mirrorRate === undefined || state.mirrorRate <= 0) {
    if (elapsedMs < knobs.graceMs) return { connections: 0 };
    // Peers that will be done well within another grace need no measurement of the mirror.
    const peersNeedMs = (state.remaining / Math.max(1, state.peerRate * knobs.peerTrust)) * 1000;
    return { connections: peersNeedMs < knobs.graceMs ? 0 : 1 };
  }
  const deadlineMs = state.startedMs + (state.deadlineBytes / state.mirrorRate) * 1000 * knobs.slack;
  const leftS = (deadlineMs - state.nowMs) / 1000 - REACTION_S;
  // Past the deadline (or nearly): everything the mirror can give.
  if (leftS <= 0.25) return { connections: knobs.maxConns, deadlineMs };
  const shortfall = state.remaining - state.peerRate * knobs.peerTrust * leftS;
  if (shortfall <= 0) return { connections: 0, deadlineMs };
  const connections = Math.ceil(shortfall / (state.mirrorRate * leftS));
  return { connections: Math.min(knobs.maxConns, Math.max(0, connections)), deadlineMs };
}

/** What the piece choice sees of one piece. */
export interface PieceView {
  /** Verified already, or asked of the mirror already. */
  taken: boolean;
  /** Connected peers that have it. */
  availability: number;
  /** A peer is sending it now. */
  reserved: boolean;
}

/**
 * The pieces to ask the mirror for: those no connected peer has and none is
 * sending first, then the rarest; among equals at random, so machines
 * topping up at the same time take different pieces and can trade them.
 * (webtorrent asks peers for pieces in order, from the first.)
 */
export function choosePieces(pieces: readonly PieceView[], count: number, random: () => number = Math.random): number[] {
  if (count <= 0) return [];
  const candidates: Array<{ index: number; rank: number }> = [];
  pieces.forEach((piece, index) => {
    if (!piece.taken) candidates.push({ index, rank: piece.availability * 2 + (piece.reserved ? 1 : 0) + random() * 0.5 });
  });
  candidates.sort((a, b) => a.rank - b.rank);
  return candidates.slice(0, count).map((candidate) => candidate.index);
}
