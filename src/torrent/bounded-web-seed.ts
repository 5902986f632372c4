import { debuglog } from 'node:util';
import { checkRangeAnswer, type RangeAsked } from './range-answer.js';

/** NODE_DEBUG=apt-torrent shows each answer refused. */
const debug = debuglog('apt-torrent');

/**
 * The mirror as web seed, with its memory bounded.
 *
 * Why a patch: webtorrent 2.8.5's web seed (lib/webconn.js, `httpRequest`)
 * reads each answer to its Range request whole into memory
 * (`arrayBuffer()`) and never checks that the server honoured the Range. A
 * mirror (plain http: anyone on the path) that ignores Range and sends a
 * large body made one request for a 256 KiB piece take 1.4 GB, and
 * `torrent.maxWebConns` of them run at once. The library offers no hook,
 * so `httpRequest` is replaced on WebConn's prototype with one that:
 * - checks status and headers against the range asked (range-answer.ts)
 *   before it reads a byte of the body;
 * - streams the body into a buffer of exactly the length asked, and
 *   aborts the request the moment the mirror sends more;
 * - drops the web seed after MAX_WRONG_ANSWERS answers that cannot be right,
 *   so a mirror that is no web seed for this file stops being asked; the
 *   fetch policy then sees no progress and fetches the file over plain HTTP.
 * The request is otherwise webtorrent's: the same URL, headers, redirects
 * followed, and a minute at most. `destroy` is wrapped to abort what is in
 * flight.
 */

/** Answers that cannot be right (see range-answer.ts) after which the web seed is dropped. */
export const MAX_WRONG_ANSWERS = 3;
/**
 * Emitted on the torrent after each whole answer: its bytes and the
 * milliseconds from the answer's headers to its last byte, so the mirror's
 * rate per connection can be measured without the request's round trip.
 */
export const WEB_SEED_ANSWER = 'apt-torrent:web-seed-answer';
/** webtorrent's own limit for one request. */
const REQUEST_TIMEOUT_MS = 60_000;

type Callback = (error: Error | null, data?: Uint8Array) => void;

interface WebConnLike {
  url: string;
  destroyed: boolean;
  _torrent: { pieceLength: number; length: number; files: readonly unknown[]; emit?(event: string, ...args: unknown[]): boolean } | null;
  [STATE]?: SeedState;
}

export interface WebConnPrototype {
  httpRequest(this: WebConnLike, pieceIndex: number, offset: number, length: number, cb: Callback): Promise<void>;
  destroy(this: WebConnLike): void;
}

interface SeedState {
  wrong: number;
  inFlight: Set<AbortController>;
}

const STATE = Symbol('apt-torrent: web seed state');

export function installWebSeedBounds(proto: WebConnPrototype, userAgent: string): void {
  proto.httpRequest = async function (pieceIndex, offset, length, cb) {
    let data: Uint8Array;
    try {
      data = await fetchRange(this, pieceIndex, offset, length, userAgent);
    } catch (error) {
      return cb(error as Error);
    }
    cb(null, data);
  };
  const destroy = proto.destroy;
  proto.destroy = function () {
    for (const request of this[STATE]?.inFlight ?? []) request.abort();
    return destroy.call(this);
  };
}

async function fetchRange(conn: WebConnLike, pieceIndex: number, offset: number, length: number, userAgent: string): Promise<Uint8Array> {
  const torrent = conn._torrent;
  if (!torrent || conn.destroyed) throw new Error('the web seed is closed');
  // The adapter accepts single-file torrents only (accept-torrent.ts): the URL is the file's.
  if (torrent.files.length !== 1) throw new Error('a web seed serves a single-file torrent only');
  const start = pieceIndex * torrent.pieceLength + offset;
  const asked: RangeAsked = { start, end: start + length - 1, total: torrent.length };
  const state = (conn[STATE] ??= { wrong: 0, inFlight: new Set() });
  const request = new AbortController();
  const timer = setTimeout(() => request.abort(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)), REQUEST_TIMEOUT_MS);
  timer.unref();
  state.inFlight.add(request);
  try {
    const response = await fetch(conn.url, {
      method: 'GET',
      redirect: 'follow',
      signal: request.signal,
      headers: {
        'cache-control': 'no-store',
        'user-agent': userAgent,
        'accept-encoding': 'identity',
        range: `bytes=${asked.start}-${asked.end}`,
      },
    });
    const verdict = checkRangeAnswer({
      status: response.status,
      contentRange: response.headers.get('content-range'),
      contentLength: response.headers.get('content-length'),
      contentEncoding: response.headers.get('content-encoding'),
    }, asked);
    if (!verdict.ok) {
      if (verdict.wrong) wrongAnswer(conn, state, verdict.reason);
      throw new Error(`web seed ${conn.url}: ${verdict.reason}`);
    }
    const headersAt = performance.now();
    const data = await readExactly(response.body, length);
    if (typeof data === 'string') {
      if (data.startsWith('sent more')) wrongAnswer(conn, state, data);
      throw new Error(`web seed ${conn.url}: ${data}`);
    }
    torrent.emit?.(WEB_SEED_ANSWER, length, performance.now() - headersAt);
    return data;
  } finally {
    clearTimeout(timer);
    state.inFlight.delete(request);
    // An answer refused or cut short: close its connection rather than read the rest.
    request.abort();
  }
}

/** The body, if it is exactly `length` bytes; else why not. Never holds more than `length` bytes and one chunk. */
async function readExactly(body: ReadableStream<Uint8Array> | null, length: number): Promise<Uint8Array | string> {
  const data = new Uint8Array(length);
  let received = 0;
  for await (const chunk of body ?? []) {
    if (received + chunk.length > length) return `sent more than the ${length} bytes asked for`;
    data.set(chunk, received);
    received += chunk.length;
  }
  return received === length ? data : `sent ${received} of the ${length} bytes asked for`;
}

function wrongAnswer(conn: WebConnLike, state: SeedState, reason: string): void {
  state.wrong += 1;
  debug('web seed %s: %s (%d of %d wrong answers)', conn.url, reason, state.wrong, MAX_WRONG_ANSWERS);
  if (state.wrong === MAX_WRONG_ANSWERS) {
    debug('web seed %s dropped', conn.url);
    // After webtorrent has had this request's error: its handler still uses the connection.
    setImmediate(() => (conn as unknown as { destroy(): void }).destroy());
  }
}
