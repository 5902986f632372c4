/**
 * A worker thread of the hash pool (hash-pool.ts): hashes one file at a time
 * with `hashFile` and reports bytes as it goes. node:crypto runs on the
 * calling thread, so parallel hashing needs threads, not just promises.
 */
import { parentPort } from 'node:worker_threads';
import { hashFile } from '../bittorrent/hash-file.js';

export type HashRequest = { id: number; path: string; pieceLength: number };
export type HashReply =
  | { id: number; type: 'bytes'; count: number }
  | { id: number; type: 'done'; size: number; sha256: string; pieces: ArrayBuffer }
  | { id: number; type: 'error'; message: string };

/** Report progress in steps this big: one message per MiB read would be noise. */
const REPORT_EVERY = 8 * 1024 * 1024;

const port = parentPort!;
port.on('message', async (request: HashRequest) => {
  let pending = 0;
  try {
    const hashes = await hashFile(request.path, {
      pieceLength: request.pieceLength,
      onBytes: (count) => {
        pending += count;
        if (pending < REPORT_EVERY) return;
        port.postMessage({ id: request.id, type: 'bytes', count: pending } satisfies HashReply);
        pending = 0;
      },
    });
    if (pending > 0) port.postMessage({ id: request.id, type: 'bytes', count: pending } satisfies HashReply);
    // Copy into a buffer of its own so it can be transferred, not cloned.
    const pieces = new Uint8Array(hashes.pieces).buffer;
    port.postMessage({ id: request.id, type: 'done', size: hashes.size, sha256: hashes.sha256, pieces } satisfies HashReply, [pieces]);
  } catch (error) {
    port.postMessage({ id: request.id, type: 'error', message: (error as Error).message } satisfies HashReply);
  }
});
