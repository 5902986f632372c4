import type { NetworkRecipe } from './network.js';

/** What the head start's worker thread is told to do for one file. */
export interface HeadStartOrder {
  type: 'start';
  id: number;
  uri: string;
  /** The torrent's own file, created empty in this run. */
  path: string;
  size: number;
  pieceLength: number;
  /** The torrent's piece hashes, 20 bytes each: pieces are checked as they are written. */
  pieceHashes: Uint8Array;
  infoHash: string;
  trackers: readonly string[];
  /** How long the trackers get to say whether anyone else is in the swarm. */
  askMs: number;
  http: { retries: number; timeoutMs: number; lowSpeed?: { bytesPerSecond: number; seconds: number } };
  network: NetworkRecipe;
}

export interface HeadStartHalt {
  type: 'halt';
  id: number;
}

/** What the worker says of one file. */
export type HeadStartReport =
  /** The trackers know nobody else: the mirror's bytes are flowing. */
  | { type: 'alone'; id: number }
  /** Since the last report: bytes written, how far the file is written without a hole, pieces that checked out. */
  | { type: 'progress'; id: number; bytes: number; written: number; pieces: number[] }
  /** Over: `others` when the trackers know someone (nothing was fetched); `digest` when the whole file was written in order. */
  | { type: 'end'; id: number; written: number; others?: boolean; digest?: string; error?: string };
