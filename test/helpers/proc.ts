import { spawn, type ChildProcess } from 'node:child_process';
import { cleanEnv } from './env.js';

/** Children still running: killed when this process exits, so that a failed test leaves no server or seeder behind. */
const running = new Map<ChildProcess, NodeJS.Signals>();
let hooked = false;

/**
 * Note a child to be killed at exit if no one stopped it, with SIGKILL
 * unless it needs its own signal to take its children along (nginx).
 */
export function track(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): ChildProcess {
  if (!hooked) process.once('exit', () => {
    for (const [survivor, how] of running) {
      // A test that stops what it starts never gets here: say which one did not.
      process.stderr.write(`killed at exit, still running: ${survivor.spawnargs.join(' ')}\n`);
      survivor.kill(how);
    }
  });
  hooked = true;
  if (child.exitCode !== null || child.signalCode !== null) return child;
  running.set(child, signal);
  child.once('exit', () => running.delete(child));
  return child;
}

/** A child process that prints a line when ready; stopped with stop(). */
export class Proc {
  private output = '';

  constructor(readonly child: ChildProcess, readonly ready: RegExpExecArray | undefined = undefined) {
    track(child);
    child.stdout?.on('data', (chunk) => (this.output += chunk));
    child.stderr?.on('data', (chunk) => (this.output += chunk));
  }

  /** Start `command` and wait until its stdout or stderr matches `readyPattern`. */
  static start(command: string, args: string[], readyPattern: RegExp, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Proc> {
    const child = spawn(command, args, { env: options.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    return new Promise((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${command} did not get ready: ${output.slice(-2000)}`));
      }, options.timeoutMs ?? 20_000);
      const onData = (chunk: Buffer) => {
        output += chunk;
        const match = readyPattern.exec(output);
        if (match) {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          child.stderr!.off('data', onData);
          const proc = new Proc(child, match);
          proc.output = output;
          resolve(proc);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${command} exited ${code}: ${output.slice(-2000)}`));
      });
    });
  }

  /** Everything it printed so far, stdout and stderr. */
  log(): string {
    return this.output;
  }

  /** SIGTERM, then SIGKILL after 3 s; resolves with the exit status (null when killed by a signal). */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }
}
