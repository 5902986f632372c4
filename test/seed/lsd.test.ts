import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { buildTorrent } from '../../src/bittorrent/torrent.js';
import { CLI } from '../helpers/cli.js';
import { cleanEnv } from '../helpers/env.js';
import { piecesOf, sha256 } from '../helpers/hash.js';
import { Lan } from '../helpers/netns.js';
import { Proc } from '../helpers/proc.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { candidate } from './helpers/fixtures.js';

const run = promisify(execFile);
const LEECH = fileURLToPath(new URL('./helpers/lsd-leech.js', import.meta.url));

describe('home LAN: with torrent.lsd, a second machine finds the seeding daemon without any tracker and takes the file from it', () => {
  let lan: Lan;
  let dir: string;
  let daemon: Proc | undefined;

  before(() => {
    dir = tempDir('lsd');
    lan = Lan.create(2);
  });

  after(async () => {
    await daemon?.stop();
    lan?.remove();
    removeTempDir(dir);
  });

  // A tracker on A's LAN that nobody answers at: LSD alone must do.
  const deadTracker = 'http://198.51.100.200:6969/announce';
  const data = randomBytes(3 * 1024 * 1024 + 12_345);
  let env: NodeJS.ProcessEnv;
  let torrentFile: string;
  let wanted: ReturnType<typeof candidate>;
  const startA = async (lsd: boolean) => {
    await daemon?.stop();
    writeFileSync(join(dir, 'xdg/apt-torrent/config.json'), JSON.stringify({
      stateDir: join(dir, 'state'),
      torrent: { lsd },
      seed: { enabled: true, socket: join(dir, 'seed.sock'), listenPort: 0, diskBudget: 0, uploadLimit: 0 },
    }));
    const [command, args] = lan.exec(0, process.execPath, [CLI, 'seed']);
    daemon = await Proc.start(command, args, /seeding \d+ file\(s\)/, { env, timeoutMs: 30_000 });
  };
  const leechOnB = async (timeoutMs: number) => {
    const out = tempDir('lsd-b');
    const [command, args] = lan.exec(1, process.execPath, [LEECH, torrentFile, out, String(timeoutMs)]);
    const leech = await run(command, args, { env: cleanEnv(), timeout: timeoutMs + 20_000 }).catch((error: { stdout?: string; stderr?: string; code?: number }) => error);
    const got = /^done \d+/.test(leech.stdout ?? '') ? readFileSync(join(out, wanted.name!)) : undefined;
    removeTempDir(out);
    return { got, output: `B: ${leech.stdout} ${leech.stderr}; A: ${daemon?.log()}` };
  };

  it('machine A seeds (the daemon, LSD on); machine B, whose tracker is unreachable and which has no web seed, downloads from A', async () => {
    const cache = join(dir, 'archives');
    mkdirSync(cache);
    mkdirSync(join(dir, 'xdg/apt-torrent'), { recursive: true });
    mkdirSync(join(dir, 'state'));
    // Many seeded files: the one B wants is announced among the others.
    const records = [candidate(cache, 'wanted', data), ...Array.from({ length: 40 }, (_, index) => candidate(cache, `other${index}`, randomBytes(20_000)))].map((record) => ({ ...record, trackers: [deadTracker] }));
    writeFileSync(join(dir, 'state/pending-seeds.json'), JSON.stringify(records));
    env = cleanEnv({ XDG_CONFIG_HOME: join(dir, 'xdg'), APT_TORRENT_SYSCONFDIR: join(dir, 'none') });
    wanted = records[0]!;
    torrentFile = join(dir, 'wanted.torrent');
    writeFileSync(torrentFile, buildTorrent({ name: wanted.name!, length: data.length, pieceLength: wanted.pieceLength!, pieces: piecesOf(data, wanted.pieceLength!) }, { trackers: [deadTracker], webSeeds: [] }));
    await startA(true);
    assert.match(daemon!.log(), /and the LAN \(LSD\)/);
    const { got, output } = await leechOnB(40_000);
    assert.ok(got, output);
    assert.equal(sha256(got), wanted.sha256);
  });

  it('with torrent.lsd off on A, B finds no one (so it was LSD that did it)', async () => {
    await startA(false);
    const { got, output } = await leechOnB(8000);
    assert.equal(got, undefined, output);
    assert.doesNotMatch(daemon!.log(), /LSD/);
  });
});
