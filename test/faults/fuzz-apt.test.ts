/**
 * Fuzzing the readers of what APT prints and what its lists hold:
 * `--print-uris` lines, Packages stanzas, `apt-config` output, auth.conf.
 * Each must return a value or throw its documented error, never crash, and
 * what it returns must keep the promises callers rely on.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseAptConfigDump, parseAptConfigShell } from '../../src/apt/apt-config.js';
import { credentialsFor, parseAuthConf, redactUri } from '../../src/apt/auth-conf.js';
import { findByFilename, parsePackages, parseStanza, toEntry, type PackageEntry } from '../../src/apt/packages.js';
import { decodeUri, parsePrintUris } from '../../src/apt/print-uris.js';
import { AptTorrentError } from '../../src/errors.js';
import { cleanEnv } from '../helpers/env.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { anyText, check, NASTY, onlyThrows, reportRuns, soup, timed } from './helpers/fuzz.js';

reportRuns('apt');

const aptParseError = (error: unknown) => error instanceof AptTorrentError && error.code === 'E_APT_PARSE';
const SHA = 'a'.repeat(64);

describe('fuzz: apt-get --print-uris output', () => {
  const line = fc
    .tuple(
      fc.oneof(fc.constantFrom('http://m/pool/main/a/a_1_all.deb', 'file:///srv/a.deb', 'http://u:p@m/x%3a.deb'), anyText),
      fc.oneof(fc.constantFrom('a_1_all.deb', 'a_1%3a2_all.deb'), anyText),
      fc.oneof(fc.constantFrom('0', '1234'), anyText),
      fc.oneof(fc.constantFrom('MD5Sum:0123', 'SHA256:abcd', ''), anyText),
      fc.constantFrom(' ', '\t', '  '),
    )
    .map(([uri, name, size, hash, space]) => `'${uri}'${space}${name}${space}${size}${hash === '' ? '' : `${space}${hash}`}`);
  const output = fc.oneof(
    fc.array(line, { maxLength: 6 }).map((lines) => lines.join('\n')),
    soup(["'", "'http://m/a.deb' ", 'a_1_all.deb', ' 12 ', 'MD5Sum:ab', '\n', '\r\n', ' ']),
  );

  it('returns files with a plain cache name and a real size, or refuses with E_APT_PARSE', () => {
    check('print-uris', output, (text) => {
      const uris = onlyThrows(() => parsePrintUris(text), aptParseError);
      for (const uri of uris ?? []) {
        assert.ok(Number.isSafeInteger(uri.size) && uri.size >= 0, `size ${uri.size}`);
        assert.ok(uri.cacheName !== '' && uri.cacheName !== '.' && uri.cacheName !== '..', uri.cacheName);
        assert.doesNotMatch(uri.cacheName, /[/\0]/, 'a cache name is one plain file name');
        assert.doesNotMatch(uri.uri, /'/);
        assert.equal(typeof uri.aptHash, 'string');
      }
    }, 2000);
  });

  it('corpus: NUL, path parts and impossible sizes are refused', () => {
    for (const line of ["'http://m/a.deb' a\0b 1", "'http://m/a.deb' .. 1", "'http://m/a.deb' a/b 1", "'http://m/a.deb' a 99999999999999999999", "'http://m/a.deb' a -1", "'http://m/a.deb a 1"]) {
      assert.throws(() => parsePrintUris(line), aptParseError, JSON.stringify(line));
    }
  });

  it('decodeUri gives text or E_APT_PARSE for any percent-encoding', () => {
    check('decode-uri', soup(['%', '%2', '%2f', '%e2%82', '%zz', 'http://m/', 'a']), (text) => {
      onlyThrows(() => decodeUri(text), aptParseError);
    }, 500);
  });

  it('a huge output with one bad line at the end is read in linear time and refused', () => {
    const good = "'http://m/pool/a.deb' a_1_all.deb 1234 MD5Sum:ab\n".repeat(100_000);
    assert.throws(() => timed(() => parsePrintUris(`${good}'broken`), 2000), aptParseError);
    assert.equal(timed(() => parsePrintUris(good), 2000).length, 100_000);
  });
});

describe('fuzz: Packages stanzas', () => {
  const field = fc.oneof(
    fc.tuple(fc.constantFrom('Package', 'Version', 'Architecture', 'Filename', 'Size', 'SHA256', 'Description', 'package', 'Filename '), anyText)
      .map(([key, value]) => `${key}: ${value}`),
    fc.constantFrom('Filename: pool/a.deb', 'Filename: pool/b.deb', `SHA256: ${SHA}`, 'Size: 10', 'Size: 99999999999999999999', 'Package: a',
      'Filename:pool/a.deb', 'Filename:\tpool/b.deb', 'Filename:  pool/a.deb  ', 'Size:10', `SHA256:${SHA.toUpperCase()}`, 'Size: 0x10', 'Size: 1e3',
      ' continuation', '\tcontinuation', '#comment', 'NoColon', ':empty', ' ', '\r'),
  );
  const stanza = fc.array(field, { maxLength: 8 }).map((fields) => fields.join('\n'));
  const index = fc.tuple(fc.array(stanza, { maxLength: 6 }), fc.constantFrom('\n\n', '\n \n', '\n\t\n', '\r\n\r\n', '\n\n\n'))
    .map(([stanzas, separator]) => stanzas.join(separator));
  const wanted = new Set(['pool/a.deb', 'pool/b.deb', ...NASTY]);

  const sound = (entry: PackageEntry) => {
    assert.ok(entry.filename !== '' && entry.package !== '');
    assert.ok(Number.isSafeInteger(entry.size) && entry.size >= 0, `size ${entry.size}`);
    assert.match(entry.sha256, /^([0-9a-f]{64})?$/);
  };

  it('parsePackages and parseStanza never throw and give only sound entries', () => {
    check('packages', fc.oneof(index, soup(['Package: a\n', 'Filename: pool/a.deb\n', `SHA256: ${SHA}\n`, 'Size: 1\n', '\n', ' x\n'])), (text) => {
      for (const entry of parsePackages(text)) sound(entry);
      const entry = toEntry(parseStanza(text));
      if (entry) sound(entry);
    }, 2000);
  });

  it('findByFilename returns only sound entries for the wanted files', () => {
    check('packages-find', index, (text) => {
      for (const entry of findByFilename(text, wanted)) {
        sound(entry);
        assert.ok(wanted.has(entry.filename), `found ${JSON.stringify(entry.filename)}, which was not asked for`);
      }
    }, 2000);
  });

  it('findByFilename and parsePackages take no Size or SHA256 that APT itself (apt-sortpkgs) does not read', () => {
    let compared = 0;
    check('packages-vs-apt', index, (text) => {
      if (agreesWithApt(text, wanted)) compared += 1;
    }, 150);
    assert.ok(compared > 10, `APT accepted only ${compared} indexes`);
  });

  it('corpus: stanzas APT reads differently from a naive split', () => {
    const other = 'b'.repeat(64);
    const corpus = [
      // A line of blanks does not end a stanza for APT: the later SHA256 wins.
      `Package: a\nFilename: pool/a.deb\nSize: 10\nSHA256: ${SHA}\n \nSHA256: ${other}\n`,
      `Package: a\nFilename: pool/a.deb\nSize: 10\n\t\nSize: 11\n`,
      // Two Filename fields: the stanza is the last one's.
      'Package: a\nFilename: pool/a.deb\nFilename: pool/b.deb\nSize: 10\n',
      'Package: a\nFilename: pool/a.deb\nFilename: pool/a.deb\nSize: 10\n',
      // `Filename :` is Filename.
      'Package: a\nFilename: pool/a.deb\nFilename : pool/x.deb\nSize: 10\n',
      // A trailing line of blanks is not part of the value.
      'Package: a\nFilename: pool/a.deb\n \nSize: 10\n',
      'Package: a\nFilename:pool/a.deb\nSize: 10\n',
    ];
    for (const text of corpus) assert.ok(agreesWithApt(text, wanted), `APT refused ${JSON.stringify(text)}`);
  });

  it('a 50 MB index with no wanted file is searched in well under a second per MB', () => {
    const stanzaText = `Package: p\nVersion: 1\nFilename: pool/p.deb\nSize: 10\nSHA256: ${SHA}\nDescription: x\n y\n\n`;
    const big = stanzaText.repeat(Math.ceil(50e6 / stanzaText.length));
    assert.deepEqual(timed(() => findByFilename(big, new Set(['pool/none.deb'])), 5000), []);
  });
});

describe('fuzz: apt-config output', () => {
  it('parseAptConfigShell and parseAptConfigDump never throw', () => {
    const shell = soup(['ARCHIVES=', "'", "'\\''", '/var/cache/apt/archives/', '\\', '\n', 'X=', '=']);
    const dump = soup(['Acquire::http::Proxy ', '"', '\\"', '";', 'Dir::Cache ', '\n', '::', ' "x";']);
    check('apt-config', fc.tuple(shell, dump), ([a, b]) => {
      for (const [key, value] of parseAptConfigShell(a)) assert.equal(typeof key + typeof value, 'stringstring');
      for (const [key, values] of parseAptConfigDump(b)) assert.ok(key === key.toLowerCase() && Array.isArray(values));
    }, 1000);
  });
});

describe('fuzz: auth.conf', () => {
  it('parses any text, matches any URI and never leaks a password through redactUri', () => {
    const text = soup(['machine ', 'login ', 'password ', 'https://', 'm.example', ':443', '/path', ' ', '\n', '\t', 'secret']);
    const uri = fc.oneof(fc.constantFrom('https://m.example/path/x.deb', 'http://u:secret@m.example/', 'tor+https://m/'), soup(['http://', 'https://', '@', ':', '/', 'm.example']));
    check('auth-conf', fc.tuple(text, uri), ([conf, target]) => {
      const entries = parseAuthConf(conf);
      for (const entry of entries) assert.equal(typeof entry.host, 'string');
      credentialsFor(target, entries);
      if (/^[a-z+]+:\/\/[^/@]*:secret@/i.test(target)) assert.doesNotMatch(redactUri(target), /secret/);
    }, 1000);
  });
});

/**
 * Check that every entry findByFilename and parsePackages take for a wanted
 * file is one APT reads from the same text (one we miss is refused, which is
 * safe). False when APT itself refuses the text: such an index never gets
 * past `apt-get update`, nor does one with a line without a colon, which APT
 * reads as a field name running on to the next colon, across empty lines.
 */
function agreesWithApt(text: string, wanted: ReadonlySet<string>): boolean {
  if (text.split('\n').some((line) => line !== '' && !/^[ \t]/.test(line) && !line.includes(':'))) return false;
  const dir = tempDir('fuzz');
  try {
    writeFileSync(join(dir, 'Packages'), text);
    const apt = spawnSync('apt-sortpkgs', [join(dir, 'Packages')], { encoding: 'latin1', env: cleanEnv() });
    if (apt.status !== 0 || apt.stderr !== '') return false;
    const key = (entry: PackageEntry) => `${entry.filename} ${entry.size} ${entry.sha256}`;
    const aptKeys = new Set(aptView(Buffer.from(apt.stdout, 'latin1').toString('utf8')).map(key));
    const said = () => [...aptKeys].join(', ') || 'nothing';
    const found = findByFilename(text, wanted).map(key);
    for (const entry of found) assert.ok(aptKeys.has(entry), `findByFilename took ${entry}; APT read ${said()} in ${JSON.stringify(text)}`);
    assert.equal(new Set(found).size, found.length, 'each stanza once');
    for (const entry of parsePackages(text)) {
      if (wanted.has(entry.filename)) assert.ok(aptKeys.has(key(entry)), `parsePackages took ${key(entry)}; APT read ${said()} in ${JSON.stringify(text)}`);
    }
    return true;
  } finally {
    removeTempDir(dir);
  }
}

/**
 * Entries of an index as APT prints it back (apt-sortpkgs: one `Key: value`
 * line per field, continuation lines indented, stanzas split by empty lines).
 */
function aptView(text: string): PackageEntry[] {
  const entries: PackageEntry[] = [];
  for (const stanza of text.split('\n\n')) {
    const fields = new Map<string, string>();
    let current: string | undefined;
    for (const line of stanza.split('\n')) {
      if (line.startsWith(' ') || line.startsWith('\t')) {
        if (current !== undefined) fields.set(current, `${fields.get(current)}\n${line.slice(1)}`);
        continue;
      }
      const colon = line.indexOf(':');
      current = colon > 0 ? line.slice(0, colon) : undefined;
      if (current !== undefined) fields.set(current, line.slice(colon + 1).trim());
    }
    const entry = toEntry(fields);
    if (entry) entries.push(entry);
  }
  return entries;
}
