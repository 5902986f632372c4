import { parentPort } from 'node:worker_threads';
import type { HeadStartOrder, HeadStartReport } from './head-start-messages.js';
import { networkFromRecipe } from './network.js';
import { InOrderChecker } from './in-order-checker.js';
import { fillRanges } from './range-fill.js';
import { emptySwarms } from './swarm-probe.js';

/** Reports are gathered this long: one message per chunk would cost more than the chunk. */
const REPORT_EVERY_MS = 50;

/**
 * The worker thread of head-start.ts: the mirror's bytes of new torrent
 * files, in order, away from the main thread, which is busy loading
 * BitTorrent (300 ms of module code that would stall a transfer on it).
 */
const port = parentPort!;
const running = new Map<number, AbortController>();

port.on('message', (message: HeadStartOrder | { type: 'halt'; id: number }) => {
  if (message.type === 'halt') running.get(message.id)?.abort();
  else void headStart(message);
});

async function headStart(order: HeadStartOrder): Promise<void> {
  const stop = new AbortController();
  running.set(order.id, stop);
  const say = (report: HeadStartReport) => port.postMessage(report);
  const progress = { bytes: 0, pieces: [] as number[] };
  const checker = new InOrderChecker(order.size, order.pieceLength, order.pieceHashes);
  const flush = () => {
    if (progress.bytes === 0 && progress.pieces.length === 0) return;
    say({ type: 'progress', id: order.id, bytes: progress.bytes, written: checker.written, pieces: progress.pieces });
    progress.bytes = 0;
    progress.pieces = [];
  };
  const timer = setInterval(flush, REPORT_EVERY_MS);
  try {
    const network = await networkFromRecipe(order.network);
    const empty = await emptySwarms([{ infoHash: order.infoHash, trackers: order.trackers }], network, order.askMs, stop.signal);
    if (!empty.has(order.infoHash) || stop.signal.aborted) {
      say({ type: 'end', id: order.id, written: 0, others: true });
      return;
    }
    say({ type: 'alone', id: order.id });
    await fillRanges(order.uri, order.path, order.size, [[0, order.size - 1]], 1, {
      ...order.http,
      // One attempt: a retry resumes mid-file, and a server that then ignores the Range would send the
      // file again from its first byte, over pieces already handed to the torrent. What is left after
      // a failure is the fill's (in ranges, retried, the file read again for its SHA256).
      retries: 0,
      network,
      signal: stop.signal,
      onBytes: (count) => {
        progress.bytes += count;
      },
      onWritten: (data, position) => progress.pieces.push(...checker.wrote(data, position)),
    });
    flush();
    say({ type: 'end', id: order.id, written: checker.written, ...(checker.digest() ? { digest: checker.digest() } : {}) });
  } catch (error) {
    flush();
    say({ type: 'end', id: order.id, written: checker.written, error: (error as Error).message });
  } finally {
    clearInterval(timer);
    running.delete(order.id);
  }
}
