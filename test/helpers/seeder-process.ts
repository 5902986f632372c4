/**
 * A seeder built on apt-torrent's own torrent client, as its own process:
 *   node seeder-process.js TORRENT DATA_DIR [--skip-verify] [--upload-limit BYTES_PER_SECOND]
 * Prints `seeding <port>` once ready, then seeds until killed. With
 * --skip-verify it trusts the data as it is: a hostile seeder serving a
 * modified copy under the real torrent. With --upload-limit, a slow peer.
 */
import { readFileSync } from 'node:fs';
import { createTorrentClient } from '../../src/torrent/client.js';

const [torrentPath, dataDir, ...flags] = process.argv.slice(2);
const limitAt = flags.indexOf('--upload-limit');
const uploadLimit = limitAt === -1 ? -1 : Number(flags[limitAt + 1]);
const client = await createTorrentClient({ port: 0, dht: false, lsd: false, utp: false, uploadLimit });
const torrent = client.add(readFileSync(torrentPath!), { path: dataDir!, skipVerify: flags.includes('--skip-verify'), storeCacheSlots: 0 });
torrent.on('error', (error: Error) => {
  process.stderr.write(`seeder: ${error.message}\n`);
  process.exit(1);
});
// 'ready' comes before the pieces on disk are checked; 'done' once they are.
const announce = () => process.stdout.write(`seeding ${client.torrentPort} complete\n`);
torrent.on('ready', () => (torrent.done ? announce() : torrent.once('done', announce)));
process.on('SIGTERM', () => client.destroy(() => process.exit(0)));
