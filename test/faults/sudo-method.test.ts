/**
 * `sudo -E apt-torrent enable` keeps the caller's environment. The method
 * enable registers is run by APT as root on every later download, so it
 * must be a file only root can change — not one in a user's directory,
 * whether it comes from APT_TORRENT_METHOD or from a checkout in $HOME.
 * The same holds for the method `install` plugs into its own apt-get run.
 */
import assert from 'node:assert/strict';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { createSandbox, removeSandbox } from '../helpers/sandbox.js';

const NOBODY = 65534;
const STUB = "#!/bin/sh\nprintf '100 Capabilities\\nVersion: 1.0\\n\\n'\ncat >/dev/null\n";
const isRoot = process.geteuid?.() === 0;

describe('enable as root registers only a method root alone can change', { skip: isRoot ? false : 'needs root' }, () => {
  const box = createSandbox('http://127.0.0.1:9/');
  after(() => removeSandbox(box));
  const list = join(box.dir, 'etc/sources.list');
  const conf = join(box.dir, 'etc/apt.conf.d/50apt-torrent-method');
  const stubIn = (dir: string) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'method'), STUB, { mode: 0o755 });
    return join(dir, 'method');
  };

  it('refuses a method in a user\'s directory, and writes nothing', async () => {
    const home = join(box.dir, 'home');
    const method = stubIn(home);
    chownSync(home, NOBODY, NOBODY);
    const before = readFileSync(list);
    const result = await runCli(['enable'], { ...box.env, APT_TORRENT_METHOD: method });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /E_NO_METHOD.*will not register .*home\/method as APT's torrent\+http method: its directory .*home belongs to uid 65534, not root, and APT would run it as root/);
    assert.deepEqual(readFileSync(list), before);
    assert.equal(existsSync(conf), false);
  });

  it('install plugs no such method into its apt-get run either: refused before apt-get starts', async () => {
    const home = join(box.dir, 'home-install');
    const method = stubIn(home);
    chownSync(home, NOBODY, NOBODY);
    const result = await runCli(['install', '-y', 'anything'], { ...box.env, APT_TORRENT_METHOD: method });
    assert.equal(result.code, 11, result.stderr);
    assert.match(result.stderr, /E_NO_METHOD.*home-install\/method/);
    assert.doesNotMatch(result.stdout, /Reading package lists/, 'apt-get never ran');
  });

  it('registers the same method from a directory of root\'s', async () => {
    const method = stubIn(join(box.dir, 'opt'));
    const result = await runCli(['enable'], { ...box.env, APT_TORRENT_METHOD: method });
    assert.equal(result.code, 0, result.stderr);
    assert.match(readFileSync(conf, 'utf8'), new RegExp(`Dir::Bin::Methods::torrent\\+http "${method}";`));
    assert.equal((await runCli(['disable'], { ...box.env, APT_TORRENT_METHOD: method })).code, 0);
  });
});
