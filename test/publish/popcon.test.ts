import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePopcon } from '../../src/publish/popcon.js';

const sample = [
  '#Format',
  '#',
  '#<name> is the package name;',
  '#rank name                            inst  vote   old recent no-files (maintainer)',
  '#-----------------------------------------------------------------------------------',
  '1     dpkg                           207011 194080  1227 11691    13 (Dpkg Developers)',
  '2\tlibc6\t\t206000   190000 1 2 3 (GNU Libc Maintainers)',
  '   3   tzdata 200000 1 1 1 1',
  '4     g++-12                          90000  80000  100  200  0 (Debian GCC Maintainers)',
  '5     0ad-data                        1500     500  900  100  0 (Not in sid)',
  '',
  '6     dpkg                            5 5 5 5 5 (duplicate, lower)',
  'garbage line here',
  '7     Upper                           10 1 1 1 1',
  '8     halfline',
  '---------------------------------------------------------------------------------',
  '9     Total                         999999 1 1 1 1',
].join('\r\n');

test('reads name and installs whatever the spacing, tabs or a missing maintainer', () => {
  const { installs } = parsePopcon(sample);
  assert.equal(installs.get('dpkg'), 207011, 'a duplicate keeps the larger count');
  assert.equal(installs.get('libc6'), 206000);
  assert.equal(installs.get('tzdata'), 200000);
  assert.equal(installs.get('g++-12'), 90000);
  assert.equal(installs.get('0ad-data'), 1500);
});

test('stops at the dashed rule, so Total is not a package', () => {
  const { installs } = parsePopcon(sample);
  assert.equal(installs.has('Total'), false);
  assert.equal(installs.size, 5);
});

test('reports lines that are not data, with their line numbers', () => {
  const { skipped } = parsePopcon(sample);
  assert.deepEqual(skipped.map((item) => item.line), [13, 14, 15]);
  assert.equal(skipped[0]!.text, 'garbage line here');
});

test('an empty file gives no installs and no complaints', () => {
  assert.deepEqual(parsePopcon(''), { installs: new Map(), skipped: [] });
});
