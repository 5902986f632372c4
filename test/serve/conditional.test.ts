import assert from 'node:assert/strict';
import { test } from 'node:test';
import { etagOf, lastModifiedOf, notModified, rangeAllowed } from '../../src/serve/conditional.js';

const file = { size: 302380, mtimeMs: 1795305438123.4 };
const etag = etagOf(file);

test('validators come from size and mtime', () => {
  assert.equal(etag, `"49d2c-${Math.floor(file.mtimeMs).toString(16)}"`);
  assert.notEqual(etagOf({ ...file, size: 1 }), etag);
  assert.equal(lastModifiedOf(file), new Date(1795305438000).toUTCString());
});

test('If-None-Match wins; weak and listed tags and * match', () => {
  assert.ok(notModified({ 'if-none-match': etag }, file));
  assert.ok(notModified({ 'if-none-match': `"x", W/${etag}` }, file));
  assert.ok(notModified({ 'if-none-match': '*' }, file));
  assert.ok(!notModified({ 'if-none-match': '"other"', 'if-modified-since': lastModifiedOf(file) }, file));
});

test('If-Modified-Since compares whole seconds', () => {
  assert.ok(notModified({ 'if-modified-since': lastModifiedOf(file) }, file));
  assert.ok(!notModified({ 'if-modified-since': new Date(1795305437000).toUTCString() }, file));
  assert.ok(!notModified({ 'if-modified-since': 'garbage' }, file));
  assert.ok(!notModified({}, file));
});

test('If-Range: only a current validator keeps the Range', () => {
  assert.ok(rangeAllowed(undefined, file));
  assert.ok(rangeAllowed(etag, file));
  assert.ok(rangeAllowed(lastModifiedOf(file), file));
  assert.ok(!rangeAllowed('"stale"', file));
  assert.ok(!rangeAllowed(`W/${etag}`, file), 'a weak tag never allows a range');
  assert.ok(!rangeAllowed(new Date(0).toUTCString(), file));
});
