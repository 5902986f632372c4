import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

export interface Measurement {
  ms: number;
  /** Peak resident memory in KiB, from GNU time. */
  maxRssKiB: number;
  code: number;
}

/** Run a command to completion, measuring wall time and peak RSS (GNU time -f %M). */
export function measure(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '@@rss %M', command, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const rss = Number(/@@rss (\d+)/.exec(stderr)?.[1] ?? 0);
      // BENCH_LOG=FILE keeps every run's stderr (with NODE_DEBUG=apt-torrent, the fetch policy's decisions).
      if (process.env.BENCH_LOG) appendFileSync(process.env.BENCH_LOG, `== ${command} ${args.join(' ')} (${Math.round(ms)} ms, exit ${code})\n${stderr}\n`);
      if (code !== 0) process.stderr.write(`bench: ${command} ${args.join(' ')} exited ${code}:\n${stderr.slice(-2000)}\n`);
      resolve({ ms, maxRssKiB: rss, code: code ?? -1 });
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** "median (min-max)" for a table cell. */
export function spread(values: readonly number[], digits = 0): string {
  return `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)})`;
}
