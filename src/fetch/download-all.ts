import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AptTorrentError } from '../errors.js';
import { fetchVerified, type HttpOptions } from './http.js';
import type { PlannedFile } from './plan.js';

/** What the progress display hears about. */
export interface DownloadEvents {
  start(file: PlannedFile): void;
  bytes(file: PlannedFile, count: number): void;
  done(file: PlannedFile, source: 'http'): void;
  failed(file: PlannedFile, error: AptTorrentError): void;
}

export interface DownloadSummary {
  files: number;
  /** Bytes of all files now in the cache. */
  bytes: number;
  /** Bytes that came over HTTP in this run. */
  httpBytes: number;
  /** Bytes kept from partial files of earlier runs. */
  resumedBytes: number;
  elapsedMs: number;
}

export interface DownloadOptions {
  parallel: number;
  http: Omit<HttpOptions, 'onBytes'>;
  events: DownloadEvents;
  archives: string;
  partial: string;
  now?: () => number;
}

/**
 * Fetch every file of the plan, `parallel` at a time, largest first (so the
 * long transfers overlap the many short ones). A failed file does not stop
 * the others: they are verified and cached, and a re-run fetches only what
 * is missing. Throws the first failure once all have settled.
 */
export async function downloadAll(files: readonly PlannedFile[], options: DownloadOptions): Promise<DownloadSummary> {
  const now = options.now ?? Date.now;
  const started = now();
  const queue = files.filter((file) => file.route === 'http').sort((a, b) => b.size - a.size);
  await mkdir(options.partial, { recursive: true });
  const summary: DownloadSummary = { files: 0, bytes: 0, httpBytes: 0, resumedBytes: 0, elapsedMs: 0 };
  const failures: AptTorrentError[] = [];

  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      if (options.http.signal?.aborted) return;
      options.events.start(file);
      try {
        const outcome = await fetchVerified(
          {
            uri: file.uri,
            size: file.size,
            sha256: file.sha256,
            partialPath: join(options.partial, file.cacheName),
            finalPath: join(options.archives, file.cacheName),
          },
          { ...options.http, onBytes: (count) => options.events.bytes(file!, count) },
        );
        summary.files += 1;
        summary.bytes += file.size;
        summary.httpBytes += outcome.downloaded;
        summary.resumedBytes += outcome.resumedFrom;
        options.events.done(file, 'http');
      } catch (error) {
        const failure = error instanceof AptTorrentError
          ? error
          : new AptTorrentError('E_DOWNLOAD', `${file.cacheName}: ${(error as Error).message}`, { cause: error });
        failures.push(failure);
        options.events.failed(file, failure);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.parallel) }, worker));
  summary.elapsedMs = now() - started;
  if (options.http.signal?.aborted) {
    throw new AptTorrentError('E_INTERRUPTED', 'interrupted; partial files are kept and the next run resumes them');
  }
  if (failures.length > 0) {
    // A hash mismatch says most about the mirror; report it before a network failure.
    const first = failures.find((failure) => failure.code === 'E_VERIFY') ?? failures[0]!;
    if (failures.length === 1) throw first;
    throw new AptTorrentError(first.code, `${failures.length} files failed:\n${failures.map((f) => f.message).join('\n')}`, {
      hint: first.hint,
    });
  }
  return summary;
}
