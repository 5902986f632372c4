import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { manifestHope, type HopeSettings } from '../../src/switch/manifest-hope.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

/** A suite's Release as APT keeps it in its lists, listing the manifest or not. */
const release = (listsManifest: boolean) => [
  'Suite: stable',
  'SHA256:',
  ` ${'a'.repeat(64)} 1234 main/binary-amd64/Packages`,
  ...(listsManifest ? [` ${'b'.repeat(64)} 567 apt-torrent/manifest.json`] : []),
  '',
].join('\n');

describe('manifestHope: which sources the method may find a manifest for, read from APT\'s lists', () => {
  let lists: string;
  const list = 'deb http://with:8080/debian stable main\ndeb http://without/debian stable main\ndeb http://never-updated/debian stable main\n' +
    'deb https://secure/debian stable main\ndeb cdrom:[x]/ stable main\n';
  const snapshots = () => [{ path: '/etc/apt/sources.list', format: 'one-line' as const, text: list }];
  let dumps = 0;
  const settings = (more: Partial<HopeSettings> = {}): HopeSettings => ({
    torrentEnabled: true,
    trackers: [],
    untrusted: 'own-trackers',
    lists,
    aptConfig: async () => {
      dumps += 1;
      return new Map();
    },
    ...more,
  });

  before(() => {
    lists = `${tempDir('hope-lists')}/`;
    writeFileSync(join(lists, 'with:8080_debian_dists_stable_InRelease'), release(true));
    writeFileSync(join(lists, 'without_debian_dists_stable_Release'), release(false));
    writeFileSync(join(lists, 'secure_debian_dists_stable_InRelease'), release(false));
  });

  after(() => removeTempDir(lists));

  it('a Release that lists the manifest, an https server with APT\'s checks on, and a Release that cannot be read: may; an unlisted manifest on http: not', async () => {
    dumps = 0;
    const hope = await manifestHope(snapshots(), settings());
    assert.equal(hope('http://with:8080/debian', 'stable'), true);
    assert.equal(hope('http://without/debian', 'stable'), false);
    assert.equal(hope('http://never-updated/debian', 'stable'), true, 'the method decides when it reads the Release itself');
    assert.equal(hope('https://secure/debian', 'stable'), true);
    assert.equal(dumps, 1, 'APT\'s configuration asked once, for the https source');
  });

  it('https with APT\'s peer check off vouches for nothing', async () => {
    const hope = await manifestHope(snapshots(), settings({ aptConfig: async () => new Map([['acquire::https::verify-peer', ['false']]]) }));
    assert.equal(hope('https://secure/debian', 'stable'), false);
  });

  it('a keyring, trackers of its own, or a manifest for every source: every source may; --no-torrent: none', async () => {
    for (const more of [{ keyring: '/k.gpg' }, { trackers: ['udp://127.0.0.1:6969'] }, { manifestUrl: 'file:///m.json' }]) {
      const hope = await manifestHope(snapshots(), settings(more));
      assert.equal(hope('http://without/debian', 'stable'), true, JSON.stringify(more));
    }
    dumps = 0;
    const off = await manifestHope(snapshots(), settings({ torrentEnabled: false }));
    for (const uri of ['http://with:8080/debian', 'http://without/debian', 'https://secure/debian']) assert.equal(off(uri, 'stable'), false, uri);
    assert.equal(dumps, 0, 'nothing asked of APT');
  });
});
