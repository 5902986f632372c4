import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRangeAnswer } from '../../src/torrent/range-answer.js';

const piece = { start: 262144, end: 524287, total: 1_000_000 };
const whole = { start: 0, end: 999_999, total: 1_000_000 };
const reason = (verdict: ReturnType<typeof checkRangeAnswer>) => (verdict.ok ? 'ok' : `${verdict.wrong ? 'wrong' : 'failed'}: ${verdict.reason}`);

describe('a web seed answer against the range asked', () => {
  it('takes 206 with the exact Content-Range and length; 200 only for the whole file', () => {
    assert.equal(reason(checkRangeAnswer({ status: 206, contentRange: 'bytes 262144-524287/1000000', contentLength: '262144' }, piece)), 'ok');
    assert.equal(reason(checkRangeAnswer({ status: 206, contentRange: 'bytes 262144-524287/*' }, piece)), 'ok', 'no length, total unknown');
    assert.equal(reason(checkRangeAnswer({ status: 200, contentLength: '1000000' }, whole)), 'ok');
    assert.equal(reason(checkRangeAnswer({ status: 206, contentRange: 'bytes 0-999999/1000000', contentEncoding: 'identity' }, whole)), 'ok');
  });

  it('refuses, as answers that cannot become right, a mirror that ignores Range, answers another range or file, or compresses', () => {
    assert.equal(reason(checkRangeAnswer({ status: 200, contentLength: '209715200' }, piece)), 'wrong: answered 200 (the whole file) to a Range request for bytes 262144-524287: the mirror ignores Range');
    assert.equal(reason(checkRangeAnswer({ status: 206, contentRange: 'bytes 0-262143/1000000' }, piece)), 'wrong: answered bytes 262144-524287 with bytes 0-262143');
    assert.equal(reason(checkRangeAnswer({ status: 206, contentRange: 'bytes 262144-524287/2000000' }, piece)), 'wrong: says the file has 2000000 bytes, the torrent 1000000');
    assert.equal(reason(checkRangeAnswer({ status: 206 }, piece)), 'wrong: answered 206 to bytes 262144-524287 with no Content-Range');
    assert.equal(reason(checkRangeAnswer({ status: 206, contentRange: 'bytes 262144-524287/1000000, bytes 0-1/1000000' }, piece)), 'wrong: answered 206 to bytes 262144-524287 with Content-Range "bytes 262144-524287/1000000, bytes 0-1/1000000"');
    assert.equal(reason(checkRangeAnswer({ status: 206, contentRange: 'bytes 262144-524287/1000000', contentLength: '209715200' }, piece)), 'wrong: declared "209715200" bytes for bytes 262144-524287 (262144 bytes)');
    assert.equal(reason(checkRangeAnswer({ status: 206, contentRange: 'bytes 262144-524287/1000000', contentEncoding: 'gzip' }, piece)), 'wrong: sent bytes 262144-524287 with Content-Encoding "gzip"');
    assert.equal(reason(checkRangeAnswer({ status: 204 }, piece)), 'wrong: answered 204 to a Range request for bytes 262144-524287');
  });

  it('leaves other statuses, which may pass, to the fetch policy', () => {
    assert.equal(reason(checkRangeAnswer({ status: 404 }, piece)), 'failed: HTTP status 404');
    assert.equal(reason(checkRangeAnswer({ status: 503 }, piece)), 'failed: HTTP status 503');
  });

  it('quotes a hostile header briefly', () => {
    const verdict = checkRangeAnswer({ status: 206, contentRange: `bytes ${'9'.repeat(10_000)}` }, piece);
    assert.ok(!verdict.ok && verdict.reason.length < 200, reason(verdict).slice(0, 300));
  });
});
