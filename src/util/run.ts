/**
 * The one way apt-torrent runs other programs (apt-get, apt-config, gpgv,
 * xz, getent, the perl holder of APT's lock): never through a shell, with
 * the environment given, and with a spawn failure (ENOENT) reported as
 * Node's error, as is, so callers can name the missing program.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';

export interface RunOptions {
  /** The program's environment; process.env unless given. */
  env?: NodeJS.ProcessEnv;
  /** Bytes for the program's stdin, which is then closed; without them stdin is /dev/null. */
  input?: string | Uint8Array;
  /** Keep at most this many bytes of stdout, and of stderr; the rest is read and dropped (`truncated`). */
  maxBytes?: number;
  /** Kill the program when it runs longer than this; the result then says `timedOut`. */
  timeoutMs?: number;
  /** Kill the program when this aborts; runCapture then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface RunResult {
  /** The exit code; 128 when a signal ended the program. */
  code: number;
  /** The signal that ended the program, if one did. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Killed because it ran longer than `timeoutMs`. */
  timedOut: boolean;
  /** stdout or stderr was longer than `maxBytes` and is cut there. */
  truncated: boolean;
}

/** How a child ended: settles once it exited and its output pipes are closed (so all output was read). */
function ended(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    // `on`, not `once`: a second 'error' without a listener would be thrown.
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  // Callers may attach later; a spawn failure must not count as unhandled meanwhile.
  done.catch(() => {});
  return done;
}

/** Output kept up to a bound. */
class Capture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  truncated = false;

  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {}

  add(chunk: Buffer): void {
    const room = this.maxBytes - this.kept;
    if (chunk.length > room) this.truncated = true;
    if (room <= 0) return;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(part);
    this.kept += part.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/**
 * Run a program to completion, capturing its output. Never throws for a
 * non-zero exit: callers decide what a status means. Throws only when the
 * program cannot be started at all (ENOENT), with Node's error as is, or
 * when `signal` aborts.
 * A timeout or an abort kills with SIGKILL: the programs run this way only
 * read or decode, and one that hangs may ignore SIGTERM too.
 */
export async function runCapture(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  options.signal?.throwIfAborted();
  const stdin = options.input === undefined ? 'ignore' : 'pipe';
  const child = spawn(command, args, { env: options.env ?? process.env, stdio: [stdin, 'pipe', 'pipe'] });
  const result = ended(child);
  const out = new Capture(options.maxBytes);
  const err = new Capture(options.maxBytes);
  child.stdout!.on('data', (chunk: Buffer) => out.add(chunk));
  child.stderr!.on('data', (chunk: Buffer) => err.add(chunk));
  let killed = false;
  let timedOut = false;
  const kill = () => {
    killed = true;
    child.kill('SIGKILL');
  };
  // A killed program's own children may keep its pipes open: stop waiting for them.
  child.on('exit', () => {
    if (!killed) return;
    child.stdout!.destroy();
    child.stderr!.destroy();
  });
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    kill();
  }, options.timeoutMs);
  options.signal?.addEventListener('abort', kill, { once: true });
  if (options.input !== undefined) {
    // A program may exit before reading all its input; the write error that follows is expected.
    child.stdin!.on('error', () => {});
    child.stdin!.end(options.input);
  }
  try {
    const { code, signal } = await result;
    if (options.signal?.aborted) throw options.signal.reason;
    return {
      code: code ?? (signal ? 128 : 1),
      signal,
      stdout: out.text(),
      stderr: err.text(),
      timedOut,
      truncated: out.truncated || err.truncated,
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', kill);
  }
}

/**
 * Run a program with the terminal handed over (stdin, stdout, stderr), as
 * apt-get needs for its prompts and dpkg for debconf. Resolves its exit
 * status, as a shell reports it (130 when Ctrl-C, SIGINT, ended it).
 */
export async function runInteractive(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { code, signal } = await ended(spawn(command, args, { env, stdio: 'inherit' }));
  return exitStatus(code, signal);
}

/**
 * A program's end as a shell reports it: its exit code, or 128 plus the
 * number of the signal that ended it (130 for SIGINT, 143 for SIGTERM),
 * so that a caller passing it on tells the two apart.
 */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal ? constants.signals[signal] : undefined;
  return number ? 128 + number : 128;
}

/** A program whose output is read as it comes, and whose stdin stays open until closed. */
export interface StreamingChild {
  readonly stdout: Readable;
  /** Writing after the program exited is ignored (no EPIPE error). */
  readonly stdin: Writable;
  /**
   * Resolves once the program exited and its stdout is closed: its exit
   * code, 128 when a signal ended it. Rejects with Node's error when the
   * program cannot be started (ENOENT).
   */
  readonly exited: Promise<number>;
  /** End it (SIGTERM). */
  kill(): void;
}

/**
 * Start a program that runs alongside apt-torrent (the holder of APT's
 * lock): its stdout is a stream, its stdin a pipe the caller closes to tell
 * it to stop. stderr is discarded unless `stderr: 'inherit'`.
 */
export function runStreaming(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; stderr?: 'ignore' | 'inherit' } = {}): StreamingChild {
  const stdio: StdioOptions = ['pipe', 'pipe', options.stderr ?? 'ignore'];
  const child = spawn(command, args, { env: options.env ?? process.env, stdio });
  child.stdin!.on('error', () => {});
  const exited = ended(child).then(({ code, signal }) => code ?? (signal ? 128 : 1));
  exited.catch(() => {});
  return { stdout: child.stdout!, stdin: child.stdin!, exited, kill: () => void child.kill() };
}
