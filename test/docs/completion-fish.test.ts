import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { cleanEnv } from '../helpers/env.js';
import { aptForSuite } from './helpers/apt.js';
import { fishComplete } from './helpers/shells.js';
import { programTree } from './helpers/tree.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../../completions/apt-torrent.fish', import.meta.url));
const nodes = programTree();
const sorted = (words: string[]) => [...new Set(words)].sort();

describe('fish completion', () => {
  const apt = aptForSuite();

  it('parses (fish -n)', async () => {
    await run('fish', ['--no-config', '-n', SCRIPT]);
  });

  it('offers every command, and completes a prefix', async () => {
    const top = nodes.find((node) => node.path.length === 0)!;
    assert.deepEqual(sorted(await fishComplete(SCRIPT, 'apt-torrent ')), sorted(top.subcommands));
    assert.deepEqual(await fishComplete(SCRIPT, 'apt-torrent ins'), ['install']);
    assert.deepEqual(await fishComplete(SCRIPT, 'apt-torrent -c apt.json -o Acquire::Retries=3 full'), ['full-upgrade']);
  });

  it('offers exactly the options of each command', async () => {
    for (const node of nodes) {
      const line = ['apt-torrent', ...node.path, '-'].join(' ');
      // Where no option matches, fish falls back to fuzzy matches (`full-upgrade` for `-`).
      const offered = (await fishComplete(SCRIPT, line)).filter((word) => word.startsWith('-'));
      assert.deepEqual(sorted(offered), sorted(node.flags), line);
    }
  });

  it('offers package names from the APT that APT_CONFIG or -o names', async () => {
    assert.deepEqual(sorted(await fishComplete(SCRIPT, 'apt-torrent plan zzcomp-', apt().sandbox.env)), ['zzcomp-alpha', 'zzcomp-beta']);
    const options = apt().aptOptions.map((option) => `-o ${option}`).join(' ');
    const env = cleanEnv({ APT_CONFIG: '/dev/null' });
    assert.deepEqual(sorted(await fishComplete(SCRIPT, `apt-torrent ${options} install zzcomp-`, env)), ['zzcomp-alpha', 'zzcomp-beta']);
  });

  it('offers shells after completion, and nothing after the one it takes', async () => {
    assert.deepEqual(sorted(await fishComplete(SCRIPT, 'apt-torrent completion ')), ['bash', 'fish', 'zsh']);
    assert.deepEqual(await fishComplete(SCRIPT, 'apt-torrent completion fish '), []);
  });
});
