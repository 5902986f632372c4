import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter, parseRequest, parseResponse, ProtocolError, serialize } from '../../src/seed/protocol.js';

describe('control protocol', () => {
  it('parses every request the CLI sends', () => {
    assert.deepEqual(parseRequest('{"cmd":"list"}'), { cmd: 'list' });
    assert.deepEqual(parseRequest('{"cmd":"add"}'), { cmd: 'add' });
    assert.deepEqual(parseRequest('{"cmd":"pause","targets":["bigdata","x=1.0"]}'), { cmd: 'pause', targets: ['bigdata', 'x=1.0'], all: false });
    assert.deepEqual(parseRequest('{"cmd":"stop","all":true}'), { cmd: 'stop', targets: [], all: true });
    assert.deepEqual(parseRequest(`{"cmd":"remove","infoHashes":["${'a'.repeat(40)}"]}`), { cmd: 'remove', infoHashes: ['a'.repeat(40)] });
  });

  it('round-trips through serialize', () => {
    const request = { cmd: 'resume' as const, targets: ['a'], all: false };
    assert.deepEqual(parseRequest(serialize(request).trim()), request);
  });

  it('refuses what is not a request, saying why', () => {
    const refuses = (line: string, reason: RegExp) => assert.throws(() => parseRequest(line), (error: Error) => error instanceof ProtocolError && reason.test(error.message));
    refuses('not json', /one JSON object per line/);
    refuses('[1]', /a JSON object/);
    refuses('{"cmd":"rm -rf"}', /unknown command "rm -rf"/);
    refuses('{"cmd":"pause"}', /needs targets or all/);
    refuses('{"cmd":"pause","targets":[1]}', /list of strings/);
    refuses('{"cmd":"remove","infoHashes":["../../etc"]}', /infohashes/);
  });

  it('parses responses and refuses answers without ok, code or message', () => {
    assert.deepEqual(parseResponse('{"ok":true,"torrents":[]}'), { ok: true, torrents: [] });
    assert.equal(parseResponse('{"ok":false,"error":{"code":"E_NOT_SEEDED","message":"m"}}').ok, false);
    assert.throws(() => parseResponse('{"torrents":[]}'), ProtocolError);
    assert.throws(() => parseResponse('{"ok":false}'), ProtocolError);
    assert.throws(() => parseResponse('<html>'), ProtocolError);
  });

  it('splits lines across chunks and bounds a line\'s length', () => {
    const splitter = new LineSplitter(10);
    assert.deepEqual(splitter.push('{"a"'), []);
    assert.deepEqual(splitter.push(':1}\n\n{"b":2}\n{'), ['{"a":1}', '{"b":2}']);
    assert.throws(() => splitter.push('x'.repeat(20)), /longer than 10/);
  });
});
