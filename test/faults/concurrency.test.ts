/**
 * Two programs after the same archive cache: two apt-torrent runs, apt-get
 * and apt-torrent, and dpkg's lock held by someone else. One refuses at once
 * and says who is in the way; no file is corrupted; nothing waits forever.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { TestArchive } from '../helpers/archive.js';
import { runCli, startCli } from '../helpers/cli.js';
import type { TestMirror } from '../helpers/mirror.js';
import { Proc, track } from '../helpers/proc.js';
import { cached, installed } from '../helpers/sandbox.js';
import { ServedArchive } from '../helpers/served-archive.js';
import { poll } from '../helpers/wait.js';
import { CacheWatch } from './helpers/cache-watch.js';

const run = promisify(execFile);

/**
 * Another program holding an fcntl write lock, as apt-get and dpkg take
 * them, until its stdin closes. perl, because perl-base is Essential: it is
 * on every Debian machine the suite runs on.
 */
async function holdLock(path: string): Promise<ChildProcess> {
  const script = 'use Fcntl; open(my $f, ">>", $ARGV[0]) or die $!; my $l = pack("s", F_WRLCK) . ("\\0" x 62); fcntl($f, F_SETLKW, $l) or die $!; $| = 1; print "held\\n"; 1 while <STDIN>;';
  const child = track(spawn('perl', ['-e', script, path], { stdio: ['pipe', 'pipe', 'inherit'] }));
  await new Promise((resolve, reject) => {
    child.stdout!.once('data', resolve);
    child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
  });
  return child;
}

/** Wait until a partial file has this many bytes: the download is under way. */
async function partialReaches(path: string, bytes: number): Promise<void> {
  if (!(await poll(() => existsSync(path) && statSync(path).size >= bytes, 10_000, 25))) throw new Error(`${path} never reached ${bytes} bytes`);
}

describe('concurrent runs and APT\'s locks', () => {
  let site: ServedArchive;
  let repo: TestArchive;
  let mirror: TestMirror;
  const holders: ChildProcess[] = [];
  before(async () => {
    site = await ServedArchive.start([{ name: 'big', version: '1.0', payload: 1_500_000 }, { name: 'small', version: '1.0', payload: 20_000 }]);
    ({ archive: repo, mirror } = site);
  });
  after(async () => {
    for (const holder of holders) await new Proc(holder).stop();
    await site?.stop();
  });
  const fresh = () => site.sandbox();
  const files = () => new Map([['big_1.0_all.deb', repo.bytes('big')], ['small_1.0_all.deb', repo.bytes('small')]]);
  const slowBig = () => {
    const path = `/${repo.pool.get('big')}`;
    mirror.faults.set(path, { kind: 'slow', bytesPerSecond: 600_000 });
    return () => mirror.faults.delete(path);
  };
  const debRequests = (mark: number) => mirror.requests.slice(mark).filter((request) => request.path.endsWith('.deb'));

  it('two installs at once: the second refuses at once naming the first; the first completes', async () => {
    const box = await fresh();
    const watch = new CacheWatch(box.archives, files());
    const fast = slowBig();
    const first = startCli(['install', '--prefetch', '-y', 'big'], box.env);
    try {
      await partialReaches(join(box.archives, 'partial/apt-torrent/big_1.0_all.deb'), 200_000);
      const started = Date.now();
      const second = await runCli(['install', '--prefetch', '-y', 'big'], box.env, { timeoutMs: 30_000 });
      assert.ok(Date.now() - started < 5000, 'refused at once');
      assert.equal(second.code, 6, second.stderr);
      assert.match(second.stderr, new RegExp(`error \\[E_LOCKED\\]: .*apt-torrent\\.lock is held by pid ${first.child.pid} \\(\`apt-torrent install big\``));
    } finally {
      fast();
    }
    const firstDone = await first.done;
    assert.equal(firstDone.code, 0, firstDone.stderr);
    assert.equal(installed(box).get('big'), '1.0');
    assert.deepEqual(watch.stop(), []);
  });

  it('APT\'s archive lock held by another program: apt-torrent refuses before downloading, naming it', async () => {
    const box = await fresh();
    const holder = await holdLock(join(box.archives, 'lock'));
    holders.push(holder);
    const mark = mirror.requests.length;
    const started = Date.now();
    const result = await runCli(['install', '--prefetch', '-y', 'small'], box.env, { timeoutMs: 30_000 });
    assert.ok(Date.now() - started < 5000);
    assert.equal(result.code, 6, result.stderr);
    assert.match(result.stderr, new RegExp(`error \\[E_LOCKED\\]: could not get APT's lock ${box.archives}/lock: it is held by process ${holder.pid} \\(perl\\)`));
    assert.match(result.stderr, /hint: another APT program/);
    assert.deepEqual(debRequests(mark), [], 'nothing downloaded into a cache another program has locked');
    assert.equal(cached(box, 'small_1.0_all.deb'), false);
    holder.stdin!.end();
  });

  it('while apt-torrent downloads, apt-get finds APT\'s lock held by apt-torrent and refuses; neither corrupts the other', async () => {
    const box = await fresh();
    const watch = new CacheWatch(box.archives, files());
    const fast = slowBig();
    const ours = startCli(['download', '--prefetch', 'big'], box.env);
    try {
      await partialReaches(join(box.archives, 'partial/apt-torrent/big_1.0_all.deb'), 200_000);
      const apt = await run('apt-get', ['install', '-y', 'big'], { env: box.env }).then(() => ({ code: 0, stderr: '' }), (error) => ({ code: error.code as number, stderr: String(error.stderr) }));
      assert.equal(apt.code, 100);
      assert.match(apt.stderr, new RegExp(`Could not get lock ${box.archives}/lock\\. It is held by process \\d+ \\(apt-torrent\\)`));
    } finally {
      fast();
    }
    const oursDone = await ours.done;
    assert.equal(oursDone.code, 0, oursDone.stderr);
    assert.deepEqual(watch.stop(), []);
    assert.deepEqual(await run('apt-get', ['install', '-y', 'big'], { env: box.env }).then(() => installed(box).get('big')), '1.0', 'apt-get then installs from the verified cache');
  });

  it('dpkg\'s lock held: the files are fetched and verified, apt-get refuses at once and its status is passed through', async () => {
    const box = await fresh();
    const holder = await holdLock(join(box.root, 'var/lib/dpkg/lock-frontend'));
    holders.push(holder);
    const started = Date.now();
    const result = await runCli(['install', '--prefetch', '-y', 'small'], box.env, { timeoutMs: 30_000 });
    assert.ok(Date.now() - started < 10_000);
    assert.equal(result.code, 100, result.stderr);
    assert.match(result.stderr, new RegExp(`E: Could not get lock ${box.root}/var/lib/dpkg/lock-frontend\\. It is held by process ${holder.pid} \\(perl\\)`));
    assert.equal(installed(box).has('small'), false);
    assert.deepEqual(statSync(join(box.archives, 'small_1.0_all.deb')).size, repo.bytes('small').length);
    holder.stdin!.end();
    await new Promise((resolve) => holder.once('exit', resolve));
    const mark = mirror.requests.length;
    const again = await runCli(['install', '--prefetch', '-y', 'small'], box.env, { timeoutMs: 30_000 });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(debRequests(mark), [], 'the verified file in the cache is used');
    assert.equal(installed(box).get('small'), '1.0');
  });
});
