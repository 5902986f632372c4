/**
 * The root agent takes its lines from the method, which runs as APT's
 * sandbox user and has parsed strangers' data: it records only files it
 * finds itself, plain and with the announced SHA256, in APT's cache.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { handOverFromMethod } from '../../src/method/seed-handoff.js';
import { sha256 } from '../helpers/hash.js';
import { tempDir } from '../helpers/temp.js';

const line = (cacheName: string, body: Buffer, extra: Record<string, unknown> = {}) => JSON.stringify({
  infoHash: 'a'.repeat(40),
  file: {
    uri: `http://127.0.0.1:1/pool/${cacheName}`, cacheName, size: body.length, sha256: sha256(body), package: cacheName.split('_')[0], version: '1.0', architecture: 'all',
    route: 'torrent', repoUri: 'http://127.0.0.1:1/', release: 'stable', torrent: { torrentUrl: 'http://127.0.0.1:1/x.torrent', infoHash: 'a'.repeat(40), pieceLength: 1 << 20, trackers: [] },
    ...extra,
  },
});

describe('the method\'s seed agent', () => {
  it('records the file it verified itself and nothing that leads elsewhere, is a link, or has other bytes', async () => {
    const dir = tempDir('seed-agent');
    const archives = join(dir, 'archives');
    const stateDir = join(dir, 'state');
    mkdirSync(archives);
    const good = Buffer.from('the verified package');
    writeFileSync(join(archives, 'good_1.0_all.deb'), good);
    writeFileSync(join(archives, 'other_1.0_all.deb'), Buffer.from('other bytes, same size!'));
    writeFileSync(join(dir, 'secret'), good);
    symlinkSync(join(dir, 'secret'), join(archives, 'link_1.0_all.deb'));
    const text = [
      line('good_1.0_all.deb', good),
      line('other_1.0_all.deb', Buffer.from('announced bytes, same sz')),
      line('link_1.0_all.deb', good),
      line('../secret', good),
      line('good_1.0_all.deb', good, { size: -1 }),
      'not json',
      '{"file":{"__proto__":{"size":1}}}',
    ].join('\n');
    const recorded = await handOverFromMethod(text, { stateDir, socket: join(dir, 'no.sock'), archives });
    assert.equal(recorded, 1);
    const pending = JSON.parse(readFileSync(join(stateDir, 'pending-seeds.json'), 'utf8')) as Array<{ path: string; package: string }>;
    assert.deepEqual(pending.map((entry) => [entry.package, entry.path]), [['good', join(archives, 'good_1.0_all.deb')]]);
  });
});
