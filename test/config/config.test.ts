import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { defaults, schema } from '../../src/config/schema.js';
import { flatten, validateLayer } from '../../src/config/validate.js';
import { tempDir } from '../helpers/temp.js';

describe('config schema', () => {
  it('gives every key a default, a description and a parser that accepts the default', () => {
    for (const [key, definition] of Object.entries(schema)) {
      assert.ok(definition.description.length > 20, key);
      assert.deepEqual(definition.parse(definition.default), definition.default, key);
    }
  });

  it('flattens nested sections to dotted keys', () => {
    assert.deepEqual([...flatten({ http: { parallel: 4 }, stateDir: '/x' })], [['http.parallel', 4], ['stateDir', '/x']]);
  });

  it('reports every problem at once, naming the file and the key', () => {
    const { problems, values } = validateLayer({ http: { parallel: 0, retries: 'many', timeout: 10, bogus: 1 }, stateDir: 'relative' }, '/etc/x.json');
    assert.deepEqual(problems.map((problem) => problem.key).sort(), ['http.bogus', 'http.parallel', 'http.retries', 'stateDir']);
    assert.ok(problems.every((problem) => problem.source === '/etc/x.json'));
    assert.deepEqual(values, { 'http.timeout': 10 });
  });

  it('accepts sizes with units', () => {
    assert.equal(validateLayer({ http: { lowSpeedLimit: '10KiB' } }, 'f').values['http.lowSpeedLimit'], 10240);
  });
});

describe('loadConfig', () => {
  const layers = () => {
    const dir = tempDir('config');
    mkdirSync(join(dir, 'etc'));
    mkdirSync(join(dir, 'xdg/apt-torrent'), { recursive: true });
    return { dir, env: { APT_TORRENT_SYSCONFDIR: join(dir, 'etc'), XDG_CONFIG_HOME: join(dir, 'xdg') } };
  };

  it('merges /etc, then XDG (YAML), then --config, then flags', async () => {
    const { dir, env } = layers();
    writeFileSync(join(dir, 'etc/config.json'), JSON.stringify({ http: { parallel: 2, retries: 1, timeout: 9 } }));
    writeFileSync(join(dir, 'xdg/apt-torrent/config.yaml'), 'http:\n  retries: 3\n  timeout: 8\n');
    writeFileSync(join(dir, 'extra.json'), JSON.stringify({ http: { timeout: 7 } }));
    const config = await loadConfig({ env, file: join(dir, 'extra.json'), flags: { 'http.parallel': '12' } });
    assert.equal(config['http.parallel'], 12);
    assert.equal(config['http.retries'], 3);
    assert.equal(config['http.timeout'], 7);
    assert.equal(config.stateDir, defaults().stateDir);
  });

  it('fails with all problems of all files, and on a missing --config file', async () => {
    const { dir, env } = layers();
    writeFileSync(join(dir, 'etc/config.json'), '{ "http": { "parallel": "lots" } }');
    writeFileSync(join(dir, 'xdg/apt-torrent/config.json'), '{ not json');
    await assert.rejects(loadConfig({ env }), (error: Error & { code: string }) => {
      assert.equal(error.code, 'E_CONFIG');
      assert.match(error.message, /etc\/config\.json: http\.parallel: expected a whole number from 1 to 64, got "lots"/);
      assert.match(error.message, /xdg\/apt-torrent\/config\.json: \(file\): cannot be read/);
      return true;
    });
    await assert.rejects(loadConfig({ env, file: join(dir, 'none.json') }), /does not exist/);
  });
});
