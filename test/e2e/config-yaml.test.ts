import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cleanEnv } from '../helpers/env.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

// The YAML parser is a CommonJS package loaded on demand: the built (bundled) command must see its named exports as Node does.
describe('the built command reads a YAML configuration file', () => {
  it('parses the user\'s config.yaml and names the key it does not know', async () => {
    const dir = tempDir('config-yaml');
    mkdirSync(join(dir, 'apt-torrent'));
    const file = join(dir, 'apt-torrent/config.yaml');
    writeFileSync(file, 'http:\n  retries: 3\ntorrent:\n  bogusKey: 1\n');
    const result = await runCli(['status'], cleanEnv({ XDG_CONFIG_HOME: dir }));
    assert.match(result.stderr, /error \[E_CONFIG\]/, result.stderr);
    assert.ok(result.stderr.includes(`${file}: torrent.bogusKey: unknown key`), result.stderr);
    assert.doesNotMatch(result.stderr, /internal error/);
    assert.notEqual(result.code, 0);
  });
});
