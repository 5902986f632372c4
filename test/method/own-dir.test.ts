import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeOwnDir } from '../../src/method/own-dir.js';
import { sandboxUser } from '../../src/method/privileges.js';

describe('the method\'s own partial directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'apt-torrent-own-dir-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is made 0700 and handed to the sandbox user (this test runs as root)', async () => {
    assert.equal(process.getuid!(), 0, 'the test suite runs as root');
    const { user, problem } = await sandboxUser('_apt');
    assert.equal(problem, undefined);
    const uid = Number(execFileSync('id', ['-u', '_apt'], { encoding: 'utf8' }).trim());
    assert.equal(user?.uid, uid);
    const path = join(dir, 'own');
    await makeOwnDir(path, user);
    assert.equal(statSync(path).mode & 0o777, 0o700);
    assert.equal(statSync(path).uid, uid);
    // A second run finds it as it left it.
    await makeOwnDir(path, user);
    assert.equal(statSync(path).uid, uid);
  });

  it('refuses a link or a file in its place instead of following it', async () => {
    const target = join(dir, 'elsewhere');
    mkdirSync(target);
    symlinkSync(target, join(dir, 'linked'));
    await assert.rejects(makeOwnDir(join(dir, 'linked'), undefined), /is not a directory/);
    assert.equal(statSync(target).uid, 0, 'the link\'s target was not touched');
  });

  it('drops nothing when the sandbox user is empty or root, and names a missing user', async () => {
    assert.deepEqual(await sandboxUser(''), {});
    assert.deepEqual(await sandboxUser('root'), {});
    assert.match((await sandboxUser('no-such-user-apt-torrent')).problem ?? '', /no user no-such-user-apt-torrent to drop privileges to/);
  });
});
