import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MessageReader } from '../../src/method/message-reader.js';
import { formatMessage, type FieldValue } from '../../src/method/message-writer.js';
import { field, type MethodMessage } from '../../src/method/message.js';

/** The BUILT method, as APT runs it. */
export const METHOD = fileURLToPath(new URL('../../src/method/main.js', import.meta.url));

/**
 * Talks to the method the way APT's acquire worker does: over its stdin and
 * stdout, one message at a time, and records everything it answers.
 */
export class MethodClient {
  readonly child: ChildProcessWithoutNullStreams;
  readonly messages: MethodMessage[] = [];
  stderr = '';
  private readonly reader = new MessageReader();
  private waiters: Array<() => void> = [];

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn(METHOD, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.messages.push(...this.reader.push(chunk));
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.child.stderr.on('data', (chunk) => (this.stderr += chunk));
  }

  send(code: number, text: string, fields: ReadonlyArray<readonly [string, FieldValue]>): void {
    this.child.stdin.write(formatMessage(code, text, fields));
  }

  /** The 601 APT sends: every setting as a Config-Item. */
  configure(settings: Record<string, string>): void {
    this.send(601, 'Configuration', Object.entries(settings).map(([key, value]) => ['Config-Item', `${key}=${value}`] as const));
  }

  /** The first answer matching, waiting for it up to `timeoutMs`. */
  async next(match: (message: MethodMessage) => boolean, timeoutMs = 20_000): Promise<MethodMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such answer in ${timeoutMs} ms; got ${JSON.stringify(this.messages)}; stderr ${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  /** The final answer (103, 201 or 400) for a URI. */
  answerFor(uri: string, timeoutMs?: number): Promise<MethodMessage> {
    return this.next((message) => [103, 201, 400].includes(message.code) && field(message, 'URI') === uri, timeoutMs);
  }

  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve({ code: this.child.exitCode, signal: this.child.signalCode });
    return new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGINT');
    await this.exited();
  }
}
