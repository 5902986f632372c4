import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { cleanEnv } from '../helpers/env.js';

const run = promisify(execFile);
const MAN = fileURLToPath(new URL('../../../man/', import.meta.url));
const pages = readdirSync(MAN).filter((name) => /\.[1-8]$/.test(name));

describe('man pages render', () => {
  it('are all here', () => {
    assert.deepEqual(pages.sort(), ['apt-torrent-manifest.5', 'apt-torrent.1', 'apt-torrent.conf.5']);
  });

  for (const name of pages) {
    it(`${name}: groff -man -ww prints no warning`, async () => {
      const { stdout, stderr } = await run('groff', ['-man', '-Tutf8', '-ww', '-z', `${MAN}${name}`]);
      assert.equal(stderr, '');
      assert.equal(stdout, '');
    });

    it(`${name}: man -l shows it`, async () => {
      const { stdout } = await run('man', ['-l', `${MAN}${name}`], { env: cleanEnv({ MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '80', MAN_KEEP_FORMATTING: '' }) });
      const title = name.replace(/\.([1-8])$/, '($1)').toUpperCase();
      assert.ok(stdout.startsWith(title), stdout.slice(0, 80));
      assert.match(stdout, /^NAME\n/m);
      assert.match(stdout, /^SEE ALSO\n/m);
    });
  }
});
