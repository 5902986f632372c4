import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { field } from '../../src/method/message.js';
import { TestMirror } from '../helpers/mirror.js';
import { METHOD, MethodClient } from './method-client.js';

const SHA = 'ab'.repeat(32);

describe('the method executable, spoken to as APT does', () => {
  let dir: string;
  let mirror: TestMirror;
  let env: NodeJS.ProcessEnv;
  let settings: Record<string, string>;
  const clients: MethodClient[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'apt-torrent-method-'));
    for (const sub of ['cache/archives/partial', 'state/lists', 'etc', 'xdg/apt-torrent', 'mirror']) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, 'xdg/apt-torrent/config.json'), JSON.stringify({ stateDir: join(dir, 'state/apt-torrent') }));
    // A mirror that publishes no manifest.
    mirror = new TestMirror(join(dir, 'mirror'));
    await mirror.start();
    env = { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg'), APT_TORRENT_SYSCONFDIR: join(dir, 'no-etc') };
    settings = {
      'Dir': '/',
      'Dir::Cache': join(dir, 'cache'),
      'Dir::Cache::archives': 'archives/',
      'Dir::State': join(dir, 'state'),
      'Dir::State::lists': 'lists/',
      'Dir::Etc::netrc': join(dir, 'etc/auth.conf'),
      'APT::Sandbox::User': 'root',
    };
  });

  after(async () => {
    for (const client of clients) await client.stop();
    await mirror.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = () => {
    const client = new MethodClient(env);
    clients.push(client);
    return client;
  };
  const debAcquire = (name: string) => [
    ['URI', `torrent+${mirror.url}pool/main/${name}`],
    ['Filename', join(dir, 'cache/archives/partial', name)],
    ['Expected-SHA256', SHA],
    ['Expected-Checksum-FileSize', 1000],
    ['Target-Repo-URI', `torrent+${mirror.url}`],
    ['Target-Release', 'stable'],
    ['Target-Type', 'deb'],
  ] as const;

  it('announces what APT needs to pipeline, configure and encode', async () => {
    const client = start();
    const capabilities = await client.next((message) => message.code === 100);
    assert.equal(capabilities.text, 'Capabilities');
    for (const name of ['Pipeline', 'Send-Config', 'Send-URI-Encoded']) assert.equal(field(capabilities, name), 'true', name);
    assert.ok(field(capabilities, 'Version'));
  });

  it('sends the same capabilities whether the shell line or Node sends them', () => {
    const run = (command: string, args: string[]) => spawnSync(command, args, { env, input: '', timeout: 10_000 });
    const byShell = run(METHOD, []);
    const byNode = run(process.execPath, [METHOD]);
    assert.equal(byShell.status, 0, byShell.stderr.toString());
    assert.equal(byNode.status, 0, byNode.stderr.toString());
    assert.match(byNode.stdout.toString(), /^100 Capabilities\n(?:[A-Za-z-]+: .+\n)+\n$/);
    assert.equal(byShell.stdout.toString(), byNode.stdout.toString());
  });

  it('redirects indexes at once, and a .deb without asking for a manifest nothing could vouch for', async () => {
    const client = start();
    client.configure(settings);
    const index = `torrent+${mirror.url}dists/stable/InRelease`;
    client.send(600, 'URI Acquire', [['URI', index], ['Filename', join(dir, 'state/lists/partial/x_InRelease')], ['Index-File', 'true'], ['Target-Type', 'index']]);
    const redirect = await client.answerFor(index);
    assert.equal(redirect.code, 103);
    assert.equal(field(redirect, 'New-URI'), `${mirror.url}dists/stable/InRelease`);
    client.send(600, 'URI Acquire', [['URI', 'torrent+https://secure.example/debian/dists/stable/Release'], ['Filename', join(dir, 'state/lists/partial/y_Release')], ['Index-File', 'true']]);
    assert.equal(field(await client.answerFor('torrent+https://secure.example/debian/dists/stable/Release'), 'New-URI'), 'https://secure.example/debian/dists/stable/Release', 'https stays https');
    client.send(600, 'URI Acquire', debAcquire('a_1_all.deb'));
    client.send(600, 'URI Acquire', debAcquire('b_1_all.deb'));
    for (const name of ['a_1_all.deb', 'b_1_all.deb']) {
      const answer = await client.answerFor(`torrent+${mirror.url}pool/main/${name}`);
      assert.equal(answer.code, 103, name);
      assert.equal(field(answer, 'New-URI'), `${mirror.url}pool/main/${name}`);
    }
    // No Release in the lists names a manifest, the source is plain http and the method has no trackers of its own.
    assert.equal(mirror.requests.filter((request) => request.path.endsWith('manifest.json')).length, 0, 'no manifest asked for');
    assert.equal(mirror.requests.filter((request) => request.path.endsWith('.deb')).length, 0, 'the method itself fetched no package');
  });

  it('with trackers of its own, looks for a manifest once per source and run', async () => {
    mkdirSync(join(dir, 'trackers'), { recursive: true });
    writeFileSync(join(dir, 'trackers/config.json'), JSON.stringify({ torrent: { trackers: ['http://127.0.0.1:9/announce'] } }));
    const client = new MethodClient({ ...env, APT_TORRENT_SYSCONFDIR: join(dir, 'trackers') });
    clients.push(client);
    const before = mirror.requests.filter((request) => request.path.endsWith('manifest.json')).length;
    client.configure(settings);
    client.send(600, 'URI Acquire', debAcquire('e_1_all.deb'));
    client.send(600, 'URI Acquire', debAcquire('f_1_all.deb'));
    for (const name of ['e_1_all.deb', 'f_1_all.deb']) assert.equal((await client.answerFor(`torrent+${mirror.url}pool/main/${name}`)).code, 103, name);
    assert.equal(mirror.requests.filter((request) => request.path.endsWith('manifest.json')).length, before + 1);
  });

  it('fails what it cannot redirect, naming it', async () => {
    const client = start();
    client.configure(settings);
    client.send(600, 'URI Acquire', [['URI', 'torrent+ftp://m/a.deb'], ['Filename', join(dir, 'x')]]);
    const answer = await client.answerFor('torrent+ftp://m/a.deb');
    assert.equal(answer.code, 400);
    assert.match(field(answer, 'Message')!, /torrent\+ftp:\/\/m\/a\.deb: not a torrent\+http or torrent\+https URI/);
  });

  it('with torrent.enabled false, a .deb is redirected without looking for a manifest', async () => {
    mkdirSync(join(dir, 'off'), { recursive: true });
    writeFileSync(join(dir, 'off/config.json'), JSON.stringify({ torrent: { enabled: false } }));
    const client = new MethodClient({ ...env, APT_TORRENT_SYSCONFDIR: join(dir, 'off') });
    clients.push(client);
    const before = mirror.requests.length;
    client.configure(settings);
    client.send(600, 'URI Acquire', debAcquire('c_1_all.deb'));
    const answer = await client.answerFor(`torrent+${mirror.url}pool/main/c_1_all.deb`);
    assert.equal(answer.code, 103);
    assert.equal(mirror.requests.length, before, 'no request at all');
  });

  it('an invalid configuration is a warning, and every file goes to the mirror', async () => {
    const client = new MethodClient({ ...env, APT_TORRENT_SYSCONFDIR: join(dir, 'bad') });
    clients.push(client);
    mkdirSync(join(dir, 'bad'), { recursive: true });
    writeFileSync(join(dir, 'bad/config.json'), JSON.stringify({ http: { parallel: 0 } }));
    client.configure(settings);
    client.send(600, 'URI Acquire', debAcquire('d_1_all.deb'));
    const warning = await client.next((message) => message.code === 104);
    assert.match(field(warning, 'Message')!, /http\.parallel.*every file comes from the mirror/);
    assert.equal((await client.answerFor(`torrent+${mirror.url}pool/main/d_1_all.deb`)).code, 103);
  });

  it('a broken stream is a general failure and the method ends', async () => {
    const client = start();
    client.child.stdin.write('this is not a method message\n\n');
    const failure = await client.next((message) => message.code === 401);
    assert.match(field(failure, 'Message')!, /does not start with a status line/);
    assert.deepEqual(await client.exited(), { code: 100, signal: null });
  });

  it('ends at once on SIGINT, as APT ends its methods, and when APT closes the pipe', async () => {
    // APT's first start only reads the capabilities, then sends SIGINT: that start ends while Node is still loading.
    const probe = start();
    await probe.next((message) => message.code === 100);
    probe.child.kill('SIGINT');
    const ended = await probe.exited();
    assert.ok(ended.signal === 'SIGINT' || ended.code === 0, JSON.stringify(ended));
    const first = start();
    first.configure(settings);
    const index = `torrent+${mirror.url}dists/stable/Release`;
    first.send(600, 'URI Acquire', [['URI', index], ['Filename', join(dir, 'state/lists/partial/z_Release')], ['Index-File', 'true']]);
    assert.equal((await first.answerFor(index)).code, 103);
    const started = Date.now();
    first.child.kill('SIGINT');
    assert.deepEqual(await first.exited(), { code: 0, signal: null });
    assert.ok(Date.now() - started < 2000);
    const second = start();
    await second.next((message) => message.code === 100);
    second.child.stdin.end();
    assert.deepEqual(await second.exited(), { code: 0, signal: null });
  });
});
