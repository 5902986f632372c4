/**
 * Review: the bridge runs as APT's sandbox user, which owns APT's partial/
 * directory and so chooses what is at the paths the bridge opens. A FIFO
 * there must be refused at once, not block the open: a blocked open holds
 * one of libuv's four pool threads for good, and with four such files the
 * bridge can neither read, close nor exit (process.exit waits for them).
 * Run in a child process with a deadline, so a hang fails this test rather
 * than holding the test runner.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { removeTempDir, tempDir } from '../helpers/temp.js';

const STORE = pathToFileURL(join(import.meta.dirname, '../../src/torrent/read-only-store.js')).href;

describe('openReadOnly and a FIFO the sandbox user put in place', () => {
  const dir = tempDir('read-only-fifo');
  const fifo = join(dir, 'pkg_1.0_all.deb');
  execFileSync('mkfifo', [fifo]);
  after(() => removeTempDir(dir));

  it('refuses it at once, and the process can still exit', () => {
    const script = `
      const { openReadOnly } = await import(${JSON.stringify(STORE)});
      const results = await Promise.allSettled([0, 1, 2, 3, 4].map(() => openReadOnly(${JSON.stringify(fifo)}, 1)));
      console.log(results.map((result) => result.status).join(','));
      process.exit(0);
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 5000, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    assert.equal(run.signal, null, 'the child had to be killed: opening the FIFO blocked (and kept it from exiting)');
    assert.equal(run.stdout.trim(), 'rejected,rejected,rejected,rejected,rejected');
  });
});
