import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestArchive } from '../helpers/archive.js';
import { runCli } from '../helpers/cli.js';
import { ForwardProxy } from '../helpers/forward-proxy.js';
import type { TestMirror } from '../helpers/mirror.js';
import { cached, installed, type Sandbox } from '../helpers/sandbox.js';
import { ServedArchive } from '../helpers/served-archive.js';

describe('APT\'s own settings reach every download', () => {
  let site: ServedArchive;
  let repo: TestArchive;
  let mirror: TestMirror;
  let proxy: ForwardProxy;

  before(async () => {
    site = await ServedArchive.start([{ name: 'omega', version: '1.0', payload: 50_000 }, { name: 'sigma', version: '3.0', payload: 70_000, depends: 'omega' }]);
    ({ archive: repo, mirror } = site);
    proxy = new ForwardProxy();
    await proxy.start();
  });

  after(async () => {
    await site?.stop();
    await proxy?.stop();
  });

  const fresh = (setup?: (box: Sandbox) => void) => site.sandbox(setup);

  it('goes through Acquire::http::Proxy given with -o, as absolute-URI requests', async () => {
    const box = await fresh();
    const result = await runCli(['-o', `Acquire::http::Proxy=${proxy.url}`, 'download', '--prefetch', 'omega'], box.env);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(proxy.seen.some((uri) => uri === `${mirror.url}${repo.pool.get('omega')}`), `proxy saw: ${proxy.seen.join(', ')}`);
    assert.equal(cached(box, 'omega_1.0_all.deb'), true);
  });

  it('honours a per-host DIRECT and the http_proxy variable when APT sets nothing', async () => {
    const box = await fresh();
    const before = proxy.seen.length;
    const direct = await runCli(['-o', `Acquire::http::Proxy=${proxy.url}`, '-o', 'Acquire::http::Proxy::127.0.0.1=DIRECT', 'download', '--prefetch', 'omega'], box.env);
    assert.equal(direct.code, 0, direct.stderr);
    assert.equal(proxy.seen.length, before, 'DIRECT bypasses the proxy');
    const viaEnv = await runCli(['download', '--prefetch', 'sigma'], { ...box.env, http_proxy: proxy.url });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assert.ok(proxy.seen.slice(before).some((uri) => uri.endsWith(repo.pool.get('sigma')!)));
  });

  it('sends credentials from auth.conf.d to a private repository, and never prints them', async () => {
    const box = await fresh((sandbox) => {
      writeFileSync(join(sandbox.dir, 'etc/auth.conf.d/private.conf'), `machine ${mirror.url.replace(/\/$/, '')}\nlogin builder\npassword s3cret-token\n`);
      mirror.login = { user: 'builder', password: 's3cret-token' };
    });
    try {
      const result = await runCli(['install', '--prefetch', '-y', 'sigma'], box.env);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(installed(box).get('sigma'), '3.0');
      assert.ok(!`${result.stdout}${result.stderr}`.includes('s3cret-token'));
      // Without the login file the mirror refuses, and the message does not leak anything either.
      const other = await fresh((sandbox) => writeFileSync(join(sandbox.dir, 'etc/auth.conf.d/private.conf'), `machine ${mirror.url.replace(/\/$/, '')} login builder password s3cret-token\n`));
      writeFileSync(join(other.dir, 'etc/auth.conf.d/private.conf'), '');
      const refused = await runCli(['download', '--prefetch', 'omega'], other.env);
      assert.equal(refused.code, 4, refused.stderr);
      assert.match(refused.stderr, /HTTP 401/);
    } finally {
      mirror.login = undefined;
    }
  });
});
