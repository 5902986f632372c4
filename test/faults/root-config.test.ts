/**
 * As root, configuration another user can write is not read: `sudo -E`
 * keeps the invoking user's HOME, and a stateDir or socket from there would
 * let that user steer what root writes.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { untrustedReason } from '../../src/config/trusted-file.js';

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

describe('configuration read as root', { skip: isRoot ? false : 'needs root to hand files to another user' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'apt-torrent-config-trust-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let count = 0;
  const layers = () => {
    const root = join(dir, String(count++));
    mkdirSync(join(root, 'etc'), { recursive: true });
    mkdirSync(join(root, 'home/.config/apt-torrent'), { recursive: true });
    writeFileSync(join(root, 'etc/config.json'), JSON.stringify({ http: { parallel: 3 } }));
    return { root, env: { APT_TORRENT_SYSCONFDIR: join(root, 'etc'), XDG_CONFIG_HOME: join(root, 'home/.config'), HOME: join(root, 'home') } };
  };

  it('skips, with a warning, a user-owned XDG file (sudo -E)', async () => {
    const { root, env } = layers();
    const userFile = join(root, 'home/.config/apt-torrent/config.yaml');
    writeFileSync(userFile, 'stateDir: /home/mallory/state\nhttp:\n  parallel: 9\n');
    chownSync(join(root, 'home'), NOBODY, NOBODY);
    const warnings: string[] = [];
    const config = await loadConfig({ env, uid: 0, warn: (message) => warnings.push(message) });
    assert.equal(config['http.parallel'], 3);
    assert.notEqual(config.stateDir, '/home/mallory/state');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /config\.yaml is skipped: its directory .*home belongs to uid 65534, not root/);
    // The same files are read for their owner.
    const asUser = await loadConfig({ env, uid: NOBODY, warn: () => assert.fail('no warning for a user') });
    assert.equal(asUser['http.parallel'], 9);
  });

  it('skips a root-owned file that everyone may write, and one a symlink leads to in a user directory', async () => {
    const { root, env } = layers();
    chmodSync(join(root, 'etc/config.json'), 0o666);
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'real.json'), JSON.stringify({ http: { parallel: 7 } }));
    chownSync(elsewhere, NOBODY, NOBODY);
    symlinkSync(join(elsewhere, 'real.json'), join(root, 'home/.config/apt-torrent/config.json'));
    const warnings: string[] = [];
    const config = await loadConfig({ env, uid: 0, warn: (message) => warnings.push(message) });
    assert.equal(config['http.parallel'], 16);
    assert.equal(warnings.length, 2);
    assert.match(warnings.join('\n'), /etc\/config\.json is skipped: it is writable by every user/);
    assert.match(warnings.join('\n'), /elsewhere belongs to uid 65534/);
  });

  it('skips a symlink in a user directory even when it leads to a root-only file (no reading /etc/shadow as config)', async () => {
    const { root, env } = layers();
    const secret = join(root, 'secret');
    writeFileSync(secret, 'root:$y$hash:19000:0:99999:7:::\n', { mode: 0o600 });
    symlinkSync(secret, join(root, 'home/.config/apt-torrent/config.json'));
    chownSync(join(root, 'home/.config/apt-torrent'), NOBODY, NOBODY);
    const warnings: string[] = [];
    await loadConfig({ env, uid: 0, warn: (message) => warnings.push(message) });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /config\.json is skipped: its directory .*apt-torrent belongs to uid 65534/);
    assert.doesNotMatch(warnings[0]!, /\$y\$/);
  });

  it('refuses an explicit --config that is not root-owned, naming the file and the fix', async () => {
    const { root, env } = layers();
    const file = join(root, 'mine.json');
    writeFileSync(file, '{}');
    chownSync(file, NOBODY, NOBODY);
    await assert.rejects(loadConfig({ env, file, uid: 0 }), (error: Error & { code: string; hint?: string }) => {
      assert.equal(error.code, 'E_CONFIG');
      assert.match(error.message, /mine\.json is not used: it belongs to uid 65534, not root/);
      assert.match(error.hint ?? '', /chown root/);
      return true;
    });
  });
});

describe('untrustedReason', () => {
  it('trusts root-owned files writable by root or group root, and sticky root directories', () => {
    assert.equal(untrustedReason({ uid: 0, gid: 0, mode: 0o100664 }, false), undefined);
    assert.equal(untrustedReason({ uid: 0, gid: 0, mode: 0o41777 }, true), undefined);
    assert.match(untrustedReason({ uid: 0, gid: 50, mode: 0o100664 }, false)!, /group 50/);
    assert.match(untrustedReason({ uid: 0, gid: 0, mode: 0o100646 }, false)!, /every user/);
    assert.match(untrustedReason({ uid: 1000, gid: 0, mode: 0o100600 }, false)!, /uid 1000/);
  });
});
