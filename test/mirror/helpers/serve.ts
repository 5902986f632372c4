import { type ChildProcess, spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { MAIN } from './cli.js';

export interface Served {
  url: string;
  child: ChildProcess;
  /** Everything the server logged so far. */
  log(): string;
  stop(): Promise<number | null>;
}

/** Start the BUILT `apt-torrent serve` on a free loopback port and wait for its URL on stdout. */
export function serve(args: readonly string[]): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, 'serve', '--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL: ${stderr}`)), 10_000);
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const line = stdout.split('\n');
      if (line.length < 2) return;
      clearTimeout(timer);
      resolve({
        url: line[0]!,
        child,
        log: () => stderr,
        stop: () => new Promise((done) => {
          child.once('close', (code) => done(code));
          child.kill('SIGTERM');
        }),
      });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${stderr}`));
    });
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request with the path sent exactly as given (fetch would normalize `..` away). */
export function rawGet(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}
