import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isTemporaryName, removeStaleTemporaries, temporaryPathFor, writeFileAtomic, writeNewFile } from '../../src/util/atomic-write.js';

const dir = mkdtempSync(join(tmpdir(), 'apt-torrent-unit-atomic-'));
let umask: number;
before(() => {
  umask = process.umask(0o022);
});
after(() => {
  process.umask(umask);
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory per test, so that "no temporary file left" can be checked by listing it. */
let count = 0;
function fresh(): string {
  const path = join(dir, `case-${count++}`);
  mkdirSync(path);
  return path;
}

describe('writeFileAtomic', () => {
  it('replaces the target, with the mode asked (0644 unless told), and leaves nothing beside it', async () => {
    const where = fresh();
    const target = join(where, 'x.torrent');
    writeFileSync(target, 'old');
    await writeFileAtomic(target, 'new bytes');
    assert.equal(readFileSync(target, 'utf8'), 'new bytes');
    assert.equal(statSync(target).mode & 0o777, 0o644);
    await writeFileAtomic(target, Buffer.from('private'), { mode: 0o600 });
    assert.equal(readFileSync(target, 'utf8'), 'private');
    assert.equal(statSync(target).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(where), ['x.torrent']);
  });

  it('creates missing directories on the way', async () => {
    const target = join(fresh(), 'a/b/c.json');
    await writeFileAtomic(target, '{}');
    assert.equal(readFileSync(target, 'utf8'), '{}');
  });

  it('lets a reader see the old bytes or the new ones, never a mix or a short file', async () => {
    const target = join(fresh(), 'manifest.json');
    const versions = ['a', 'b', 'c'].map((letter) => Buffer.alloc(2 * 1024 * 1024, letter));
    writeFileSync(target, versions[0]!);
    let writing = true;
    const reads: Buffer[] = [];
    const reader = (async () => {
      while (writing) reads.push(await readFile(target));
    })();
    for (let round = 0; round < 15; round += 1) await writeFileAtomic(target, versions[round % versions.length]!);
    writing = false;
    await reader;
    assert.ok(reads.length > 0);
    for (const read of reads) assert.ok(versions.some((version) => version.equals(read)), `a read of ${read.length} bytes matches no version`);
  });

  it('two writers of one path both succeed, and the file is one of them whole', async () => {
    const where = fresh();
    const target = join(where, 'pending-seeds.json');
    const contents = Array.from({ length: 8 }, (_, index) => Buffer.alloc(512 * 1024 + index, String(index)));
    await Promise.all(contents.map((content) => writeFileAtomic(target, content)));
    const final = readFileSync(target);
    assert.ok(contents.some((content) => content.equals(final)));
    assert.deepEqual(readdirSync(where), ['pending-seeds.json']);
  });

  it('a failed rename leaves the old target and no temporary file', async () => {
    const where = fresh();
    // A directory cannot be replaced by a file: the rename fails after the bytes were written.
    const target = join(where, 'busy');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'kept');
    await assert.rejects(writeFileAtomic(target, 'new'), { code: 'EISDIR' });
    assert.equal(readFileSync(join(target, 'inside'), 'utf8'), 'kept');
    assert.deepEqual(readdirSync(where), ['busy']);
  });

  it('a write that fills the disk leaves the old file and no temporary file', { skip: process.getuid?.() !== 0 && 'mounting a tmpfs needs root' }, async () => {
    const small = fresh();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small]);
    try {
      const target = join(small, 'state.json');
      writeFileSync(target, 'old state');
      await assert.rejects(writeFileAtomic(target, Buffer.alloc(1024 * 1024, 1)), { code: 'ENOSPC' });
      assert.equal(readFileSync(target, 'utf8'), 'old state');
      assert.deepEqual(readdirSync(small), ['state.json']);
    } finally {
      execFileSync('umount', [small]);
    }
  });
});

describe('writeNewFile', () => {
  it('refuses a symbolic link planted at the temporary name, and writes nothing through it', async () => {
    const where = fresh();
    const victim = join(where, 'victim');
    writeFileSync(victim, 'untouched');
    const temporary = temporaryPathFor(join(where, 'x.json'));
    symlinkSync(victim, temporary);
    await assert.rejects(writeNewFile(temporary, 'evil'), { code: 'EEXIST' });
    assert.equal(readFileSync(victim, 'utf8'), 'untouched');
    // A dangling link, too, must not create its target.
    const dangling = temporaryPathFor(join(where, 'y.json'));
    symlinkSync(join(where, 'created-through-link'), dangling);
    await assert.rejects(writeNewFile(dangling, 'evil'), { code: 'EEXIST' });
    assert.ok(!readdirSync(where).includes('created-through-link'));
  });
});

describe('temporary files', () => {
  it('are named beside the target, uniquely, and recognised', () => {
    const first = temporaryPathFor('/srv/a.torrent');
    assert.notEqual(first, temporaryPathFor('/srv/a.torrent'));
    assert.ok(first.startsWith('/srv/.a.torrent.tmp-'), 'beside the target, hidden from readers of the directory');
    assert.ok(isTemporaryName(first));
    assert.ok(!isTemporaryName('a.torrent'));
  });

  it('left by killed writers are removed, and nothing else is', async () => {
    const where = fresh();
    const target = join(where, 'seeding.json');
    writeFileSync(target, '{}');
    writeFileSync(join(where, '.seeding.json.tmp-1-dead'), '{"half');
    writeFileSync(join(where, 'seeding.json.tmp-2-dead'), '{"an earlier version\'s');
    writeFileSync(join(where, '.other.json.tmp-1-dead'), 'not ours');
    await removeStaleTemporaries(target);
    assert.deepEqual(readdirSync(where).sort(), ['.other.json.tmp-1-dead', 'seeding.json']);
  });
});
