import type { HttpOptions } from './http.js';
import { fillRanges } from './range-fill.js';

/** How long the probe reads: long enough to see the rate one connection keeps up. */
export const PROBE_MS = 2000;
/** The start of a transfer is left out of the rate: bursts (nginx sends a second's worth at once) and slow start. */
const WARM_UP_MS = 1000;
/** A range at least this long that is done within the warm-up came from a fast mirror, burst or not. */
export const PROBE_BYTES_FAST = 8 * 1024 * 1024;

export interface ProbeResult {
  /** Bytes per second one connection to the mirror keeps up, as APT would see it; undefined when the range ended too soon to tell. */
  rate?: number;
  /** Bytes written into the file from the range's start (pieces past this are incomplete). */
  written: number;
}

/**
 * Measure the mirror as plain HTTP sees it: one connection, one long range
 * of the file being fetched, read for PROBE_MS and then stopped. Small
 * requests (a web seed's, one piece each) say nothing about this: a busy
 * mirror limits a connection's rate over time, and a short answer goes out
 * in its first burst. The bytes read are kept: they are written into the
 * file, where the caller takes in the pieces that are whole.
 */
export async function probeMirror(uri: string, path: string, size: number, range: readonly [number, number], options: Omit<HttpOptions, 'onBytes'>, onBytes: (count: number) => void, now: () => number = Date.now): Promise<ProbeResult> {
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let firstMs: number | undefined;
  let written = 0;
  let warm: { ms: number; bytes: number } | undefined;
  const timer = setTimeout(() => stop.abort(), PROBE_MS);
  try {
    await fillRanges(uri, path, size, [range], 1, {
      ...options,
      retries: 0,
      signal,
      onBytes: (count) => {
        const at = now();
        firstMs ??= at;
        if (!warm && at - firstMs >= WARM_UP_MS) warm = { ms: at, bytes: written };
        written += count;
        onBytes(count);
      },
    });
  } catch (error) {
    // Stopped on time is the probe working; anything else is the mirror failing.
    if (!stop.signal.aborted || options.signal?.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
  const endMs = now();
  // A short range done within the warm-up may have gone out in one burst: it tells nothing of the rate.
  const whole = (written * 1000) / Math.max(1, endMs - (firstMs ?? endMs));
  const rate = warm && endMs - warm.ms >= 500 ? ((written - warm.bytes) * 1000) / (endMs - warm.ms) : written >= PROBE_BYTES_FAST ? whole : undefined;
  return { rate, written };
}
