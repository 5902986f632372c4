/**
 * Fuzzing the method protocol: whatever bytes arrive on stdin, the reader
 * returns messages or refuses with E_APT_PARSE (never another error, never
 * more than its limits in memory), however the bytes are cut; whatever text
 * goes into a field (a URI, a server's error), the writer's message reads
 * back as exactly the fields written, each on one line.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AptTorrentError } from '../../src/errors.js';
import { dequote, parseConfiguration } from '../../src/method/apt-settings.js';
import { readAcquire } from '../../src/method/acquire.js';
import { listFileName } from '../../src/apt/list-name.js';
import { MAX_LINE_BYTES, MessageReader } from '../../src/method/message-reader.js';
import { formatMessage, safeValue } from '../../src/method/message-writer.js';
import type { MethodMessage } from '../../src/method/message.js';
import { anyText, check, onlyThrows, reportRuns, soup, timed } from '../faults/helpers/fuzz.js';

reportRuns('method');

const parseError = (error: unknown) => error instanceof AptTorrentError && error.code === 'E_APT_PARSE';

/** Feed `bytes` cut at the given offsets; the messages, or undefined once refused. */
function readCut(bytes: Buffer, cuts: number[]): MethodMessage[] | undefined {
  const reader = new MessageReader();
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const messages: MethodMessage[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    const got = onlyThrows(() => reader.push(bytes.subarray(from, point)), parseError);
    if (!got) return undefined;
    messages.push(...got);
    from = point;
  }
  return messages;
}

describe('fuzz: method messages read from APT', () => {
  const stream = soup([
    '600 URI Acquire\n', '601 Configuration\n', '100 Capabilities\n', 'URI: torrent+http://m/a.deb\n', 'Filename: /var/cache/apt/archives/partial/a.deb\n',
    `Expected-SHA256: ${'a'.repeat(64)}\n`, 'Expected-Checksum-FileSize: 12\n', 'Config-Item: Dir::Cache=%2fx\n', ' continued\n', ' .\n',
    '\n', '\r\n', '\n\n', 'Target-Type: deb\n', 'Index-File: true\n', ':', ': ', 'Field', '600', ' ',
  ], 60);

  it('returns messages or refuses with E_APT_PARSE, the same however the bytes are cut', () => {
    check('reader', fc.tuple(stream, fc.array(fc.nat(), { maxLength: 8 })), ([text, cuts]) => {
      const bytes = Buffer.from(text, 'utf8');
      const whole = readCut(bytes, []);
      const pieces = readCut(bytes, cuts);
      assert.deepEqual(pieces, whole, 'a refusal or the same messages, whatever the cuts');
      if (whole === undefined) return;
      for (const message of whole) {
        assert.ok(Number.isInteger(message.code) && message.code >= 0 && message.code <= 999);
        for (const [name] of message.fields) assert.ok(name !== '' && !name.includes(':') && !name.includes('\n'), JSON.stringify(name));
        // What the session reads from an acquire holds no surprises either.
        const acquire = readAcquire(message);
        if (acquire) assert.ok(acquire.size === undefined || Number.isSafeInteger(acquire.size));
        parseConfiguration(message);
      }
    }, 3000);
  });

  it('a flood without newline is refused at the line limit, in linear time', () => {
    const reader = new MessageReader();
    const chunk = Buffer.alloc(4096, 0x61);
    let sent = 0;
    assert.throws(() => timed(() => {
      for (;;) {
        reader.push(chunk);
        sent += chunk.length;
      }
    }, 1000), parseError);
    assert.ok(sent <= MAX_LINE_BYTES, `held ${sent} bytes`);
  });

  it('ten thousand messages in one chunk are read in linear time', () => {
    const one = `600 URI Acquire\nURI: torrent+http://m/pool/a.deb\nFilename: /x/partial/a.deb\nExpected-SHA256: ${'b'.repeat(64)}\n\n`;
    assert.equal(timed(() => new MessageReader().push(Buffer.from(one.repeat(10_000))), 2000).length, 10_000);
  });
});

describe('fuzz: method messages written to APT', () => {
  const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,15}$/);
  const fields = fc.array(fc.tuple(name, fc.oneof(anyText, fc.string({ maxLength: 40, unit: 'binary' }))), { maxLength: 6 });

  it('reads back as exactly the fields written, each value on one line', () => {
    check('writer', fc.tuple(fc.integer({ min: 100, max: 999 }), fields), ([code, written]) => {
      const text = formatMessage(code, 'URI Done', written);
      const messages = new MessageReader().push(Buffer.from(text, 'utf8'));
      assert.equal(messages.length, 1, JSON.stringify(text));
      const kept = written.filter(([, value]) => safeValue(value) !== '');
      assert.deepEqual(messages[0]!.fields, kept.map(([key, value]) => [key, safeValue(value)]));
      assert.equal(messages[0]!.code, code);
    }, 3000);
  });

  it('never lets a value carry a control character', () => {
    check('safe-value', fc.string({ maxLength: 60, unit: 'binary' }), (value) => {
      assert.doesNotMatch(safeValue(value), /[\u0000-\u001f\u007f]/);
    }, 2000);
  });
});

describe('fuzz: names and escapes APT hands over', () => {
  it('dequote and listFileName return text for any input', () => {
    check('dequote', soup(['%', '%2', '%2f', '%e2%82', '%zz', '%25', 'a', '/']), (text) => {
      assert.equal(typeof dequote(text), 'string');
    }, 1000);
    check('list-name', soup(['torrent+http://', 'http://', 'u:p@', '[::1]', ':8080', '/dists/', 'stable', '/', '_', '%', ' ', '~']), (text) => {
      const name = listFileName(text);
      if (name !== undefined) assert.doesNotMatch(name, /[/\s\u0000-\u001f]/, name);
    }, 1000);
  });
});
