import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addPrefix, removePrefix } from '../../src/apt/source-entry.js';
import { parseSourcesDeb822 } from '../../src/apt/sources-deb822.js';

const KEY_BLOCK = [
  'Signed-By:',
  ' -----BEGIN PGP PUBLIC KEY BLOCK-----',
  ' .',
  ' mQINBGV5nW4BEADHnV1aQ+http://not-a-uri/+Zx0',
  ' =Ab12',
  ' -----END PGP PUBLIC KEY BLOCK-----',
];

const DEBIAN = [
  '# Debian, as trixie installs it',
  'Types: deb deb-src',
  'URIs: http://deb.debian.org/debian https://mirror.example.org/debian',
  '# a comment between continuation lines',
  '\thttp://third.example.org/debian',
  'Suites: trixie trixie-updates',
  'Components: main non-free-firmware',
  ...KEY_BLOCK,
  '',
  'Types: deb',
  'uris: http://security.debian.org/debian-security',
  'Suites: trixie-security',
  'Components: main',
  'Enabled: no',
  '',
  '',
  'Types: deb',
  'URIs: cdrom:[Debian 13]/ file:/srv/repo mirror+http://m.example.org/list.txt',
  'Suites: trixie',
  'Components: main',
  '',
].join('\n');

describe('parseSourcesDeb822', () => {
  const entries = parseSourcesDeb822(DEBIAN);

  it('finds every URI of every stanza, with its line, over several lines and past comments', () => {
    assert.deepEqual(entries.map((entry) => [entry.line, entry.uri]), [
      [3, 'http://deb.debian.org/debian'],
      [3, 'https://mirror.example.org/debian'],
      [5, 'http://third.example.org/debian'],
      [16, 'http://security.debian.org/debian-security'],
      [23, 'cdrom:[Debian'],
      [23, '13]/'],
      [23, 'file:/srv/repo'],
      [23, 'mirror+http://m.example.org/list.txt'],
    ]);
    for (const entry of entries) assert.ok(DEBIAN.slice(entry.offset).startsWith(entry.uri));
  });

  it('gives each URI its stanza\'s types and suites, and marks a disabled stanza', () => {
    assert.deepEqual(entries[0]!.types, ['deb', 'deb-src']);
    assert.deepEqual(entries[2]!.suites, ['trixie', 'trixie-updates']);
    assert.equal(entries[0]!.problem, undefined);
    assert.equal(entries[3]!.problem, 'disabled');
  });

  it('reads Enabled as APT does: no, false, off, without, disable and 0 disable; anything else does not', () => {
    const stanza = (value: string) => parseSourcesDeb822(`Types: deb\nURIs: http://a/\nSuites: s\nComponents: main\nEnabled: ${value}\n`)[0]!.problem;
    for (const value of ['no', 'No', 'false', 'off', 'without', 'disable', '0']) assert.equal(stanza(value), 'disabled', value);
    for (const value of ['yes', 'true', '1', 'maybe']) assert.equal(stanza(value), undefined, value);
  });

  it('names stanzas APT cannot read', () => {
    const bad = (text: string) => parseSourcesDeb822(text).map((entry) => entry.problem === 'unparsable' && entry.detail);
    assert.match(String(bad('URIs: http://a/\nSuites: s\n')[0]), /no Types/);
    assert.match(String(bad('Types: deb\nSuites: s\n')[0]), /no URIs/);
    assert.match(String(bad('Types: deb\nURIs: http://a/\n')[0]), /no Suites/);
    assert.match(String(bad('Types: rpm\nURIs: http://a/\nSuites: s\n')[0]), /unknown type "rpm"/);
    assert.match(String(bad(' continued\nTypes: deb\nURIs: http://a/\nSuites: s\n')[0]), /continues a field/);
    assert.match(String(bad('Types: deb\nURIs http://a/\nSuites: s\n')[0]), /no URIs/);
    assert.match(String(bad('Types: deb\nURIs\nSuites: s\n')[0]), /neither/);
  });

  it('ends a stanza at an empty line, also with CRLF, but not at a line of spaces', () => {
    const crlf = 'Types: deb\r\nURIs: http://a/\r\nSuites: s\r\n\r\nTypes: deb\r\nURIs: http://b/\r\nSuites: s\r\n';
    assert.deepEqual(parseSourcesDeb822(crlf).map((entry) => [entry.uri, entry.problem]), [['http://a/', undefined], ['http://b/', undefined]]);
    const spaces = 'Types: deb\nURIs: http://a/\n  \n http://b/\nSuites: s\n';
    assert.deepEqual(parseSourcesDeb822(spaces).map((entry) => entry.uri), ['http://a/', 'http://b/']);
  });
});

describe('switching a deb822 file', () => {
  it('changes the URIs and nothing else: not the key block, the comments or the field order', () => {
    const entries = parseSourcesDeb822(DEBIAN).filter((entry) => entry.uri.startsWith('http'));
    const switched = addPrefix(DEBIAN, entries);
    const expected = DEBIAN
      .replace('URIs: http://deb.debian.org/debian https://mirror', 'URIs: torrent+http://deb.debian.org/debian torrent+https://mirror')
      .replace('\thttp://third', '\ttorrent+http://third')
      .replace('uris: http://security', 'uris: torrent+http://security');
    assert.equal(switched, expected);
    assert.equal(removePrefix(switched, parseSourcesDeb822(switched).filter((entry) => entry.uri.startsWith('torrent+'))), DEBIAN);
  });
});
