import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cleanEnv } from './env.js';
import { Proc, track } from './proc.js';

/** The BUILT command line, run as a user or cron would run it. */
export const CLI = fileURLToPath(new URL('../../src/main.js', import.meta.url));

export interface CliResult {
  /** The exit status; -1 when a signal ended it. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  /** What it printed so far. */
  stdout(): string;
  stderr(): string;
  /** Settles once it exited and its output is read. */
  done: Promise<CliResult & { signal: NodeJS.Signals | null }>;
}

/** Start the BUILT apt-torrent without waiting for it: for tests that interrupt it or race it. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv()): RunningCli {
  const child = track(spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

/** Run the BUILT apt-torrent to its end (killed after `timeoutMs`). */
export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv(), options: { timeoutMs?: number } = {}): Promise<CliResult> {
  const run = startCli(args, env);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  try {
    const { code, stdout, stderr } = await run.done;
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

export interface Served {
  url: string;
  /** Everything it printed so far. */
  log(): string;
  /** SIGTERM; resolves with the exit status. */
  stop(): Promise<number | null>;
}

/** `apt-torrent serve` on `listen` (a free loopback port by default), ready once it prints its URL. */
export async function startServe(args: readonly string[], listen = '127.0.0.1:0'): Promise<Served> {
  const proc = await Proc.start(process.execPath, [CLI, 'serve', '--listen', listen, ...args], /^(http:\/\/\S+)\n/m);
  return { url: proc.ready![1]!, log: () => proc.log(), stop: () => proc.stop() };
}
