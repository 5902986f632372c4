/**
 * webtorrent's objects (wires, its tracker client, bitfields) change between
 * releases; only src/torrent/ may touch them, and the rest of the code goes
 * through its TorrentClient and TorrentHandle.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// Compiled to dist/test/torrent/: the sources are three folders up.
const SRC = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../..'), 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

describe('the webtorrent adapter', () => {
  it('is the only code that imports webtorrent', () => {
    const files = sourceFiles(SRC);
    assert.ok(files.some((file) => relative(SRC, file).startsWith('torrent/')), 'src/torrent/ is where the adapter lives');
    const outside = files
      .filter((file) => !relative(SRC, file).startsWith('torrent/'))
      .filter((file) => /(?:\bfrom\s*|\bimport\s*\(\s*)'webtorrent'/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file));
    assert.deepEqual(outside, []);
  });
});
