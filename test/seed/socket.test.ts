import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CLI, runCli } from '../helpers/cli.js';
import { cleanEnv } from '../helpers/env.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { startDaemon, type Daemon } from './helpers/daemon.js';

const run = promisify(execFile);

describe('the control socket', () => {
  // World-readable, so that `nobody` can read the config and reach the socket's directory: only the socket's own mode decides.
  const dir = tempDir('socket');
  const socket = join(dir, 'seed.sock');
  const configFile = join(dir, 'config.json');
  const env = cleanEnv({ APT_TORRENT_SYSCONFDIR: join(dir, 'none'), XDG_CONFIG_HOME: join(dir, 'none') });
  const configure = (seed: Record<string, unknown>) => {
    writeFileSync(configFile, JSON.stringify({ stateDir: join(dir, 'state'), seed: { enabled: true, socket, listenPort: 0, ...seed } }));
    chmodSync(configFile, 0o644);
  };
  let daemon: Daemon | undefined;
  const start = () => startDaemon(env, { args: ['--config', configFile] });
  /** apt-torrent as user nobody (runuser keeps the environment). */
  const asNobody = async (args: string[]) => {
    try {
      const { stdout, stderr } = await run('runuser', ['-u', 'nobody', '--', process.execPath, CLI, '--config', configFile, ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  before(async () => {
    chmodSync(dir, 0o755);
    configure({});
    daemon = await start();
  });

  after(async () => {
    await daemon?.stop();
    removeTempDir(dir);
  });

  it('is 0600 and owned by root when no group is configured; nobody is refused with its own status', async () => {
    const info = statSync(socket);
    assert.ok(info.isSocket());
    assert.equal(info.mode & 0o777, 0o600);
    assert.equal(info.uid, 0);
    const listed = await asNobody(['seeding', 'list']);
    assert.equal(listed.code, 10, listed.stderr);
    assert.match(listed.stderr, /E_SEED_DENIED.*permission denied on the seeding daemon's control socket/);
    assert.match(listed.stderr, /hint: only root, or members of the group named by seed.group/);
    const paused = await asNobody(['seeding', 'pause', '--all']);
    assert.equal(paused.code, 10);
    const cleaned = await asNobody(['clean']);
    assert.equal(cleaned.code, 10, cleaned.stderr);
    assert.match(cleaned.stderr, /E_SEED_DENIED.*cannot read the seeding store/);
    // root may.
    assert.equal((await runCli(['--config', configFile, 'seeding', 'list'], env)).code, 0);
  });

  it('is 0660 root:GROUP with seed.group, and members may use it', async () => {
    await daemon!.stop();
    configure({ group: 'nogroup' });
    daemon = await start();
    const info = statSync(socket);
    assert.equal(info.mode & 0o777, 0o660);
    assert.equal(info.gid, 65534);
    const listed = await asNobody(['seeding', 'list', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout), []);
  });

  it('a second daemon does not start while one answers; a stale socket file is replaced; anything else is left alone', async () => {
    const second = await runCli(['--config', configFile, 'seed'], env);
    assert.equal(second.code, 10);
    assert.match(second.stderr, /E_SEED_RUNNING/);
    daemon!.child.kill('SIGKILL');
    await new Promise((resolve) => daemon!.child.once('exit', resolve));
    // The killed daemon left its socket file and lock behind.
    daemon = await start();
    assert.equal((await runCli(['--config', configFile, 'seeding', 'list'], env)).code, 0);
    await daemon.stop();
    daemon = undefined;
    writeFileSync(socket, 'not a socket');
    const refused = await runCli(['--config', configFile, 'seed'], env);
    assert.equal(refused.code, 10);
    assert.match(refused.stderr, /E_SEED_SOCKET.*exists and is not a socket/);
  });

  it('answers a malformed request with an error, not a crash', async () => {
    rmSync(socket);
    daemon = await start();
    const { createConnection } = await import('node:net');
    const answer = await new Promise<string>((resolve, reject) => {
      const connection = createConnection(socket);
      let text = '';
      connection.on('data', (chunk) => {
        text += chunk;
        if (text.split('\n').length > 2) {
          connection.end();
          resolve(text);
        }
      });
      connection.on('error', reject);
      connection.write('this is not json\n{"cmd":"format-disk"}\n');
    });
    const [first, second] = answer.trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(first.ok, false);
    assert.equal(first.error.code, 'E_USAGE');
    assert.match(second.error.message, /unknown command "format-disk"/);
    assert.equal((await runCli(['--config', configFile, 'seeding', 'list'], env)).code, 0);
  });
});
