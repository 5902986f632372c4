import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseListen, urlHost } from '../../src/serve/listen-address.js';
import { decidePath } from '../../src/serve/request-path.js';

test('listen addresses in every usual spelling', () => {
  assert.deepEqual(parseListen('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(parseListen('localhost:8081'), { host: 'localhost', port: 8081 });
  assert.deepEqual(parseListen('[::1]:8080'), { host: '::1', port: 8080 });
  assert.deepEqual(parseListen('[::]'), { host: '::', port: 8080 });
  assert.deepEqual(parseListen(':9000'), { host: '0.0.0.0', port: 9000 });
  assert.deepEqual(parseListen('9000'), { host: '0.0.0.0', port: 9000 });
  assert.deepEqual(parseListen('mirror.example'), { host: 'mirror.example', port: 8080 });
  for (const bad of ['::1:8080', 'host:99999', 'host:http', 'a b:1', '', 'host:']) assert.equal(parseListen(bad), undefined, bad);
  assert.equal(urlHost('::1'), '[::1]');
  assert.equal(urlHost('127.0.0.1'), '127.0.0.1');
});

test('request paths are decoded per segment', () => {
  assert.deepEqual(decidePath('/pool/main/g/gcc/g%2B%2B_1_amd64.deb?x=1'), { kind: 'file', relative: 'pool/main/g/gcc/g++_1_amd64.deb' });
  assert.deepEqual(decidePath('/'), { kind: 'file', relative: '' });
  assert.deepEqual(decidePath('//pool//x'), { kind: 'file', relative: 'pool/x' });
});

test('anything that could leave the root is refused before touching the disk', () => {
  for (const target of ['/../etc/passwd', '/pool/../../etc/passwd', '/pool/%2e%2e/x', '/pool/%2E%2E/x', '/./x', '/pool/..%2f..%2fetc', '/a%5c..%5cb', '/a%00b']) {
    assert.equal(decidePath(target).kind, 'forbidden', target);
  }
  assert.equal(decidePath('http://evil/x').kind, 'bad');
  assert.equal(decidePath('/%E0%A4%A').kind, 'bad');
});
