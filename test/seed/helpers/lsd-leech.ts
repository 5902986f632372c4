/**
 * A downloader that finds peers only through LSD: the torrent client the
 * fetch code uses (TorrentClient) with `lsd` on, no DHT, a torrent without
 * web seed whose tracker cannot be reached. Run by lsd.test.ts inside its
 * own network namespace:
 *
 *   node lsd-leech.js TORRENT DIR TIMEOUT_MS
 *
 * Prints `done <ms>` and exits 0 once every piece is verified; exits 1 on timeout.
 */
import { readFileSync } from 'node:fs';
import { TorrentClient } from '../../../src/torrent/client.js';

const [torrentFile, dir, timeout] = process.argv.slice(2);
const started = Date.now();
const client = await TorrentClient.open({ port: 0, dht: false, lsd: true, utp: false });
const torrent = await client.download(readFileSync(torrentFile!), dir!, { maxWebConns: 1 });
const done = await new Promise<boolean>((resolve) => {
  if (torrent.done) return resolve(true);
  const timer = setTimeout(() => resolve(false), Number(timeout));
  torrent.onDone(() => {
    clearTimeout(timer);
    resolve(true);
  });
});
await client.destroy();
process.stdout.write(done ? `done ${Date.now() - started}\n` : 'timed out\n');
process.exitCode = done ? 0 : 1;
