import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packagesIndexes, parseRelease, stripClearsign } from '../../src/apt/release.js';

const h = (c: string) => c.repeat(64);
const release = [
  'Origin: Debian',
  'Suite: oldstable',
  'Codename: bookworm',
  'Architectures: all amd64 arm64',
  'Components: main contrib',
  'MD5Sum:',
  ' 0ed6d4c8891eb86358b94bb35d9e4da4  1484322 contrib/Contents-all',
  'SHA256:',
  ` ${h('a')} 50060337 main/binary-amd64/Packages`,
  ` ${h('b')}  8000000 main/binary-amd64/Packages.xz`,
  ` ${h('C')}      121 main/binary-amd64/Release`,
  ` ${h('d')}        0 main/debian-installer/binary-amd64/Packages`,
  ` ${h('e')}    93822 contrib/binary-all/Packages.gz`,
  ` ${h('f')}     1000 main/i18n/Translation-en`,
  '',
].join('\n');

test('reads the fields and the SHA256 list', () => {
  const parsed = parseRelease(release);
  assert.equal(parsed.suite, 'oldstable');
  assert.equal(parsed.codename, 'bookworm');
  assert.deepEqual(parsed.architectures, ['all', 'amd64', 'arm64']);
  assert.deepEqual(parsed.components, ['main', 'contrib']);
  assert.equal(parsed.files.size, 6);
  assert.deepEqual(parsed.files.get('main/binary-amd64/Release'), { path: 'main/binary-amd64/Release', size: 121, sha256: h('c') });
});

test('groups Packages variants by component and architecture', () => {
  const indexes = packagesIndexes(parseRelease(release));
  assert.deepEqual(indexes.map((index) => [index.component, index.architecture, index.variants.map((v) => v.path.split('/').pop())]), [
    ['main', 'amd64', ['Packages', 'Packages.xz']],
    ['main/debian-installer', 'amd64', ['Packages']],
    ['contrib', 'all', ['Packages.gz']],
  ]);
});

test('InRelease: the clearsign armour and dash-escaping are removed', () => {
  const signed = [
    '-----BEGIN PGP SIGNED MESSAGE-----',
    'Hash: SHA256',
    '',
    'Suite: stable',
    '- -dash escaped line',
    'SHA256:',
    ` ${h('a')} 10 main/binary-amd64/Packages`,
    '-----BEGIN PGP SIGNATURE-----',
    '',
    'iQIzBAEBCAAd',
    '-----END PGP SIGNATURE-----',
  ].join('\n');
  assert.equal(stripClearsign(signed), `Suite: stable\n-dash escaped line\nSHA256:\n ${h('a')} 10 main/binary-amd64/Packages`);
  const parsed = parseRelease(signed);
  assert.equal(parsed.suite, 'stable');
  assert.equal(parsed.files.get('main/binary-amd64/Packages')!.size, 10);
  assert.equal(stripClearsign('Suite: x'), 'Suite: x', 'a plain Release is left alone');
});
