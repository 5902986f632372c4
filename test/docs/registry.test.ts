import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { shellNames, shells } from '../../src/cli/completion/scripts.js';
import { runCli } from '../helpers/cli.js';
import { programTree } from './helpers/tree.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const nodes = programTree();
const commandNodes = nodes.filter((node) => node.path.length > 0);

describe('the command tree', () => {
  it('shows every command and option in --help', () => {
    const missing: string[] = [];
    for (const node of nodes) {
      const help = node.command.helpInformation();
      for (const flag of node.longs) if (!help.includes(flag)) missing.push(`${node.path.join(' ') || '(top)'} ${flag}`);
      for (const sub of node.subcommands) if (!new RegExp(`^  ${sub}\\b`, 'm').test(help)) missing.push(`command ${sub}`);
    }
    assert.deepEqual(missing, []);
  });

  it('has a summary for every command and a description for every option (completion menus show them)', () => {
    for (const node of commandNodes) {
      assert.ok(node.command.description().length > 10, node.path.join(' '));
      for (const option of node.command.options) assert.ok(option.description.length > 5, `${node.path.join(' ')} ${option.flags}`);
    }
  });
});

describe('completions/', () => {
  for (const shell of shellNames) {
    const file = shells[shell].file;

    it(`${file} is what \`apt-torrent completion ${shell}\` prints (run \`npm run completions\` after changing commands or options)`, async () => {
      const result = await runCli(['completion', shell]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(readFileSync(`${ROOT}${file}`, 'utf8'), result.stdout);
    });

    it(`${file} names every command and long option`, () => {
      const text = readFileSync(`${ROOT}${file}`, 'utf8');
      // fish spells `--yes` as `-l yes`.
      const spelled = (word: string) => (shell === 'fish' && word.startsWith('--') ? `-l ${word.slice(2)} ` : word);
      const missing = nodes.flatMap((node) => [...node.subcommands, ...node.longs].filter((word) => !text.includes(spelled(word))).map((word) => `${node.path.join(' ') || '(top)'}: ${word}`));
      assert.deepEqual(missing, []);
    });
  }

  it('refuses a shell it has no script for, with the usage status', async () => {
    const result = await runCli(['completion', 'tcsh']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /E_USAGE.*tcsh[\s\S]*bash, zsh, fish/);
  });
});
