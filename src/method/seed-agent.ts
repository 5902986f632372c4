#!/usr/bin/env node
/**
 * The method's hand-over to the seeding daemon, run as root. The method
 * itself drops to APT's sandbox user before it touches the network, and
 * that user may neither write apt-torrent's state directory nor reach the
 * daemon's root-only control socket. So, while still root, the method
 * starts this small process and, for each file that came by BitTorrent and
 * was answered `201 URI Done`, writes one JSON line to its stdin. Each line
 * is taken as it comes (see handoff-agent.ts): the file checked where APT
 * put it, recorded, the daemon told, and the bridge (seed-bridge.ts),
 * started as the method's user, told to serve it until the daemon has
 * announced it. stdin closing says the method has ended: once the last
 * file is settled, the agent lets the bridge go and exits.
 *
 * This process opens no network connection: only the daemon's local
 * control socket, and pipes.
 *
 * argv: stateDir, control socket, APT's archive cache directory, and the
 * bridge's spec as JSON (see bridge-process.ts), or nothing for no bridge.
 */
import { LineSplitter } from '../seed/protocol.js';
import { bridgeOrders, type BridgeSpec } from './bridge-process.js';
import { HandoffAgent } from './handoff-agent.js';

/** A line is a few hundred bytes; a longer one is not the method's, and nothing after it is taken. */
const MAX_LINE = 64 * 1024;

const [stateDir, socket, archives, bridgeSpec] = process.argv.slice(2);
if (!stateDir || !socket || !archives) process.exit(2);
const spec = readSpec(bridgeSpec);
const agent = new HandoffAgent({ stateDir, socket, archives }, spec ? bridgeOrders(spec) : undefined);
const splitter = new LineSplitter(MAX_LINE);
let refused = false;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  if (refused) return;
  let lines: string[];
  try {
    lines = splitter.push(chunk);
  } catch {
    refused = true;
    return;
  }
  for (const line of lines) agent.line(line);
});
process.stdin.on('end', () => {
  agent.end().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});

function readSpec(text: string | undefined): BridgeSpec | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as BridgeSpec;
    const id = (number: unknown) => typeof number === 'number' && Number.isSafeInteger(number) && number >= 0;
    if (value.user !== undefined && !(id(value.user.uid) && id(value.user.gid))) return undefined;
    return {
      ...(value.user ? { user: { uid: value.user.uid, gid: value.user.gid } } : {}),
      uploadLimit: id(value.uploadLimit) ? value.uploadLimit : 0,
      maxPeers: id(value.maxPeers) ? value.maxPeers : 0,
      pauseOnBattery: value.pauseOnBattery === true,
      pauseOnMetered: value.pauseOnMetered === true,
    };
  } catch {
    return undefined;
  }
}
