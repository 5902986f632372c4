import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseName, fileUrl, isPoolPath, torrentPathFor } from '../../src/manifest/paths.js';

test('pool paths must stay inside the archive', () => {
  assert.ok(isPoolPath('pool/main/h/hello/hello_1_amd64.deb'));
  for (const bad of ['', '/etc/passwd', '../x', 'pool/../../x', 'pool//x', 'pool/./x', 'pool\\x', 'pool/x\0']) {
    assert.equal(isPoolPath(bad), false, JSON.stringify(bad));
  }
});

test('URLs encode each segment as APT does', () => {
  assert.equal(fileUrl('http://deb.example.org/debian', 'pool/main/g/gcc-12/g++-12_1~2_amd64.deb'), 'http://deb.example.org/debian/pool/main/g/gcc-12/g%2B%2B-12_1~2_amd64.deb');
  assert.equal(fileUrl('http://h:8080/', 'pool/a b.deb'), 'http://h:8080/pool/a%20b.deb');
});

test('torrent path and base name', () => {
  assert.equal(torrentPathFor('pool/a/b.deb'), 'pool/a/b.deb.torrent');
  assert.equal(baseName('pool/a/b.deb'), 'b.deb');
  assert.equal(baseName('b.deb'), 'b.deb');
});
