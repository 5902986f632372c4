import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AptTorrentError } from '../../src/errors.js';
import { field, fieldValues } from '../../src/method/message.js';
import { MAX_LINE_BYTES, MAX_MESSAGE_BYTES, MessageReader } from '../../src/method/message-reader.js';
import { formatMessage } from '../../src/method/message-writer.js';

const parseError = (error: unknown) => error instanceof AptTorrentError && error.code === 'E_APT_PARSE';

/** A `600 URI Acquire` for a .deb as APT 2.6 sends it (recorded with Debug::pkgAcquire::Worker). */
const ACQUIRE = [
  '600 URI Acquire',
  'URI: torrent+http://127.0.0.1:18080/pool/main/s/small/small_1.0_all.deb',
  'Filename: /var/cache/apt/archives/partial/small_1%3a1.0_all.deb',
  `Expected-SHA256: ${'0d'.repeat(32)}`,
  'Expected-Checksum-FileSize: 30912',
  'Target-Repo-URI: torrent+http://127.0.0.1:18080/',
  'Target-Release: stable',
  'Target-Type: deb',
  '',
  '',
].join('\n');

describe('method protocol: reading', () => {
  it('reads a message with its fields, names compared without case', () => {
    const [message, ...rest] = new MessageReader().push(Buffer.from(ACQUIRE));
    assert.equal(rest.length, 0);
    assert.equal(message!.code, 600);
    assert.equal(message!.text, 'URI Acquire');
    assert.equal(field(message!, 'uri'), 'torrent+http://127.0.0.1:18080/pool/main/s/small/small_1.0_all.deb');
    assert.equal(field(message!, 'FileName'), '/var/cache/apt/archives/partial/small_1%3a1.0_all.deb');
    assert.equal(field(message!, 'Expected-Checksum-FileSize'), '30912');
    assert.equal(field(message!, 'Missing'), undefined);
  });

  it('gives the same messages however the bytes are cut, one byte at a time included', () => {
    const bytes = Buffer.from(`${ACQUIRE}\n\n601 Configuration\nConfig-Item: Dir=/\nConfig-Item: APT::Sandbox::User=_apt\n\n`);
    const whole = new MessageReader().push(bytes);
    const reader = new MessageReader();
    const piecewise = [...bytes].flatMap((byte) => reader.push(Buffer.from([byte])));
    assert.deepEqual(piecewise, whole);
    assert.equal(whole.length, 2);
    assert.deepEqual(fieldValues(whole[1]!, 'config-item'), ['Dir=/', 'APT::Sandbox::User=_apt']);
    assert.equal(reader.midMessage, false);
  });

  it('takes CRLF line ends, blank lines between messages and continuation lines', () => {
    const messages = new MessageReader().push(Buffer.from('\r\n\n102 Status\r\nURI: x\r\nMessage: one\r\n two\r\n .\r\n three\r\n\r\n'));
    assert.equal(messages.length, 1);
    assert.equal(field(messages[0]!, 'Message'), 'one\ntwo\n\nthree');
  });

  it('holds an unfinished message until its blank line comes', () => {
    const reader = new MessageReader();
    assert.deepEqual(reader.push(Buffer.from('600 URI Acquire\nURI: a\n')), []);
    assert.equal(reader.midMessage, true);
    assert.equal(reader.push(Buffer.from('\n')).length, 1);
  });

  it('refuses what is not a method message, and everything after it', () => {
    for (const text of ['hello\n\n', '600 URI Acquire\nno colon here\n\n', '60 URI Acquire\n\n', '600 URI Acquire\n continuation first\n\n', '600 URI Acquire\n: empty name\n\n']) {
      const reader = new MessageReader();
      assert.throws(() => reader.push(Buffer.from(text)), parseError, JSON.stringify(text));
      assert.throws(() => reader.push(Buffer.from('600 URI Acquire\nURI: a\n\n')), parseError, 'a broken stream stays refused');
    }
  });

  it('refuses a line over 64 KiB and a message over 1 MiB without holding more', () => {
    const longLine = new MessageReader();
    assert.throws(() => longLine.push(Buffer.from(`600 URI Acquire\nURI: ${'a'.repeat(MAX_LINE_BYTES)}`)), (error: unknown) => parseError(error) && /longer than 65536 bytes/.test((error as Error).message));
    const bigMessage = new MessageReader();
    const line = `Config-Item: Key=${'v'.repeat(1000)}\n`;
    let thrown: unknown;
    try {
      bigMessage.push(Buffer.from('601 Configuration\n'));
      for (let sent = 0; sent <= MAX_MESSAGE_BYTES; sent += line.length) bigMessage.push(Buffer.from(line));
    } catch (error) {
      thrown = error;
    }
    assert.ok(parseError(thrown) && /larger than 1048576 bytes/.test((thrown as Error).message), String(thrown));
  });
});

describe('method protocol: writing', () => {
  it('writes a status line, the fields, and the blank line; leaves empty values out', () => {
    const text = formatMessage(201, 'URI Done', [['URI', 'torrent+http://m/a.deb'], ['Size', 12], ['IMS-Hit', undefined], ['Resume-Point', ''], ['Transient-Failure', true]]);
    assert.equal(text, '201 URI Done\nURI: torrent+http://m/a.deb\nSize: 12\nTransient-Failure: true\n\n');
  });

  it('no value can end its line: newlines and other controls become spaces', () => {
    const hostile = 'HTTP 500\n\n201 URI Done\nURI: x\r\nFilename: /etc/shadow\u0000\u001b[2J';
    const text = formatMessage(400, 'URI Failure', [['URI', 'torrent+http://m/a.deb'], ['Message', hostile]]);
    const messages = new MessageReader().push(Buffer.from(text));
    assert.equal(messages.length, 1);
    assert.deepEqual(messages[0]!.fields.map(([name]) => name), ['URI', 'Message']);
    assert.doesNotMatch(field(messages[0]!, 'Message')!, /[\n\r\u0000\u001b]/);
    assert.match(field(messages[0]!, 'Message')!, /^HTTP 500 {2}201 URI Done URI: x {2}Filename: \/etc\/shadow {2}\[2J$/);
  });

  it('refuses a status text or field name that APT would refuse', () => {
    assert.throws(() => formatMessage(200, 'URI\nStart'), /not a method message text/);
    assert.throws(() => formatMessage(200, 'URI Start', [['URI: x\nFilename', 'y']]), /not a method field name/);
    assert.throws(() => formatMessage(2000, 'URI Start'), /not a method message code/);
  });
});
