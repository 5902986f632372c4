/**
 * Hashing files on several cores. One file is hashed by one thread at
 * close to `sha1sum` speed (SHA1 and SHA256 together, see hash-file.ts); a
 * mirror has thousands of files, so files are spread over worker threads,
 * one per core up to MAX_WORKERS (beyond that the disk is the limit).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FileHashes } from '../bittorrent/hash-file.js';
import type { HashReply, HashRequest } from './hash-worker.js';

const MAX_WORKERS = 4;

interface Pending {
  resolve: (hashes: FileHashes) => void;
  reject: (error: Error) => void;
  onBytes?: (count: number) => void;
}

export class HashPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<() => void> = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private readonly workers: Worker[] = [];

  /** `size` threads; by default one per core, at most MAX_WORKERS, at most `jobs`. */
  constructor(jobs: number, size = Math.max(1, Math.min(availableParallelism(), MAX_WORKERS, jobs))) {
    for (let index = 0; index < size; index += 1) {
      const worker = new Worker(new URL('./hash-worker.js', import.meta.url));
      worker.on('message', (reply: HashReply) => this.onReply(worker, reply));
      worker.on('error', (error) => this.failAll(error));
      // terminate() (close, or an interruption) must not leave callers waiting forever.
      worker.on('exit', () => this.failAll(new Error('hashing stopped')));
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Hash a file on the next free thread. */
  async hash(path: string, pieceLength: number, onBytes?: (count: number) => void): Promise<FileHashes> {
    const worker = await this.take();
    const id = this.nextId++;
    return new Promise<FileHashes>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onBytes });
      worker.postMessage({ id, path, pieceLength } satisfies HashRequest);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private failAll(error: Error): void {
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }

  private take(): Promise<Worker> {
    const worker = this.idle.pop();
    if (worker) return Promise.resolve(worker);
    return new Promise((resolve) => this.waiting.push(() => resolve(this.idle.pop()!)));
  }

  private onReply(worker: Worker, reply: HashReply): void {
    const job = this.pending.get(reply.id);
    if (!job) return;
    if (reply.type === 'bytes') {
      job.onBytes?.(reply.count);
      return;
    }
    this.pending.delete(reply.id);
    this.idle.push(worker);
    this.waiting.shift()?.();
    if (reply.type === 'done') job.resolve({ size: reply.size, sha256: reply.sha256, pieces: Buffer.from(reply.pieces) });
    else job.reject(new Error(reply.message));
  }
}
