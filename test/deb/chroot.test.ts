import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { buildDeb, contents, DEB_NAME, VERSION } from './helpers/build.js';
import { Chroot } from './helpers/chroot.js';
import { debianMirror } from './helpers/debian-mirror.js';

const run = promisify(execFile);
const mirror = debianMirror();
const tools = ['debootstrap', 'chroot', 'mount'].filter((tool) => !['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((dir) => existsSync(join(dir, tool))));
const skip = process.getuid?.() !== 0 ? 'needs root (chroot, mount)'
  : tools.length > 0 ? `${tools.join(', ')} not installed (test/setup.sh installs debootstrap)`
  : mirror === undefined ? 'no Debian mirror in this machine\'s APT sources to debootstrap from' : false;

// One Debian trixie, as a user gets it, through install, use and purge.
describe('the package in a Debian trixie chroot', { skip }, () => {
  let dir: string;
  let deb: string;
  let chroot: Chroot;
  let sourcesBefore: Buffer;

  before(async () => {
    dir = tempDir('deb-chroot');
    deb = await buildDeb(dir);
    chroot = await Chroot.open(mirror!);
    copyFileSync(deb, chroot.path(`/tmp/${DEB_NAME}`));
    sourcesBefore = readFileSync(chroot.path('/etc/apt/sources.list'));
  });
  after(async () => {
    await chroot?.dispose();
    if (dir) removeTempDir(dir);
  });

  it('installs with apt from the .deb, nodejs and apt already there', async () => {
    await chroot.sh(`cd /tmp && apt-get install -y ./${DEB_NAME}`);
    const { stdout } = await chroot.sh("dpkg-query -W -f='${Status} ${Version}' apt-torrent");
    assert.equal(stdout, `install ok installed ${VERSION}`);
  });

  it('runs: --version, its man page, the APT method where APT looks', async () => {
    assert.equal((await chroot.sh('apt-torrent --version')).stdout.trim(), VERSION);
    assert.equal((await chroot.sh('man -w apt-torrent')).stdout.trim(), '/usr/share/man/man1/apt-torrent.1.gz');
    assert.equal((await chroot.sh('man -w 5 apt-torrent.conf')).stdout.trim(), '/usr/share/man/man5/apt-torrent.conf.5.gz');
    assert.equal(statSync(chroot.path('/usr/lib/apt/methods/torrent+http')).mode & 0o111, 0o111);
  });

  it('made /var/lib/apt-torrent root\'s alone, switched nothing and enabled no service', () => {
    const state = statSync(chroot.path('/var/lib/apt-torrent'));
    assert.equal(state.mode & 0o7777, 0o700);
    assert.equal(state.uid, 0);
    assert.equal(state.gid, 0);
    assert.deepEqual(readFileSync(chroot.path('/etc/apt/sources.list')), sourcesBefore);
    assert.equal(existsSync(chroot.path('/etc/systemd/system/multi-user.target.wants/apt-torrent-seed.service')), false);
  });

  it('enable --dry-run shows the switch and writes nothing; status reports it off', async () => {
    const dry = await chroot.sh('apt-torrent enable --dry-run');
    assert.match(dry.stdout, /torrent\+http:\/\//);
    assert.deepEqual(readFileSync(chroot.path('/etc/apt/sources.list')), sourcesBefore);
    const status = await chroot.sh('apt-torrent status');
    assert.ok(status.stdout.trim().length > 0);
    assert.equal(existsSync(chroot.path('/var/lib/apt-torrent/sources-switch.json')), false);
  });

  it('enabled, then purged: the sources are as they were, and nothing of the package is left', async () => {
    await chroot.sh('apt-torrent enable');
    assert.match(readFileSync(chroot.path('/etc/apt/sources.list'), 'utf8'), /torrent\+http:\/\//);
    assert.ok(existsSync(chroot.path('/var/lib/apt-torrent/sources-switch.json')));
    await chroot.sh('apt-get purge -y apt-torrent');
    assert.deepEqual(readFileSync(chroot.path('/etc/apt/sources.list')), sourcesBefore);
    const left = (await contents(deb))
      .filter((entry) => !entry.mode.startsWith('d'))
      .map((entry) => `/${entry.path}`)
      .filter((path) => existsSync(chroot.path(path)) || isLink(chroot.path(path)));
    assert.deepEqual(left, []);
    for (const path of ['/var/lib/apt-torrent', '/etc/apt-torrent', '/usr/lib/apt-torrent']) assert.equal(existsSync(chroot.path(path)), false, path);
    const { stdout } = await chroot.sh("dpkg-query -W -f='${Status}' apt-torrent 2>/dev/null || true");
    assert.match(stdout, /^(|unknown ok not-installed|deinstall ok not-installed)$/);
    // APT works as before: it reads its sources with no method missing.
    await chroot.sh('apt-get -qq check');
  });
});

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
