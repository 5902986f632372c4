import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, mkdtempSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifiedFile, type VerifiedFile } from '../../src/fetch/verified-file.js';
import { hashFileAt, verifiedAt } from '../../src/method/file-hashes.js';

describe('the check of a file at its Filename', () => {
  const dir = mkdtempSync(join(tmpdir(), 'apt-torrent-file-hashes-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const body = Buffer.alloc(256 * 1024, 7);
  const sha256 = createHash('sha256').update(body).digest('hex');

  /** A file as the download leaves it: written, hashed by its descriptor, moved to its place. */
  async function verifiedAtPlace(name: string): Promise<{ path: string; verified: VerifiedFile }> {
    const from = join(dir, `${name}.download`);
    const path = join(dir, name);
    writeFileSync(from, body);
    const handle = await open(from, 'r');
    try {
      renameSync(from, path);
      return { path, verified: await verifiedFile(handle, sha256) };
    } finally {
      await handle.close();
    }
  }

  it('takes the download\'s SHA256 for the very inode it hashed, without reading it again', async () => {
    const { path, verified } = await verifiedAtPlace('same.deb');
    const check = await verifiedAt(path, verified);
    assert.deepEqual(check, { size: body.length, hashes: new Map([['sha256', sha256]]) });
    assert.deepEqual(check, await hashFileAt(path, []));
  });

  it('hashes again a file put in its place, even of the same size and times', async () => {
    const { path, verified } = await verifiedAtPlace('swapped.deb');
    const other = join(dir, 'other');
    writeFileSync(other, Buffer.alloc(body.length, 9));
    renameSync(other, path);
    assert.equal(await verifiedAt(path, verified), undefined);
    const again = await hashFileAt(path, []);
    assert.notEqual(again.hashes.get('sha256'), sha256, 'the fresh hash sees the other bytes');
  });

  it('hashes again the same inode once it was written to, even with its times put back', async () => {
    const { path, verified } = await verifiedAtPlace('written.deb');
    // Past the kernel's timestamp tick (coarse on some kernels: 4-10 ms), so the write's ctime is a later one.
    await sleep(25);
    const handle = await open(path, 'r+');
    await handle.write(Buffer.from([1]), 0, 1, 0);
    await handle.close();
    utimesSync(path, new Date(0), new Date(0));
    assert.equal(await verifiedAt(path, verified), undefined);
  });

  it('hashes again a file that grew, and never follows a link in its place', async () => {
    const grown = await verifiedAtPlace('grown.deb');
    appendFileSync(grown.path, 'x');
    assert.equal(await verifiedAt(grown.path, grown.verified), undefined);
    const linked = await verifiedAtPlace('linked.deb');
    const target = join(dir, 'target.deb');
    renameSync(linked.path, target);
    symlinkSync(target, linked.path);
    assert.equal(await verifiedAt(linked.path, linked.verified), undefined);
    assert.equal(await verifiedAt(join(dir, 'missing.deb'), linked.verified), undefined);
  });
  it('hashes no FIFO (without waiting on it) and no file of another user in its place', async () => {
    const fifo = join(dir, 'fifo.deb');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(hashFileAt(fifo, []), /not a regular file/);
    const theirs = join(dir, 'theirs.deb');
    writeFileSync(theirs, body);
    chownSync(theirs, Number(execFileSync('id', ['-u', '_apt'], { encoding: 'utf8' })), 0);
    await assert.rejects(hashFileAt(theirs, []), /not this method's file/);
  });
});
