import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addPrefix, removePrefix, repositoryKeys, uriKind, type SourceEntry } from '../../src/apt/source-entry.js';
import { isSourcesPartName } from '../../src/apt/sources-file.js';
import { parseSourcesList } from '../../src/apt/sources-list.js';

const only = (line: string): SourceEntry => {
  const entries = parseSourcesList(line);
  assert.equal(entries.length, 1, `${JSON.stringify(line)} gives ${entries.length} entries`);
  return entries[0]!;
};

/** Real lines from Debian, Ubuntu and third-party repositories, each with the URI APT reads. */
const REAL: Array<[string, string, string]> = [
  ['deb http://deb.debian.org/debian bookworm main non-free-firmware', 'http://deb.debian.org/debian', 'bookworm'],
  ['deb-src http://deb.debian.org/debian bookworm main non-free-firmware', 'http://deb.debian.org/debian', 'bookworm'],
  ['deb http://security.debian.org/debian-security bookworm-security main contrib', 'http://security.debian.org/debian-security', 'bookworm-security'],
  ['deb http://archive.ubuntu.com/ubuntu/ jammy main restricted', 'http://archive.ubuntu.com/ubuntu/', 'jammy'],
  ['deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.gpg] https://download.docker.com/linux/debian bookworm stable', 'https://download.docker.com/linux/debian', 'bookworm'],
  ['deb [signed-by=/usr/share/keyrings/nodesource.gpg] https://deb.nodesource.com/node_20.x nodistro main', 'https://deb.nodesource.com/node_20.x', 'nodistro'],
  ['deb [arch=amd64,arm64,armhf signed-by=/etc/apt/keyrings/packages.microsoft.gpg] https://packages.microsoft.com/repos/code stable main', 'https://packages.microsoft.com/repos/code', 'stable'],
  ['deb [ arch=amd64 ] http://x.example.org/debian stable main', 'http://x.example.org/debian', 'stable'],
  ['deb [arch=amd64]  http://x.example.org/debian   stable   main', 'http://x.example.org/debian', 'stable'],
  ['deb https://download.opensuse.org/repositories/home:/u/Debian_12/ /', 'https://download.opensuse.org/repositories/home:/u/Debian_12/', '/'],
  ['deb [trusted=yes] file:/srv/repo ./', 'file:/srv/repo', './'],
  ['deb http://user:secret@private.example.com/debian stable main', 'http://user:secret@private.example.com/debian', 'stable'],
  ['deb http://127.0.0.1:3142/deb.debian.org/debian bookworm main', 'http://127.0.0.1:3142/deb.debian.org/debian', 'bookworm'],
  ['deb mirror+file:/etc/apt/mirrorlist.txt bookworm main', 'mirror+file:/etc/apt/mirrorlist.txt', 'bookworm'],
  ['deb tor+http://vwakviie2ienjx6t.onion/debian bookworm main', 'tor+http://vwakviie2ienjx6t.onion/debian', 'bookworm'],
  ['deb torrent+http://deb.debian.org/debian bookworm main', 'torrent+http://deb.debian.org/debian', 'bookworm'],
  [
    'deb cdrom:[Debian GNU/Linux 12.5.0 _Bookworm_ - Official amd64 NETINST with firmware 20240210-11:27]/ bookworm contrib main',
    'cdrom:[Debian GNU/Linux 12.5.0 _Bookworm_ - Official amd64 NETINST with firmware 20240210-11:27]/',
    'bookworm',
  ],
  ['deb "http://quoted.example.org/debian" stable main', 'http://quoted.example.org/debian', 'stable'],
  ['deb [signed-by="/etc/apt/keyrings/a key.gpg"] http://x.example.org/d stable main', 'http://x.example.org/d', 'stable'],
  ['\tdeb http://x.example.org/d stable main', 'http://x.example.org/d', 'stable'],
  ['deb http://x.example.org/d stable main # a comment naming http://y/', 'http://x.example.org/d', 'stable'],
  ['deb http://x.example.org/d stable main\r', 'http://x.example.org/d', 'stable'],
  ['deb [arch=amd64#x] http://x.example.org/d stable main', 'http://x.example.org/d', 'stable'],
];

describe('parseSourcesList', () => {
  for (const [line, uri, suite] of REAL) {
    it(`reads ${JSON.stringify(line.slice(0, 70))}`, () => {
      const entry = only(line);
      assert.equal(entry.uri, uri);
      assert.deepEqual(entry.suites, [suite]);
      assert.equal(entry.problem, undefined);
      assert.equal(entry.line, 1);
      assert.ok(line.slice(entry.offset).startsWith(uri.replace(/"/g, '')), 'the offset points at the URI');
    });
  }

  it('numbers lines from 1 and skips blank and comment lines', () => {
    const text = '# header\n\ndeb http://a/ s main\n  # deb http://b/ s main\ndeb-src http://a/ s main\n';
    const entries = parseSourcesList(text);
    assert.deepEqual(entries.map((entry) => [entry.line, entry.types[0], entry.uri]), [[3, 'deb', 'http://a/'], [5, 'deb-src', 'http://a/']]);
  });

  it('names what APT cannot read, as APT would refuse it', () => {
    const cases: Array<[string, RegExp]> = [
      ['rpm http://a/ s main', /unknown type "rpm"/],
      ['deb', /one word/],
      ['deb[arch=amd64] http://a/ s main', /unknown type/],
      ['deb http://a/', /no suite/],
      ['deb http://a/ stable', /no component/],
      ['deb http://a/ ./ main', /absolute suite/],
      ['deb [arch=amd64 http://a/ s main', /key=value/],
      ['deb [arch=amd64', /not closed/],
      ['deb [arch] http://a/ s main', /too short|key=value/],
      ['deb [ab] http://a/ s main', /too short|key=value/],
      ['deb [arch=] http://a/ s main', /key=value/],
      ['deb "http://a/ s main', /no URI/],
    ];
    for (const [line, detail] of cases) {
      const entry = only(line);
      assert.equal(entry.problem, 'unparsable', line);
      assert.match(entry.detail ?? '', detail, line);
    }
  });
});

describe('switching a one-line file', () => {
  it('inserts torrent+ before the scheme and changes no other byte', () => {
    const text = '# Debian\n\tdeb [arch=amd64 signed-by=/k.gpg]  http://deb.debian.org/debian  bookworm main # keep\r\ndeb "https://q.example.org/d" s main\n';
    const switched = addPrefix(text, parseSourcesList(text));
    assert.equal(switched, '# Debian\n\tdeb [arch=amd64 signed-by=/k.gpg]  torrent+http://deb.debian.org/debian  bookworm main # keep\r\ndeb "torrent+https://q.example.org/d" s main\n');
    assert.equal(removePrefix(switched, parseSourcesList(switched)), text);
  });

  it('refuses to take off a prefix that is not there', () => {
    const text = 'deb http://a/ s main\n';
    assert.throws(() => removePrefix(text, parseSourcesList(text)), /no torrent\+/);
  });
});

describe('URIs and repositories', () => {
  it('tells plain http(s), torrent+ and other schemes apart, case-sensitively as APT does', () => {
    assert.deepEqual(
      ['http://a/', 'https://a/', 'torrent+http://a/', 'torrent+https://a/', 'HTTP://a/', 'mirror+http://a/', 'tor+https://a/', 'ftp://a/', 'file:/x', 'cdrom:[x]/', 'http:/a'].map(uriKind),
      ['http', 'http', 'torrent', 'torrent', 'other', 'other', 'other', 'other', 'other', 'other', 'other'],
    );
  });

  it('keys a repository by host, path and suite without scheme or login, as APT merges them', () => {
    const key = (line: string) => repositoryKeys(only(line));
    assert.deepEqual(key('deb http://h/d s main'), ['h/d/dists/s/']);
    assert.deepEqual(key('deb-src torrent+https://h/d/ s main'), ['h/d/dists/s/']);
    assert.deepEqual(key('deb tor+http://u:p@h/d s main'), ['h/d/dists/s/']);
    assert.deepEqual(key('deb http://h/d ./'), ['h/d/./']);
    assert.notDeepEqual(key('deb http://h/d s main'), key('deb http://h/e s main'));
  });

  it('reads only the sources.list.d names APT reads', () => {
    assert.deepEqual(
      ['debian.list', 'x.sources', 'a_b-c:d.list', 'x.list.save', 'x.list~', '.x.list', 'x.list.dpkg-old', 'x y.list', 'x.conf', 'list'].map(isSourcesPartName),
      [true, true, true, false, false, false, false, false, false, false],
    );
  });
});
