/**
 * Several runs that find the same stale lock (its owner killed) at the same
 * moment: only one may hold it at a time. Before the takeover was guarded, the
 * slower run deleted the lock the faster one had just created, and both
 * wrote into APT's cache (seen in 1 of 15 trials with two runs).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const LOCK_MODULE = fileURLToPath(new URL('../../src/util/lock.js', import.meta.url));
const CONTENDERS = 4;
const TRIALS = 8;

/**
 * One contender: waits for the common start instant, tries the lock, and if
 * it won holds it a while and says when. A contender that the scheduler
 * delays may rightly win after the first has released: what must never
 * happen is two holding it at once.
 */
const CONTENDER = `
const { acquireLock } = await import(process.argv[1]);
const start = Number(process.argv[3]);
while (Date.now() < start) {}
try {
  const lock = await acquireLock(process.argv[2], 'contender');
  const since = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 400));
  process.stdout.write('won ' + since + ' ' + Date.now());
  await lock.release();
} catch (error) {
  process.stdout.write(error.code === 'E_LOCKED' ? 'lost' : 'error ' + error.message);
}
`;

function contender(lockPath: string, startAt: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CONTENDER, LOCK_MODULE, lockPath, String(startAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

/** The pid of a process that has exited: a lock naming it is stale. */
function deadPid(): number {
  const result = spawnSync('sh', ['-c', 'echo $$']);
  return Number(result.stdout.toString().trim());
}

describe('stale lock takeover', () => {
  const dir = mkdtempSync(join(tmpdir(), 'apt-torrent-lock-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`never lets two of ${CONTENDERS} simultaneous runs hold a stale lock they take over, ${TRIALS} times over`, async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const lockPath = join(dir, `trial-${trial}.lock`);
      writeFileSync(lockPath, `${JSON.stringify({ pid: deadPid(), command: 'killed', since: new Date().toISOString() })}\n`);
      const startAt = Date.now() + 400;
      const outcomes = await Promise.all(Array.from({ length: CONTENDERS }, () => contender(lockPath, startAt)));
      assert.deepEqual(outcomes.filter((outcome) => !/^(won \d+ \d+|lost)$/.test(outcome)), [], `trial ${trial}`);
      const held = outcomes.filter((outcome) => outcome.startsWith('won')).map((outcome) => outcome.split(' ').slice(1).map(Number) as [number, number]);
      assert.ok(held.length >= 1, `trial ${trial}: nobody took the stale lock over`);
      held.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < held.length; i += 1) {
        assert.ok(held[i]![0] >= held[i - 1]![1], `trial ${trial}: two runs held the lock at once: ${outcomes.join(', ')}`);
      }
    }
    // No guard or private temporary file is left behind.
    assert.deepEqual(readdirSync(dir).filter((name) => !/^trial-\d+\.lock$/.test(name)), []);
  });
});
