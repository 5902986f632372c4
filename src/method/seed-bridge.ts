#!/usr/bin/env node
/**
 * The bridge: serves the files the method fetched over BitTorrent from the
 * moment they are in APT's cache until the seeding daemon has announced
 * them. APT ends the method as soon as its last file is done, and the
 * daemon takes a file only once the root seed agent has checked it and the
 * daemon has hashed it again: without the bridge, a peer asking meanwhile
 * would find nobody on this machine.
 *
 * The seed agent starts it as APT's sandbox user, the user the method's
 * BitTorrent client runs as (never root when there is one), and is the only
 * one to talk to it: one JSON line per order on stdin, `{"serve": {...}}`
 * (see BridgeFile) or `{"drop": INFOHASH}`. It says nothing back: the
 * agent, which is root, takes nothing from a process on the network. It
 * reads each file read-only where APT put it (APT hands it to root, 0644).
 * stdin closing (the agent is done, or gone) ends it.
 *
 * argv: the limits as JSON: `{"uploadLimit": BYTES_PER_S, "maxPeers": N}`.
 */
import { LineSplitter } from '../seed/protocol.js';
import { BridgeSeeds, type BridgeFile } from './bridge-seeds.js';

/** Time enough for APT to move a file into its cache after the 201, on a slow disk. */
const APPEAR_MS = 10_000;
/** Whatever the agent says, no file is served longer (the agent drops each far sooner). */
const MAX_SERVE_MS = 30 * 60_000;
/** Whatever happens, the bridge ends this long after it started: it serves only the minutes until the daemon announces. */
const LIFETIME_MS = MAX_SERVE_MS + 60_000;
/** How long ending may take once told to end. */
const END_GRACE_MS = 10_000;
setTimeout(() => process.kill(process.pid, 'SIGKILL'), LIFETIME_MS).unref();
/** Each torrent costs the client about a megabyte: a bounded number at once. */
const MAX_FILES = 64;
const IDLE_PEER_MS = 60_000;
/** The agent's orders are a few hundred bytes each. */
const MAX_LINE = 64 * 1024;

const limits = parseLimits(process.argv[2]);
const seeds = new BridgeSeeds(
  async () => {
    const { TorrentClient } = await import('../torrent/client.js');
    return TorrentClient.open({ port: 0, dht: false, lsd: false, utp: false, uploadLimit: limits.uploadLimit, ...(limits.maxPeers > 0 ? { maxConns: limits.maxPeers } : {}) });
  },
  { maxFiles: MAX_FILES, appearMs: APPEAR_MS, maxServeMs: MAX_SERVE_MS, idlePeerMs: IDLE_PEER_MS },
);
// Started with the method's BitTorrent path: by its first 201 the client is up.
seeds.warm();
const splitter = new LineSplitter(MAX_LINE);
let ending = false;
const end = () => {
  if (ending) return;
  ending = true;
  seeds.close().finally(() => process.exit(0));
  // A close that cannot finish (a read stuck where it should not be) does not keep the bridge alive.
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), END_GRACE_MS).unref();
};

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  let lines: string[];
  try {
    lines = splitter.push(chunk);
  } catch {
    return end();
  }
  for (const line of lines) order(line);
});
process.stdin.on('end', end);
process.stdin.on('error', end);
process.on('SIGTERM', end);
process.on('SIGINT', end);

function order(line: string): void {
  try {
    const value = JSON.parse(line) as { serve?: BridgeFile; drop?: unknown };
    if (typeof value.drop === 'string') seeds.drop(value.drop);
    else if (value.serve && isBridgeFile(value.serve)) seeds.serve(value.serve);
  } catch {
    // not an order
  }
}

function isBridgeFile(file: BridgeFile): boolean {
  const text = (value: unknown) => typeof value === 'string' && value.length > 0 && value.length < 4096;
  return /^[0-9a-f]{40}$/.test(file.infoHash) && text(file.torrent) && text(file.path) && (file.partial === undefined || text(file.partial)) && Number.isSafeInteger(file.size) && file.size > 0
    && Array.isArray(file.trackers) && file.trackers.length <= 32 && file.trackers.every(text);
}

function parseLimits(text: string | undefined): { uploadLimit: number; maxPeers: number } {
  try {
    const value = JSON.parse(text ?? '{}') as { uploadLimit?: unknown; maxPeers?: unknown };
    const count = (number: unknown) => (typeof number === 'number' && Number.isSafeInteger(number) && number > 0 ? number : 0);
    return { uploadLimit: count(value.uploadLimit) || -1, maxPeers: count(value.maxPeers) };
  } catch {
    return { uploadLimit: -1, maxPeers: 0 };
  }
}
