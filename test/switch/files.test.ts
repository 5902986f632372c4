import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AptTorrentError } from '../../src/errors.js';
import { readText, removeFile, replaceFile } from '../../src/switch/files.js';

const dir = mkdtempSync(join(tmpdir(), 'apt-torrent-switch-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('replaceFile', () => {
  it('replaces the bytes and keeps the mode and owner, leaving no temporary file', async () => {
    const path = join(dir, 'keep.list');
    writeFileSync(path, 'old\n');
    chmodSync(path, 0o640);
    // As root (the tests run as root) the owner can be anyone: 65534 is nobody.
    chownSync(path, 65534, 65534);
    const bytes = 'deb torrent+http://a/ s main # \xe9\xff\n';
    await replaceFile(path, bytes);
    const stat = statSync(path);
    assert.equal(stat.mode & 0o7777, 0o640);
    assert.deepEqual([stat.uid, stat.gid], [65534, 65534]);
    assert.deepEqual(readFileSync(path), Buffer.from(bytes, 'latin1'));
    assert.equal(await readText(path), bytes);
    assert.deepEqual(readdirSync(dir).filter((name) => name.includes('apt-torrent')), []);
  });

  it('creates a new file with the mode asked for, whatever the umask', async () => {
    const path = join(dir, 'sub/50apt-torrent-method');
    const old = process.umask(0o077);
    try {
      await replaceFile(path, 'x\n', { mode: 0o644 });
    } finally {
      process.umask(old);
    }
    assert.equal(statSync(path).mode & 0o7777, 0o644);
    await removeFile(path);
    assert.equal(await readText(path), undefined);
  });

  it('fails with E_SOURCES naming the file, and leaves nothing behind', async () => {
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, '');
    const path = join(blocker, 'x.list');
    await assert.rejects(replaceFile(path, 'x'), (error: unknown) => error instanceof AptTorrentError && error.code === 'E_SOURCES' && error.message.includes(path) && error.exitCode === 11);
    await assert.rejects(readText(join(dir)), (error: unknown) => error instanceof AptTorrentError && error.code === 'E_SOURCES' && /is a directory/.test(error.hint ?? ''));
  });
});
