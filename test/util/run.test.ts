import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exitStatus, runCapture, runInteractive, runStreaming } from '../../src/util/run.js';

const env = { PATH: '/usr/bin:/bin', LC_ALL: 'C' };

describe('runCapture', () => {
  it('gives the exit code and both outputs, and does not throw for a failure', async () => {
    const result = await runCapture('sh', ['-c', 'echo out; echo err >&2; exit 3'], { env });
    assert.deepEqual(result, { code: 3, signal: null, stdout: 'out\n', stderr: 'err\n', timedOut: false, truncated: false });
  });

  it('passes the environment given, and only it', async () => {
    const result = await runCapture('sh', ['-c', 'echo "$GIVEN:${HOME:-none}"'], { env: { ...env, GIVEN: 'yes' } });
    assert.equal(result.stdout, 'yes:none\n');
  });

  it('rejects with Node\'s error when the program does not exist', async () => {
    await assert.rejects(runCapture('apt-torrent-no-such-program', [], { env }), { code: 'ENOENT' });
  });

  it('feeds input on stdin, even more than a pipe holds, and copes with a program that reads none of it', async () => {
    const input = Buffer.alloc(5 * 1024 * 1024, 'x');
    const counted = await runCapture('wc', ['-c'], { env, input });
    assert.equal(counted.stdout.trim(), String(input.length));
    const ignored = await runCapture('sh', ['-c', 'exit 1'], { env, input });
    assert.equal(ignored.code, 1);
  });

  it('keeps at most maxBytes of each output and says so, while the program runs to its end', async () => {
    const result = await runCapture('sh', ['-c', 'head -c 1000000 /dev/zero; head -c 300 /dev/zero >&2; exit 5'], { env, maxBytes: 1000 });
    assert.equal(result.stdout.length, 1000);
    assert.equal(result.stderr.length, 300);
    assert.equal(result.truncated, true);
    assert.equal(result.code, 5);
  });

  it('kills a program that outlives its timeout', async () => {
    const started = Date.now();
    const result = await runCapture('sleep', ['30'], { env, timeoutMs: 200 });
    assert.ok(Date.now() - started < 5000, 'ended long before the program would have');
    assert.equal(result.timedOut, true);
    assert.equal(result.signal, 'SIGKILL');
    assert.equal(result.code, 128);
  });

  it('does not wait, after a timeout, for the program\'s own children that hold its output open', async () => {
    const started = Date.now();
    // The grandchild ends by itself shortly after; the run must not wait for it.
    const result = await runCapture('sh', ['-c', 'sleep 3 & wait'], { env, timeoutMs: 200 });
    assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
    assert.equal(result.timedOut, true);
  });

  it('kills the program and rejects with the reason when the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    setTimeout(() => controller.abort(reason), 100);
    const started = Date.now();
    await assert.rejects(runCapture('sleep', ['30'], { env, signal: controller.signal }), (error) => error === reason);
    assert.ok(Date.now() - started < 5000);
    // Already aborted: nothing is started.
    await assert.rejects(runCapture('apt-torrent-no-such-program', [], { env, signal: controller.signal }), (error) => error === reason);
  });
});

describe('runInteractive', () => {
  it('resolves the exit status', async () => {
    assert.equal(await runInteractive('sh', ['-c', 'exit 7'], env), 7);
    assert.equal(await runInteractive('sh', ['-c', 'kill -INT $$'], env), 130);
    assert.equal(await runInteractive('sh', ['-c', 'kill -TERM $$'], env), 143, '128 plus the signal, as a shell reports it');
    assert.equal(await runInteractive('sh', ['-c', 'kill -KILL $$'], env), 137);
  });
});

describe('exitStatus', () => {
  it('is the exit code, or 128 plus the signal\'s number', () => {
    assert.equal(exitStatus(0, null), 0);
    assert.equal(exitStatus(100, null), 100);
    assert.equal(exitStatus(null, 'SIGINT'), 130);
    assert.equal(exitStatus(null, 'SIGSEGV'), 139);
    assert.equal(exitStatus(null, null), 128);
  });
});

describe('runStreaming', () => {
  it('streams output as it comes, takes input until stdin closes, and resolves the exit code', async () => {
    const child = runStreaming('sh', ['-c', 'echo ready; read line; echo "got $line"; cat >/dev/null; exit 4'], { env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    while (!output.includes('ready\n')) await new Promise((resolve) => child.stdout.once('data', resolve));
    child.stdin.write('hello\n');
    child.stdin.end();
    assert.equal(await child.exited, 4);
    assert.equal(output, 'ready\ngot hello\n');
  });

  it('rejects `exited` when the program does not exist, and ends one that is killed', async () => {
    await assert.rejects(runStreaming('apt-torrent-no-such-program', [], { env }).exited, { code: 'ENOENT' });
    const child = runStreaming('sleep', ['30'], { env });
    child.kill();
    assert.equal(await child.exited, 128);
  });
});
