import { AptTorrentError } from '../errors.js';
import type { MethodMessage } from './message.js';

/** The longest line APT has a reason to send: a Config-Item is a few hundred bytes. */
export const MAX_LINE_BYTES = 64 * 1024;
/** The largest message: a whole `601 Configuration` is about 15 KB on a real system. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

const NEWLINE = 0x0a;

/**
 * Turns the bytes APT writes to a method's stdin into messages, whatever
 * the chunking. Bounded: a line over MAX_LINE_BYTES or a message over
 * MAX_MESSAGE_BYTES is refused (E_APT_PARSE) instead of buffered, and so is
 * anything that is not a status line followed by `Field: value` lines. After
 * a refusal the reader refuses everything: the stream has lost its framing.
 * Pure: no I/O.
 */
export class MessageReader {
  /** Bytes of the line not yet ended by a newline. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Lines of the message being read. */
  private lines: string[] = [];
  private messageBytes = 0;
  private broken?: AptTorrentError;

  /** Feed a chunk; returns the messages it completed, in order. */
  push(chunk: Uint8Array): MethodMessage[] {
    if (this.broken) throw this.broken;
    try {
      return this.read(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } catch (error) {
      this.broken = error as AptTorrentError;
      throw error;
    }
  }

  /** True when bytes of an unfinished message are held (a stream that ends here was cut). */
  get midMessage(): boolean {
    return this.pendingBytes > 0 || this.lines.length > 0;
  }

  private read(chunk: Buffer): MethodMessage[] {
    const done: MethodMessage[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      this.pendingBytes += end - start;
      this.messageBytes += end - start + (newline === -1 ? 0 : 1);
      if (this.pendingBytes > MAX_LINE_BYTES) {
        throw new AptTorrentError('E_APT_PARSE', `APT sent a line longer than ${MAX_LINE_BYTES} bytes; refusing it`);
      }
      if (this.messageBytes > MAX_MESSAGE_BYTES) {
        throw new AptTorrentError('E_APT_PARSE', `APT sent a message larger than ${MAX_MESSAGE_BYTES} bytes; refusing it`);
      }
      if (end > start) this.pending.push(chunk.subarray(start, end));
      if (newline === -1) return done;
      const line = Buffer.concat(this.pending, this.pendingBytes).toString('utf8').replace(/\r$/, '');
      this.pending = [];
      this.pendingBytes = 0;
      start = newline + 1;
      if (line !== '') {
        this.lines.push(line);
      } else if (this.lines.length > 0) {
        done.push(parseMessage(this.lines));
        this.lines = [];
        this.messageBytes = 0;
      } else {
        // Blank lines between messages carry nothing.
        this.messageBytes = 0;
      }
    }
  }
}

/** A message's lines (without the blank line that ended it) to a message. */
export function parseMessage(lines: readonly string[]): MethodMessage {
  const status = /^(\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
  if (!status) throw new AptTorrentError('E_APT_PARSE', `APT sent a message that does not start with a status line: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  const message: MethodMessage = { code: Number(status[1]), text: (status[2] ?? '').trim(), fields: [] };
  for (const line of lines.slice(1)) {
    if (line.startsWith(' ')) {
      // A continuation line; a lone "." stands for an empty line.
      const last = message.fields.at(-1);
      if (!last) throw new AptTorrentError('E_APT_PARSE', `APT sent a continuation line before any field in "${message.code} ${message.text}"`);
      const more = line.slice(1).trimEnd();
      last[1] = `${last[1]}\n${more === '.' ? '' : more}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new AptTorrentError('E_APT_PARSE', `APT sent a line that is not "Field: value" in "${message.code} ${message.text}": ${JSON.stringify(line.slice(0, 80))}`);
    message.fields.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return message;
}
