/**
 * Bencoding (BEP 3), the format of .torrent files. Pure: values in, bytes out
 * and back. Written here rather than taken from npm because it is small, and
 * because infohashes must be computed over the exact bytes of the `info`
 * value: `rawValue` returns that slice as it is in the file, so a torrent made
 * by another tool (mktorrent) hashes the same even if it were not canonical.
 *
 * Dictionary keys are byte strings; they are read and written as latin1 so
 * that every byte survives a round trip and JS string order equals byte order
 * (which BEP 3 requires for keys). Byte-string values decode to Buffers.
 */

export type BValue = number | Buffer | BValue[] | BDict;
export interface BDict {
  [key: string]: BValue;
}
/** What `encode` accepts: strings are written as UTF-8. */
export type BInput = number | string | Uint8Array | BInput[] | { [key: string]: BInput | undefined };

/** Decoding refuses nesting deeper than this: a hostile file must not blow the stack. */
const MAX_DEPTH = 64;

/**
 * Encode a value. Dictionary keys are sorted by their bytes; keys whose
 * value is `undefined` are left out, so optional fields need no special care.
 * @example encode({ b: 1, a: 'x' }).toString() === 'd1:a1:x1:bi1ee'
 */
export function encode(value: BInput): Buffer {
  const parts: Buffer[] = [];
  write(value, parts);
  return Buffer.concat(parts);
}

function write(value: BInput, parts: Buffer[]): void {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`bencode: only safe integers can be encoded, got ${value}`);
    parts.push(Buffer.from(`i${value}e`, 'latin1'));
  } else if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    parts.push(Buffer.from(`${bytes.length}:`, 'latin1'), bytes);
  } else if (value instanceof Uint8Array) {
    parts.push(Buffer.from(`${value.length}:`, 'latin1'), Buffer.from(value.buffer, value.byteOffset, value.length));
  } else if (Array.isArray(value)) {
    parts.push(Buffer.from('l', 'latin1'));
    for (const item of value) write(item, parts);
    parts.push(Buffer.from('e', 'latin1'));
  } else {
    parts.push(Buffer.from('d', 'latin1'));
    for (const key of Object.keys(value).sort()) {
      const item = value[key];
      if (item === undefined) continue;
      const keyBytes = Buffer.from(key, 'latin1');
      parts.push(Buffer.from(`${keyBytes.length}:`, 'latin1'), keyBytes);
      write(item, parts);
    }
    parts.push(Buffer.from('e', 'latin1'));
  }
}

/** Thrown for malformed input; `offset` is where the parser gave up. */
export class BencodeError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`bencode: ${message} at byte ${offset}`);
    this.name = 'BencodeError';
  }
}

/**
 * Decode one value that must span the whole input.
 * @example decode(Buffer.from('d3:fooi42ee')) // { foo: 42 }
 */
export function decode(data: Uint8Array): BValue {
  const reader = new Reader(toBuffer(data));
  const value = reader.value(0);
  if (reader.at !== reader.data.length) throw new BencodeError('trailing bytes after the value', reader.at);
  return value;
}

/**
 * The exact bytes of one top-level dictionary value, e.g. the `info` of a
 * .torrent (whose SHA1 is the infohash); undefined when the key is absent.
 */
export function rawValue(data: Uint8Array, key: string): Buffer | undefined {
  const buffer = toBuffer(data);
  const reader = new Reader(buffer);
  if (buffer[0] !== 0x64 /* d */) throw new BencodeError('expected a dictionary', 0);
  reader.at = 1;
  let found: Buffer | undefined;
  const names = new Set<string>();
  // The whole dictionary is read: the value returned must be the only one under its key, as in `decode`.
  while (buffer[reader.at] !== 0x65 /* e */) {
    if (reader.at >= buffer.length) throw new BencodeError('unterminated dictionary', reader.at);
    const at = reader.at;
    const name = reader.bytes().toString('latin1');
    if (names.has(name)) throw new BencodeError(`duplicate key ${excerpt(name)}`, at);
    names.add(name);
    const start = reader.at;
    reader.value(1);
    if (name === key) found = buffer.subarray(start, reader.at);
  }
  return found;
}

/** Hostile input quoted in a message: short, and with control characters escaped. */
function excerpt(text: string): string {
  return JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}...` : text);
}

function toBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
}

class Reader {
  at = 0;
  constructor(readonly data: Buffer) {}

  value(depth: number): BValue {
    if (depth > MAX_DEPTH) throw new BencodeError('nested too deeply', this.at);
    const byte = this.data[this.at];
    if (byte === undefined) throw new BencodeError('unexpected end of input', this.at);
    if (byte === 0x69 /* i */) return this.integer();
    if (byte >= 0x30 && byte <= 0x39) return this.bytes();
    if (byte === 0x6c /* l */) {
      this.at += 1;
      const list: BValue[] = [];
      while (this.peekNotEnd()) list.push(this.value(depth + 1));
      this.at += 1;
      return list;
    }
    if (byte === 0x64 /* d */) {
      this.at += 1;
      // A null prototype: a key named __proto__ is data, not a prototype change.
      const dict = Object.create(null) as BDict;
      while (this.peekNotEnd()) {
        const at = this.at;
        const key = this.bytes().toString('latin1');
        // BEP 3 keys are unique; with two `info`s, which one is checked and which one is hashed would be a guess.
        if (key in dict) throw new BencodeError(`duplicate key ${excerpt(key)}`, at);
        dict[key] = this.value(depth + 1);
      }
      this.at += 1;
      return dict;
    }
    throw new BencodeError(`unexpected byte 0x${byte.toString(16)}`, this.at);
  }

  private peekNotEnd(): boolean {
    const byte = this.data[this.at];
    if (byte === undefined) throw new BencodeError('unterminated list or dictionary', this.at);
    return byte !== 0x65 /* e */;
  }

  private integer(): number {
    const end = this.data.indexOf(0x65 /* e */, this.at);
    if (end === -1) throw new BencodeError('unterminated integer', this.at);
    const text = this.data.toString('latin1', this.at + 1, end);
    // BEP 3: no leading zeros, no negative zero.
    if (!/^(0|-?[1-9]\d*)$/.test(text)) throw new BencodeError(`invalid integer ${excerpt(text)}`, this.at);
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw new BencodeError(`integer ${excerpt(text)} is too large`, this.at);
    this.at = end + 1;
    return value;
  }

  bytes(): Buffer {
    const colon = this.data.indexOf(0x3a /* : */, this.at);
    if (colon === -1 || colon - this.at > 15) throw new BencodeError('invalid string length', this.at);
    const text = this.data.toString('latin1', this.at, colon);
    if (!/^(0|[1-9]\d*)$/.test(text)) throw new BencodeError(`invalid string length ${JSON.stringify(text)}`, this.at);
    const start = colon + 1;
    const end = start + Number(text);
    if (end > this.data.length) throw new BencodeError('string runs past the end of input', this.at);
    this.at = end;
    return this.data.subarray(start, end);
  }
}
