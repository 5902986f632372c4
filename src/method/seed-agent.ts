#!/usr/bin/env node
/**
 * The method's hand-over to the seeding daemon, run as root. The method
 * itself drops to APT's sandbox user before it touches the network, and
 * that user may neither write apt-torrent's state directory nor reach the
 * daemon's root-only control socket. So, while still root, the method
 * starts this small process and, for each file that came by BitTorrent and
 * was answered `201 URI Done`, writes one JSON line to its stdin. When the
 * method ends (APT has then moved the files into its archive cache), this
 * process checks each file where APT put it — a plain file of the right
 * size and SHA256: the lines come from a process that strangers' data has
 * reached, so nothing in them is taken on trust — records what passes for
 * the daemon and tells it.
 *
 * argv: stateDir, control socket, APT's archive cache directory.
 */
import { handOverFromMethod } from './seed-handoff.js';

const [stateDir, socket, archives] = process.argv.slice(2);
const chunks: Buffer[] = [];
let size = 0;
process.stdin.on('data', (chunk: Buffer) => {
  size += chunk.length;
  // A few hundred bytes a file: a megabyte is thousands of files, and anything past it is not the method's.
  if (size <= 1024 * 1024) chunks.push(chunk);
});
process.stdin.on('end', () => {
  if (!stateDir || !socket || !archives) process.exit(2);
  handOverFromMethod(Buffer.concat(chunks).toString('utf8'), { stateDir, socket, archives }).then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
