import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { CommandModel, OptionModel } from '../../src/cli/completion/model.js';
import { shellNames, shells } from '../../src/cli/completion/scripts.js';
import { cleanEnv } from '../helpers/env.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { bashComplete, fishComplete, zshComplete } from './helpers/shells.js';

const run = promisify(execFile);

/**
 * What the registry may grow into: nested commands (`seeding pause`),
 * operands that are the packages being seeded, aliases, word lists, and
 * descriptions with every character that needs quoting somewhere.
 */
const NASTY = `it's "quoted" [a]: back\\slash $HOME \`date\` {x,y} (z) 100%`;
const option = (flags: Partial<OptionModel> & { long: string }): OptionModel => ({ description: NASTY, valueOptional: false, repeatable: false, exclusive: false, ...flags });
const leaf = (name: string, extra: Partial<CommandModel> = {}): CommandModel => ({ name, aliases: [], summary: NASTY, options: [option({ short: '-h', long: '--help', exclusive: true })], operands: [], subcommands: [], ...extra });
const model: CommandModel = leaf('apt-torrent', {
  options: [
    option({ short: '-c', long: '--config', value: 'file', complete: 'file' }),
    option({ short: '-o', long: '--option', value: 'key=value', repeatable: true }),
  ],
  subcommands: [
    leaf('seeding', {
      subcommands: [
        leaf('list', { options: [option({ long: '--json' }), option({ long: '--names' })] }),
        leaf('pause', { operands: [{ name: 'packages', variadic: true }], completeOperands: 'seeded' }),
      ],
    }),
    leaf('clean', { aliases: ['cl'], options: [option({ long: '--dry-run' }), option({ long: '--mode', value: 'mode', complete: ['fast', 'slow'] })] }),
  ],
});

describe('completion generators on a richer tree', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const file = (shell: string) => join(dir, shell === 'zsh' ? '_apt-torrent' : `apt-torrent.${shell}`);

  before(() => {
    dir = tempDir('generators');
    for (const shell of shellNames) writeFileSync(file(shell), shells[shell].script(model));
    // A stand-in apt-torrent: the seeding daemon's answer, and a record of how it was asked.
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'apt-torrent'), `#!/bin/sh\necho "$*" >> ${dir}/calls\n[ -e ${dir}/hang ] && exec sleep 5\nprintf 'alpha\\nbeta\\n'\n`);
    chmodSync(join(dir, 'bin', 'apt-torrent'), 0o755);
    env = cleanEnv({ PATH: `${dir}/bin:${process.env.PATH}` });
  });
  after(() => removeTempDir(dir));

  for (const shell of shellNames) {
    it(`${shell}: the script parses despite the descriptions`, async () => {
      await run(shell, shell === 'fish' ? ['--no-config', '-n', file(shell)] : ['-n', file(shell)]);
    });
  }

  const complete = (shell: string, line: string) =>
    shell === 'bash' ? bashComplete(file(shell), line, { env }) : shell === 'zsh' ? zshComplete(file(shell), line, env) : fishComplete(file(shell), line, env);

  for (const shell of shellNames) {
    it(`${shell}: nested commands, aliases and word lists`, async () => {
      assert.deepEqual((await complete(shell, 'apt-torrent seeding ')).sort(), ['list', 'pause']);
      assert.deepEqual((await complete(shell, 'apt-torrent seeding list --')).filter((word) => word !== '--help').sort(), ['--json', '--names']);
      assert.deepEqual((await complete(shell, 'apt-torrent cl --mode ')).sort(), ['fast', 'slow']);
    });

    it(`${shell}: the packages being seeded, asked of apt-torrent itself with the options before the command`, async () => {
      rmSync(join(dir, 'calls'), { force: true });
      assert.deepEqual((await complete(shell, 'apt-torrent -c my.json seeding pause a')), ['alpha']);
      assert.match(readFileSync(join(dir, 'calls'), 'utf8'), /^-c my\.json seeding list --names$/m);
    });

    it(`${shell}: nothing, quickly and silently, when the daemon does not answer`, async () => {
      writeFileSync(join(dir, 'hang'), '');
      try {
        const started = Date.now();
        assert.deepEqual(await complete(shell, 'apt-torrent seeding pause a'), []);
        assert.ok(Date.now() - started < 4000, `${Date.now() - started} ms`);
      } finally {
        rmSync(join(dir, 'hang'));
      }
    });
  }
});
