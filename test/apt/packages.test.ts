import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findByFilename, parsePackages, parseStanza } from '../../src/apt/packages.js';

const sha = (c: string) => c.repeat(64);
const index = [
  'Package: hello',
  'Version: 2.10-3',
  'Architecture: amd64',
  'Description: example',
  ' continued line',
  'Filename: pool/main/h/hello/hello_2.10-3_amd64.deb',
  'Size: 53080',
  'MD5sum: d04c2e9639dee67aa836d8232b1ca658',
  `SHA256: ${sha('A')}`,
  '',
  'Filename: pool/main/l/libx/libstdc++6_1_amd64.deb',
  'Package: libstdc++6',
  'Version: 1:1',
  'Size: 7',
  `SHA256: ${sha('b')}`,
  '',
  'Package: nosha',
  'Version: 1',
  'Filename: pool/main/n/nosha/nosha_1_all.deb',
  'Size: 9',
  '',
].join('\n');

describe('Packages parsing', () => {
  it('parses fields, continuation lines and lower-cases SHA256', () => {
    const fields = parseStanza('Package: a\nDescription: x\n y\nSize: 3\n');
    assert.equal(fields.get('Description'), 'x\ny');
    const entries = parsePackages(index);
    assert.equal(entries.length, 3);
    assert.deepEqual(entries[0], {
      package: 'hello', version: '2.10-3', architecture: 'amd64',
      filename: 'pool/main/h/hello/hello_2.10-3_amd64.deb', size: 53080, sha256: sha('a'),
    });
    assert.equal(entries[2]!.sha256, '', 'a stanza without SHA256 says so');
  });

  it('finds only the wanted stanzas, also when Filename opens a stanza or the index', () => {
    const found = findByFilename(index, new Set(['pool/main/l/libx/libstdc++6_1_amd64.deb', 'pool/main/n/nosha/nosha_1_all.deb']));
    assert.deepEqual(found.map((entry) => entry.package).sort(), ['libstdc++6', 'nosha']);
    const first = findByFilename(index.split('\n\n').slice(1).join('\n\n'), new Set(['pool/main/l/libx/libstdc++6_1_amd64.deb']));
    assert.equal(first[0]?.version, '1:1');
    assert.deepEqual(findByFilename(index, new Set(['pool/none.deb'])), []);
  });

  it('ignores stanzas without a usable Size or Filename', () => {
    assert.deepEqual(parsePackages('Package: x\nFilename: a.deb\nSize: -1\n\nPackage: y\nSize: 3\n'), []);
  });
});
