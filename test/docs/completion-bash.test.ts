import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { cleanEnv } from '../helpers/env.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { aptForSuite, PACKAGES } from './helpers/apt.js';
import { bashComplete, BASH_COMPLETION, compWords, hasBashCompletion } from './helpers/shells.js';
import { programTree } from './helpers/tree.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../../completions/apt-torrent.bash', import.meta.url));
const nodes = programTree();
const sorted = (words: string[]) => [...words].sort();

it('compWords splits as bash does (checked against bash 5.2 in a terminal)', () => {
  assert.deepEqual(compWords('xx -o Acquire::Retries=3 --out=/tm'), ['xx', '-o', 'Acquire', '::', 'Retries', '=', '3', '--out', '=', '/tm']);
  assert.deepEqual(compWords("xx 'a b' c"), ['xx', "'a b'", 'c']);
  assert.deepEqual(compWords('xx --x= y'), ['xx', '--x', '=', 'y']);
  assert.deepEqual(compWords('xx '), ['xx', '']);
});

// Debian users mostly have bash-completion; the script must also stand alone.
for (const withPackage of [false, true]) {
  describe(`bash completion ${withPackage ? 'with' : 'without'} bash-completion`, { skip: withPackage && !hasBashCompletion && `${BASH_COMPLETION} not installed` }, () => {
    const complete = (line: string, env?: NodeJS.ProcessEnv) => bashComplete(SCRIPT, line, { env, bashCompletion: withPackage });
    const apt = aptForSuite();

    it('offers every command, and completes a prefix', async () => {
      const top = nodes.find((node) => node.path.length === 0)!;
      assert.deepEqual(sorted(await complete('apt-torrent ')), sorted(top.subcommands));
      assert.deepEqual(await complete('apt-torrent ins'), ['install']);
      assert.deepEqual(await complete('apt-torrent -c apt.json -o Acquire::Retries=3 full'), ['full-upgrade']);
    });

    it('offers exactly the options of each command, and the global ones before it', async () => {
      for (const node of nodes) {
        const line = ['apt-torrent', ...node.path, '-'].join(' ');
        assert.deepEqual(sorted(await complete(line)), sorted(node.flags), line);
      }
    });

    it('offers package names from the APT that APT_CONFIG names', async () => {
      for (const command of ['install', 'download', 'plan']) {
        assert.deepEqual(sorted(await complete(`apt-torrent ${command} zzcomp-`, apt().sandbox.env)), ['zzcomp-alpha', 'zzcomp-beta'], command);
      }
      assert.deepEqual(await complete('apt-torrent install -y --parallel 3 zzcomp-alpha zzo', apt().sandbox.env), ['zzother']);
      assert.deepEqual(sorted(await complete('apt-torrent install -- zz', apt().sandbox.env)), sorted(PACKAGES));
    });

    it('passes the -o options typed before the command on to apt-cache', async () => {
      const env = cleanEnv({ APT_CONFIG: '/dev/null' });
      const options = apt().aptOptions.map((option) => `-o ${option}`).join(' ');
      assert.deepEqual(sorted(await complete(`apt-torrent ${options} install zzcomp-`, env)), ['zzcomp-alpha', 'zzcomp-beta']);
      const long = apt().aptOptions.map((option) => `--option=${option}`).join(' ');
      assert.deepEqual(sorted(await complete(`apt-torrent ${long} install zzcomp-`, env)), ['zzcomp-alpha', 'zzcomp-beta']);
    });

    it('offers options only after upgrade, and shells after completion', async () => {
      const upgrade = nodes.find((node) => node.path.join(' ') === 'upgrade')!;
      assert.deepEqual(sorted(await complete('apt-torrent upgrade ', apt().sandbox.env)), sorted(upgrade.flags));
      assert.deepEqual(await complete('apt-torrent completion '), ['bash', 'zsh', 'fish']);
      assert.deepEqual(await complete('apt-torrent completion z'), ['zsh']);
      assert.deepEqual(await complete('apt-torrent completion bash '), []);
      assert.ok((await complete('apt-torrent help ')).includes('install'));
    });

    it('offers files and directories where an option takes them, in both spellings', async () => {
      const dir = tempDir('complete');
      mkdirSync(join(dir, 'archive'));
      copyFileSync(SCRIPT, join(dir, 'archive.json'));
      try {
        assert.deepEqual(sorted(await complete(`apt-torrent -c ${dir}/arch`)), [`${dir}/archive`, `${dir}/archive.json`]);
        assert.deepEqual(await complete(`apt-torrent --config=${dir}/archive.`), [`${dir}/archive.json`]);
        assert.deepEqual(await complete(`apt-torrent publish --archive-root ${dir}/arch`), [`${dir}/archive`]);
        assert.deepEqual(await complete(`apt-torrent publish --out=${dir}/arch`), [`${dir}/archive`]);
        // A value that is neither (a URL, a suite) gets nothing rather than file names.
        assert.deepEqual(await complete(`apt-torrent publish --suite ${dir}/arch`), []);
      } finally {
        removeTempDir(dir);
      }
    });
  });
}

it('is found by bash-completion under the command name, as Debian installs it', { skip: !hasBashCompletion && `${BASH_COMPLETION} not installed` }, async () => {
  const dir = tempDir('bashcomp');
  try {
    mkdirSync(join(dir, 'completions'));
    copyFileSync(SCRIPT, join(dir, 'completions', 'apt-torrent'));
    const { stdout } = await run('bash', ['--norc', '-c', `source ${BASH_COMPLETION}; _completion_loader apt-torrent; complete -p apt-torrent`], {
      env: cleanEnv({ BASH_COMPLETION_USER_DIR: dir }),
    });
    assert.equal(stdout.trim(), 'complete -F _apt_torrent apt-torrent');
  } finally {
    removeTempDir(dir);
  }
});
