import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { cleanEnv } from '../helpers/env.js';
import { aptForSuite } from './helpers/apt.js';
import { zshComplete } from './helpers/shells.js';
import { programTree } from './helpers/tree.js';

const run = promisify(execFile);
const FUNCTION = fileURLToPath(new URL('../../../completions/_apt-torrent', import.meta.url));
const nodes = programTree();
const sorted = (words: string[]) => [...new Set(words)].sort();

describe('zsh completion', () => {
  const apt = aptForSuite();

  it('parses (zsh -n) and starts with #compdef', async () => {
    await run('zsh', ['-n', FUNCTION]);
    assert.match(readFileSync(FUNCTION, 'utf8'), /^#compdef apt-torrent\n/);
  });

  it('offers every command, and completes a prefix', async () => {
    const top = nodes.find((node) => node.path.length === 0)!;
    assert.deepEqual(sorted(await zshComplete(FUNCTION, 'apt-torrent ')), sorted(top.subcommands));
    assert.deepEqual(await zshComplete(FUNCTION, 'apt-torrent ins'), ['install']);
  });

  it('offers the options of each command', async () => {
    for (const node of nodes.filter((candidate) => candidate.flags.length > 0)) {
      const line = ['apt-torrent', ...node.path, '-'].join(' ');
      const offered = await zshComplete(FUNCTION, line);
      assert.deepEqual(node.longs.filter((flag) => !offered.includes(flag)), [], line);
    }
  });

  it('offers package names from the APT that APT_CONFIG names, and shells after completion', async () => {
    assert.deepEqual(sorted(await zshComplete(FUNCTION, 'apt-torrent install zzcomp-', apt().sandbox.env)), ['zzcomp-alpha', 'zzcomp-beta']);
    const options = apt().aptOptions.map((option) => `-o ${option}`).join(' ');
    const env = cleanEnv({ APT_CONFIG: '/dev/null' });
    assert.deepEqual(sorted(await zshComplete(FUNCTION, `apt-torrent ${options} download zzcomp-`, env)), ['zzcomp-alpha', 'zzcomp-beta']);
    assert.deepEqual(sorted(await zshComplete(FUNCTION, 'apt-torrent completion ')), ['bash', 'fish', 'zsh']);
  });
});
