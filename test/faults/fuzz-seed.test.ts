/**
 * Fuzzing what the seeding daemon reads: control-socket lines (from any
 * local user the socket lets in), its state file and store facts (after a
 * crash, or edited by hand), install's hand-over records, and the Packages
 * lookup clean decides by.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parsePackages } from '../../src/apt/packages.js';
import { checkFacts, isPlainName } from '../../src/seed/entry.js';
import { findBySha256 } from '../../src/apt/packages.js';
import { candidateFacts } from '../../src/seed/ingest.js';
import { LineSplitter, MAX_LINE, parseRequest, parseResponse, ProtocolError } from '../../src/seed/protocol.js';
import { parseState } from '../../src/seed/state-file.js';
import { anyText, check, onlyThrows, reportRuns, soup, timed } from './helpers/fuzz.js';

reportRuns('seed');

const protocolError = (error: unknown) => error instanceof ProtocolError;
const HASH = 'a'.repeat(40);
const SHA = 'b'.repeat(64);

/** JSON objects shaped like requests, with hostile values in every field. */
const requestLike = fc
  .record({
    cmd: fc.oneof(fc.constantFrom('list', 'add', 'pause', 'resume', 'stop', 'remove', '__proto__', 'constructor', 'toString'), anyText, fc.jsonValue({ maxDepth: 1 })),
    targets: fc.oneof(fc.array(anyText, { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })),
    all: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 1 })),
    infoHashes: fc.oneof(fc.array(fc.oneof(fc.constant(HASH), fc.constant(HASH.toUpperCase()), anyText), { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })),
  }, { requiredKeys: [] })
  .map((value) => JSON.stringify(value));

describe('fuzz: the control socket protocol', () => {
  it('parseRequest gives a well-formed request or a ProtocolError for any line', () => {
    const line = fc.oneof({ weight: 3, arbitrary: requestLike }, { weight: 1, arbitrary: soup(['{', '}', '"cmd"', ':', '"pause"', '"targets"', '[', ']', ',', 'true', '"all"']) });
    check('socket-request', line, (text) => {
      const request = onlyThrows(() => parseRequest(text), protocolError);
      if (!request) return;
      assert.ok(['list', 'add', 'pause', 'resume', 'stop', 'remove'].includes(request.cmd));
      if (request.cmd === 'remove') for (const hash of request.infoHashes) assert.match(hash, /^[0-9a-f]{40}$/);
      if (request.cmd === 'pause' || request.cmd === 'resume' || request.cmd === 'stop') {
        assert.ok(request.targets.every((target) => typeof target === 'string'));
        assert.ok(request.all || request.targets.length > 0);
      }
    }, 2000);
  });

  it('parseResponse gives a response with ok, or a ProtocolError', () => {
    const line = fc.oneof(
      fc.record({ ok: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 1 })), error: fc.jsonValue({ maxDepth: 2 }), torrents: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
      soup(['{', '}', '"ok"', ':', 'true', 'false', '"error"', '"code"', '"message"', ',']),
    );
    check('socket-response', line, (text) => {
      const response = onlyThrows(() => parseResponse(text), protocolError);
      if (!response) return;
      assert.equal(typeof response.ok, 'boolean');
      if (!response.ok) assert.equal(typeof response.error.message, 'string');
    }, 1000);
  });

  it('LineSplitter returns whole lines and refuses one past MAX_LINE, however the bytes are chunked', () => {
    check('socket-lines', fc.array(fc.oneof(fc.constantFrom('\n', '{"cmd":"list"}', '{"cmd":"list"}\n', ' \n'), fc.string({ maxLength: 20 })), { maxLength: 30 }), (chunks) => {
      const splitter = new LineSplitter(64);
      const lines: string[] = [];
      try {
        for (const chunk of chunks) lines.push(...splitter.push(chunk));
      } catch (error) {
        assert.ok(protocolError(error));
        return;
      }
      for (const line of lines) {
        assert.ok(!line.includes('\n') && line.length <= 64 && line.trim() !== '');
      }
      const whole = chunks.join('');
      assert.deepEqual(lines, whole.split('\n').slice(0, -1).filter((line) => line.trim() !== ''));
    }, 2000);
  });

  it('corpus: a megabyte without a newline, sent a byte at a time or at once, is refused in bounded time', () => {
    for (const size of [1, 4096]) {
      const splitter = new LineSplitter();
      assert.throws(() => timed(() => {
        for (let sent = 0; sent < 1_000_000; sent += size) splitter.push('x'.repeat(size));
      }, 2000), protocolError);
    }
    assert.throws(() => parseRequest(`{"cmd":"pause","targets":${'['.repeat(100_000)}${']'.repeat(100_000)}}`), protocolError);
    assert.throws(() => parseRequest('{"cmd":"remove","infoHashes":["../../etc"]}'), protocolError);
    assert.equal(MAX_LINE, 64 * 1024);
  });
});

describe('fuzz: the state file, store facts and hand-over records', () => {
  const counters = fc.record({
    uploaded: fc.oneof(fc.nat(), fc.double(), fc.jsonValue({ maxDepth: 1 })),
    seedSeconds: fc.oneof(fc.nat(), fc.double(), fc.constant(-1)),
    paused: fc.jsonValue({ maxDepth: 1 }),
    idle: fc.jsonValue({ maxDepth: 1 }),
    base: fc.jsonValue({ maxDepth: 2 }),
  }, { requiredKeys: [] });
  const state = fc.oneof(
    fc.record({ version: fc.oneof(fc.constant(1), fc.jsonValue({ maxDepth: 1 })), torrents: fc.oneof(fc.dictionary(fc.oneof(fc.constant(HASH), fc.constant('__proto__'), anyText), counters, { maxKeys: 3 }), fc.jsonValue({ maxDepth: 2 })) }, { requiredKeys: [] })
      .map((value) => JSON.stringify(value)),
    soup(['{"version":1,"torrents":{', `"${HASH}":`, '{"uploaded":5}', '}}', ',', '"']),
  );

  it('parseState gives counters that are finite and non-negative, or throws', () => {
    check('state-file', state, (text) => {
      let parsed;
      try {
        parsed = parseState(text);
      } catch (error) {
        assert.ok(error instanceof Error && error.message.length < 300);
        return;
      }
      for (const [infoHash, value] of parsed) {
        assert.match(infoHash, /^[0-9a-f]{40}$/);
        for (const number of [value.uploaded, value.seedSeconds, value.base.uploaded, value.base.seedSeconds]) assert.ok(Number.isFinite(number) && number >= 0, String(number));
        assert.equal(typeof value.paused, 'boolean');
      }
    }, 2000);
  });

  const facts = fc.record({
    infoHash: fc.oneof(fc.constant(HASH), anyText),
    sha256: fc.oneof(fc.constant(SHA), anyText),
    package: fc.oneof(fc.constant('bigdata'), anyText),
    name: fc.oneof(fc.constantFrom('bigdata_1.0_all.deb', '../x.deb', 'a/b', '.', '..', 'x'.repeat(300)), anyText),
    path: fc.oneof(fc.constantFrom('/var/cache/apt/archives/bigdata_1.0_all.deb', '../../etc/passwd', '/'), anyText),
    size: fc.oneof(fc.integer(), fc.constantFrom(0, 1, 2 ** 53, 1e308, -1), fc.jsonValue({ maxDepth: 1 })),
    pieceLength: fc.oneof(fc.constantFrom(1 << 20, 0, 1, 2 ** 40), fc.jsonValue({ maxDepth: 1 })),
    trackers: fc.jsonValue({ maxDepth: 2 }),
  }, { requiredKeys: [] });

  it('checkFacts and candidateFacts keep only facts whose infohash and name are safe to make paths of', () => {
    check('store-facts', facts, (raw) => {
      for (const result of [checkFacts(raw), candidateFacts(raw), checkFacts(JSON.parse(JSON.stringify(raw)))]) {
        if (typeof result === 'string') continue;
        assert.match(result.infoHash, /^[0-9a-f]{40}$/);
        assert.ok(isPlainName(result.name) && !/[/\\\0]/.test(result.name) && result.name !== '..', result.name);
        assert.ok(Number.isSafeInteger(result.size) && result.size > 0);
        assert.ok(result.trackers.every((url) => typeof url === 'string'));
      }
    }, 2000);
  });
});

describe('fuzz: the Packages lookup clean decides by', () => {
  it('findBySha256 finds only entries with a wanted SHA256, as parsePackages reads them', () => {
    const field = fc.oneof(
      fc.constantFrom('Package: a', 'Version: 1', `SHA256: ${SHA}`, `SHA256: ${SHA.toUpperCase()}`, `SHA256:${SHA}`, 'Filename: pool/a.deb', 'Size: 10', ' cont'),
      fc.tuple(fc.constantFrom('Package', 'SHA256', 'Filename', 'Size'), anyText).map(([key, value]) => `${key}: ${value}`),
    );
    const text = fc.array(field, { maxLength: 16 }).map((lines) => lines.join('\n'));
    check('clean-lookup', text, (index) => {
      const found = findBySha256(index, new Set([SHA]));
      // One stanza here (no empty line is generated): what parsePackages reads of it is what APT reads.
      assert.deepEqual(found, parsePackages(index).filter((entry) => entry.sha256 === SHA));
    }, 1500);
  });

  it('corpus: a stanza whose last SHA256 (the one APT reads) is another file\'s is not taken', () => {
    assert.deepEqual(findBySha256(`Package: a\nVersion: 1\nFilename: pool/a.deb\nSize: 10\nSHA256: ${SHA}\nSHA256: ${'c'.repeat(64)}\n`, new Set([SHA])), []);
    assert.equal(findBySha256(`Package: a\nFilename: pool/a.deb\nSize: 10\nSHA256: ${SHA}\nSHA256: ${SHA}\n`, new Set([SHA])).length, 1, 'each stanza once');
  });
});
