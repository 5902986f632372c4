import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

/** Misbehaviour a test can ask of the mirror for one path. */
export type Fault =
  /** Same size, a few bytes changed: what a compromised mirror would do. */
  | { kind: 'tamper' }
  /** Send the headers of the whole file, then half the body, then close. */
  | { kind: 'truncate'; times: number }
  /** Answer with this status this many times first (only to user agents matching `agent`, when given). */
  | { kind: 'status'; status: number; times: number; agent?: RegExp }
  /** Send this many bytes of the body, then cut the connection; once. */
  | { kind: 'cut'; after: number; times: number }
  /** Answer Range requests with the whole file (200), as python's http.server does. */
  | { kind: 'ignore-range' }
  /** Send the body in 16 KiB chunks at about this rate (a busy mirror). */
  | { kind: 'slow'; bytesPerSecond: number }
  /** Send the body one byte a second: the socket never goes quiet, the file never arrives; `times` requests. */
  | { kind: 'drip'; times: number }
  /** Declare a Content-Length `delta` bytes off the body sent; a longer one ends with the connection cut. */
  | { kind: 'content-length'; delta: number; times: number }
  /** Send the headers, then close the connection. */
  | { kind: 'close-after-headers'; times: number }
  /**
   * Answer a Range request with 206 for other bytes: `shift` bytes later, saying so in Content-Range
   * (`honest`), or `shift` bytes earlier while claiming the range asked for.
   */
  | { kind: 'other-range'; shift: number; honest: boolean; times: number }
  /**
   * Ignore Range and send the whole file, then `extra` bytes more (Infinity:
   * without end), with no Content-Length unless `declare`: a mirror whose
   * answer is longer than the file.
   */
  | { kind: 'longer'; extra: number; declare?: boolean }
  /** Answer with a redirect (302 unless given) to `location`. */
  | { kind: 'redirect'; location: string; status?: number };

export interface Request {
  path: string;
  authorization?: string;
  range?: string;
  status: number;
  bytes: number;
}

/**
 * A static mirror over node:http that honours Range (206, 416) like nginx,
 * records every request, and misbehaves on demand.
 */
export class TestMirror {
  readonly requests: Request[] = [];
  readonly faults = new Map<string, Fault>();
  /** When set, every request needs these Basic credentials (a private repository). */
  login?: { user: string; password: string };
  private server?: Server;
  url = '';

  constructor(private readonly root: string) {}

  async start(host = '127.0.0.1'): Promise<string> {
    this.server = createServer((request, response) => this.handle(request, response));
    this.server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve) => this.server!.listen(0, host, resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://${host}:${port}/`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Body bytes sent for paths ending in `suffix`. */
  bytesServed(suffix: string): number {
    return this.requests.filter((request) => request.path.endsWith(suffix)).reduce((sum, request) => sum + request.bytes, 0);
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = join(this.root, normalize(path));
    const record: Request = { path, authorization: request.headers.authorization, range: request.headers.range, status: 200, bytes: 0 };
    this.requests.push(record);
    if (this.login) {
      const expected = `Basic ${Buffer.from(`${this.login.user}:${this.login.password}`).toString('base64')}`;
      if (request.headers.authorization !== expected) {
        record.status = 401;
        response.writeHead(401, { 'www-authenticate': 'Basic realm="private"' }).end();
        return;
      }
    }
    let size: number;
    try {
      const info = statSync(file);
      if (!info.isFile()) throw new Error('not a file');
      size = info.size;
    } catch {
      record.status = 404;
      response.writeHead(404).end();
      return;
    }
    const fault = this.faults.get(path);
    if (fault && 'times' in fault && fault.times <= 0) this.faults.delete(path);
    const active = this.faults.get(path);
    if (active?.kind === 'status' && (!active.agent || active.agent.test(request.headers['user-agent'] ?? ''))) {
      active.times -= 1;
      record.status = active.status;
      response.writeHead(active.status).end();
      return;
    }
    if (active?.kind === 'redirect') {
      record.status = active.status ?? 302;
      response.writeHead(record.status, { location: active.location }).end();
      return;
    }
    if (active?.kind === 'longer') {
      this.longer(active, file, size, response, record);
      return;
    }
    if (active?.kind === 'drip' || active?.kind === 'content-length' || active?.kind === 'close-after-headers' || active?.kind === 'other-range') {
      active.times -= 1;
      this.misbehave(active, file, size, request, response, record);
      return;
    }
    let start = 0;
    let end = size - 1;
    const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
    if (range && active?.kind !== 'ignore-range') {
      start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
      end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start >= size || start > end) {
        record.status = 416;
        response.writeHead(416, { 'content-range': `bytes */${size}` }).end();
        return;
      }
      record.status = 206;
      response.writeHead(206, { 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}`, 'accept-ranges': 'bytes' });
    } else {
      response.writeHead(200, { 'content-length': size, 'accept-ranges': 'bytes' });
    }
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    if (active?.kind === 'tamper') {
      const body = readFileSync(file);
      body[Math.floor(body.length / 2)]! ^= 0xff;
      body[body.length - 1]! ^= 0x01;
      const slice = body.subarray(start, end + 1);
      record.bytes = slice.length;
      response.end(slice);
      return;
    }
    let limit = end - start + 1;
    if (active?.kind === 'truncate') limit = Math.floor(limit / 2);
    if (active?.kind === 'cut') limit = Math.min(limit, active.after);
    if (active && 'times' in active) active.times -= 1;
    const cutShort = limit < end - start + 1;
    if (active?.kind === 'slow') {
      this.drip(file, start, limit, active.bytesPerSecond, record, response);
      return;
    }
    const stream = createReadStream(file, { start, end: start + limit - 1 });
    stream.on('data', (chunk) => {
      record.bytes += chunk.length;
    });
    stream.pipe(response, { end: !cutShort });
    if (cutShort) stream.on('end', () => setTimeout(() => response.socket?.destroy(), 20));
  }

  /**
   * The faults that bend HTTP itself. A Range is honoured as `bytes=N-` (how
   * fetchVerified resumes); the drip also honours `bytes=N-M` (a torrent's HTTP fill).
   */
  private misbehave(fault: Extract<Fault, { kind: 'drip' | 'content-length' | 'close-after-headers' | 'other-range' }>, file: string, size: number, request: IncomingMessage, response: ServerResponse, record: Request): void {
    const body = readFileSync(file);
    const asked = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    const start = asked ? Number(asked[1]) : 0;
    const status = asked ? 206 : 200;
    const rangeHeader = (from: number) => (asked ? { 'content-range': `bytes ${from}-${size - 1}/${size}` } : {});
    record.status = status;
    if (fault.kind === 'drip') {
      const last = asked?.[2] ? Math.min(Number(asked[2]), size - 1) : size - 1;
      response.writeHead(status, { 'content-length': last - start + 1, ...(asked ? { 'content-range': `bytes ${start}-${last}/${size}` } : {}) });
      let sent = start;
      const drop = () => {
        if (response.destroyed || sent > last) {
          clearInterval(timer);
          response.end();
          return;
        }
        record.bytes += 1;
        response.write(body.subarray(sent, sent + 1));
        sent += 1;
      };
      const timer = setInterval(drop, 1000);
      drop();
      response.on('close', () => clearInterval(timer));
    } else if (fault.kind === 'content-length') {
      const slice = body.subarray(start);
      response.writeHead(status, { 'content-length': slice.length + fault.delta, ...rangeHeader(start) });
      record.bytes = slice.length;
      response.end(slice);
      if (fault.delta > 0) setTimeout(() => response.socket?.destroy(), 50);
    } else if (fault.kind === 'close-after-headers') {
      response.writeHead(status, { 'content-length': size - start, ...rangeHeader(start) });
      response.flushHeaders();
      setTimeout(() => response.socket?.destroy(), 50);
    } else {
      // Honest: a later range, said so. Lying: as many bytes as asked for, taken `shift` bytes earlier.
      const from = !asked ? 0 : fault.honest ? Math.min(size - 1, start + fault.shift) : Math.max(0, start - fault.shift);
      const slice = body.subarray(from, fault.honest ? size : from + (size - start));
      response.writeHead(status, { 'content-length': slice.length, ...rangeHeader(fault.honest ? from : start) });
      record.bytes = slice.length;
      response.end(slice);
    }
  }

  /** The whole file, then more, as fast as the client reads it (backpressure keeps the mirror's memory flat). */
  private longer(fault: Extract<Fault, { kind: 'longer' }>, file: string, size: number, response: ServerResponse, record: Request): void {
    const body = readFileSync(file);
    const filler = Buffer.alloc(1 << 16, 0x5a);
    response.writeHead(200, fault.declare && Number.isFinite(fault.extra) ? { 'content-length': size + fault.extra } : {});
    let extra = fault.extra;
    record.bytes += body.length;
    const pump = () => {
      while (!response.destroyed && extra > 0) {
        const piece = extra >= filler.length ? filler : filler.subarray(0, extra);
        extra -= piece.length;
        record.bytes += piece.length;
        if (!response.write(piece)) return;
      }
      if (extra <= 0 && !response.destroyed) response.end();
    };
    response.on('drain', pump);
    if (response.write(body)) pump();
  }

  private drip(file: string, start: number, length: number, rate: number, record: Request, response: ServerResponse): void {
    const body = readFileSync(file).subarray(start, start + length);
    const chunk = 16 * 1024;
    let sent = 0;
    const timer = setInterval(() => {
      if (response.destroyed || sent >= body.length) {
        clearInterval(timer);
        if (!response.destroyed) response.end();
        return;
      }
      const piece = body.subarray(sent, sent + chunk);
      sent += piece.length;
      record.bytes += piece.length;
      response.write(piece);
    }, Math.max(1, Math.round((chunk / rate) * 1000)));
    response.on('close', () => clearInterval(timer));
  }
}
