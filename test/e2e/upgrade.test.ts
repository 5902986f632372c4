import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { aptUpdate, installed, type Sandbox } from '../helpers/sandbox.js';
import { ServedArchive } from '../helpers/served-archive.js';

describe('upgrade and full-upgrade', () => {
  let site: ServedArchive;
  let box: Sandbox;

  before(async () => {
    site = await ServedArchive.start([
      { name: 'app', version: '1.0', payload: 100_000 },
      { name: 'tool', version: '1.0', payload: 50_000 },
    ]);
    box = await site.sandbox();
    const first = await runCli(['install', '-y', 'app', 'tool'], box.env);
    assert.equal(first.code, 0, first.stderr);
    // The mirror gets new versions: app needs a new dependency (only full-upgrade may add it).
    for (const pkg of [
      { name: 'app', version: '2.0', payload: 120_000, depends: 'newlib' },
      { name: 'tool', version: '1.1', payload: 60_000 },
      { name: 'newlib', version: '1.0', payload: 30_000 },
    ]) site.archive.add(pkg);
    site.archive.index();
    await aptUpdate(box);
  });

  after(() => site?.stop());

  it('upgrade is one apt-get upgrade run (held back stays back)', async () => {
    const result = await runCli(['upgrade', '-y'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Get:\d+ \S+ stable\/main [a-z0-9]+ tool all 1\.1/, 'one apt-get upgrade run');
    assert.doesNotMatch(result.stdout, / app all 2\.0/);
    // The mirror publishes no manifest: a plain apt-get run, whose own "Fetched" line is the only one.
    assert.doesNotMatch(result.stderr, /from peers/);
    const now = installed(box);
    assert.equal(now.get('tool'), '1.1');
    assert.equal(now.get('app'), '1.0', 'apt-get upgrade does not install new dependencies');
  });

  it('full-upgrade takes the new dependency too', async () => {
    const result = await runCli(['full-upgrade', '-y'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Get:\d+ \S+ stable\/main [a-z0-9]+ app all 2\.0/);
    assert.match(result.stdout, /Get:\d+ \S+ stable\/main [a-z0-9]+ newlib all 1\.0/);
    assert.match(result.stdout, /Fetched [\d.,]+ [kMG]?B in /, 'APT\'s own closing line');
    const now = installed(box);
    assert.equal(now.get('app'), '2.0');
    assert.equal(now.get('newlib'), '1.0');
  });
});
