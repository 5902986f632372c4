import { Worker } from 'node:worker_threads';
import type { HeadStartOrder, HeadStartReport } from './head-start-messages.js';
import type { HttpOptions } from './http.js';

/** How long the trackers get to say whether the swarm is empty before the head start gives way to peers. */
const ASK_MS = 2000;

export type HeadStartStatus = 'asking' | 'alone' | 'others' | 'ended';

/**
 * The mirror's bytes of a new torrent file, from its first byte on, begun
 * before BitTorrent is loaded: loading it and hearing the tracker take half
 * a second, plain HTTP's time for a hundred megabytes on a fast mirror. A
 * worker thread (head-start-worker.ts) first scrapes the trackers: when they
 * know someone else in the swarm, it fetches nothing (peers go first, and
 * the mirror only tops up). When nobody, it writes the whole file in order
 * over one connection, as APT would, into the torrent's own file, checking
 * each piece as it completes (handed to the torrent at once, so machines
 * arriving meanwhile get them from here) and hashing the whole (its SHA256
 * is then known without a second read).
 *
 * Only for a file created empty in this run, whose every byte is then this
 * writer's until others (peers, the top-up, the fill) come in; the caller
 * counts those.
 */
export class HeadStart {
  status: HeadStartStatus = 'asking';
  /** Bytes on disk from the file's first byte on, without a hole. */
  written = 0;
  /** Every byte it wrote, for the download's account. */
  bytes = 0;
  /** Ends when the whole file is written; rejects when it is not (halted, the mirror failed, others in the swarm). */
  readonly run: Promise<void>;
  /** Told of each batch of bytes written (the download's state, once there is one). */
  listener?: (count: number) => void;
  /** Pieces written and checked that nobody has taken yet; `onPieces` takes them as they come. */
  private pieces: number[] = [];
  private pieceListener?: (indices: number[]) => void;
  private statusListener?: () => void;
  private whole?: string;
  private end!: (report: Extract<HeadStartReport, { type: 'end' }>) => void;
  /** Takes its listener off the run's signal (one per head start would pile up on it). */
  private dropAbort?: () => void;

  private constructor(
    private readonly id: number,
    private readonly onBytes: (count: number) => void,
  ) {
    this.run = new Promise<void>((resolve, reject) => {
      this.end = (report) => {
        this.written = report.written;
        this.whole = report.digest;
        this.dropAbort?.();
        // Ended before the trackers said the swarm is empty (the thread failed, or was lost): it never
        // learnt that nobody else is there, so peers go first, as without a head start.
        this.setStatus(report.others || this.status === 'asking' ? 'others' : 'ended');
        if (report.digest) resolve();
        else reject(new Error(report.others ? 'others are in the swarm' : report.error ?? 'halted'));
      };
    });
    // Its end is read through halt() and run; an unread failure is no crash.
    this.run.catch(() => {});
  }

  /**
   * Start one, or say why not (undefined): a network that cannot be made
   * again in a worker, or a torrent without trackers to ask.
   */
  static start(order: Omit<HeadStartOrder, 'type' | 'id' | 'askMs' | 'http' | 'network'>, http: Omit<HttpOptions, 'onBytes'>, onBytes: (count: number) => void): HeadStart | undefined {
    const recipe = (http.network as { recipe?: () => HeadStartOrder['network'] }).recipe?.();
    if (!recipe || order.trackers.length === 0 || http.signal?.aborted || threadFailed) return undefined;
    let thread: Worker;
    try {
      thread = shared();
    } catch {
      return undefined;
    }
    const headStart = new HeadStart(nextId++, onBytes);
    active.set(headStart.id, { headStart, thread });
    thread.ref();
    thread.postMessage({
      ...order,
      type: 'start',
      id: headStart.id,
      askMs: ASK_MS,
      http: { retries: http.retries, timeoutMs: http.timeoutMs, ...(http.lowSpeed ? { lowSpeed: http.lowSpeed } : {}) },
      network: recipe,
    } satisfies HeadStartOrder);
    const signal = http.signal;
    if (signal) {
      const onAbort = () => void headStart.halt();
      signal.addEventListener('abort', onAbort, { once: true });
      headStart.dropAbort = () => signal.removeEventListener('abort', onAbort);
    }
    return headStart;
  }

  /**
   * Start the worker thread now, before it is needed: its own start (an
   * isolate, then got and the network code, 250 ms here) then runs beside
   * whatever the main thread loads meanwhile.
   */
  static prewarm(): void {
    try {
      if (active.size === 0 && !threadFailed) shared().unref();
    } catch {
      // No thread to be had: start() will not find one either, and the download goes on without.
    }
  }

  /** Take the checked pieces, those so far and those to come. */
  onPieces(listener: (indices: number[]) => void): void {
    this.pieceListener = listener;
    if (this.pieces.length > 0) listener(this.pieces.splice(0));
  }

  /** Told when the trackers have answered (alone or others) and when it ends. */
  onStatus(listener: () => void): void {
    this.statusListener = listener;
  }

  /** Stop now; resolves, once no write of it can land any more, with the bytes written from the start. */
  async halt(): Promise<number> {
    active.get(this.id)?.thread.postMessage({ type: 'halt', id: this.id });
    await this.run.catch(() => {});
    return this.written;
  }

  /** The whole file's SHA256, when this head start wrote all of it, in order. */
  digest(): string | undefined {
    return this.whole;
  }

  /** A report of the worker's about this head start. */
  heard(report: HeadStartReport): void {
    if (report.type === 'alone') return this.setStatus('alone');
    if (report.type === 'progress') {
      this.written = report.written;
      this.bytes += report.bytes;
      this.onBytes(report.bytes);
      this.listener?.(report.bytes);
      if (this.pieceListener) this.pieceListener(report.pieces);
      else this.pieces.push(...report.pieces);
      return;
    }
    this.end(report);
  }

  private setStatus(status: HeadStartStatus): void {
    this.status = status;
    this.statusListener?.();
  }
}

let nextId = 1;
let worker: Worker | undefined;
/** A thread that could not start or died: no more head starts in this process (each would fail the same way). */
let threadFailed = false;
/** Head starts not yet ended, each with the thread that runs it. */
const active = new Map<number, { headStart: HeadStart; thread: Worker }>();

/** One worker for every head start of the process, started on first use; it keeps the process alive only while one runs. */
function shared(): Worker {
  if (worker) return worker;
  const started = new Worker(new URL('./head-start-worker.js', import.meta.url));
  started.on('message', (report: HeadStartReport) => {
    const entry = active.get(report.id);
    if (!entry) return;
    if (report.type === 'end') {
      active.delete(report.id);
      if (![...active.values()].some((other) => other.thread === started)) started.unref();
    }
    entry.headStart.heard(report);
  });
  // An uncaught error is followed by 'exit'; only then can none of its writes land any more.
  started.on('error', () => {
    threadFailed = true;
  });
  started.on('exit', () => {
    threadFailed = true;
    if (worker === started) worker = undefined;
    for (const [id, entry] of active) {
      if (entry.thread !== started) continue;
      active.delete(id);
      entry.headStart.heard({ type: 'end', id, written: entry.headStart.written, error: 'the head start\'s thread ended' });
    }
  });
  worker = started;
  return started;
}
