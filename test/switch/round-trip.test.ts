/**
 * enable then disable gives back every byte, over generated files made of
 * real-world pieces (options, quotes, comments, CRLF, tabs, key blocks,
 * non-UTF-8 bytes, malformed lines) and over arbitrary text.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseSources } from '../../src/apt/sources-file.js';
import { planDisable } from '../../src/switch/plan-disable.js';
import { planEnable, type SourcesSnapshot } from '../../src/switch/plan-enable.js';
import { parseRecord, serializeRecord } from '../../src/switch/record.js';
import { unswitchText } from '../../src/switch/unswitch.js';

const RUNS = 300;
const CONF = { path: '/etc/apt/apt.conf.d/50apt-torrent-method', wanted: '// Written by `apt-torrent enable`; `apt-torrent disable` removes it.\n' };

// Mostly http(s): a line with another scheme leaves its whole repository alone, so too many of them would switch little.
const uri = fc.tuple(
  fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom('http://', 'https://') },
    { weight: 1, arbitrary: fc.constantFrom('torrent+http://', 'file:', 'mirror+http://', 'tor+http://', 'cdrom:[Debian 12 #1]/', 'ftp://', 'HTTP://') },
  ),
  fc.constantFrom('deb.debian.org/debian', 'u:p@h.example.org:8080/d/', '127.0.0.1:3142/deb.debian.org/debian', 'h/$(ARCH)/', 'security.debian.org/', ''),
).map(([scheme, rest]) => scheme + rest);
const space = fc.constantFrom(' ', '  ', '\t', ' \t');
const junk = fc.string({ unit: fc.constantFrom('a', ' ', '\t', '#', '[', ']', '"', '=', ':', '/', '\r', '\xe9', '\xff', 'http://', 'deb '), maxLength: 30 });

const oneLine = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom('', ' ', '\t'), fc.constantFrom('deb', 'deb-src', 'rpm'), space, fc.constantFrom('', '[arch=amd64] ', '[ arch=amd64 signed-by=/k.gpg ] ', '[signed-by="/a b.gpg"]\t', '[arch=amd64#x] ', '[bad] '), fc.boolean(), uri, space, fc.constantFrom('bookworm', 'stable', './', '/'), fc.constantFrom('', ' main', ' main contrib', '\tmain'), fc.constantFrom('', ' # note http://x/', '\r', ' ', '# \xe9\xff')).map(
    ([lead, type, gap, options, quoted, word, gap2, suite, components, tail]) => `${lead}${type}${gap}${options}${quoted ? `"${word}"` : word}${gap2}${suite}${components}${tail}`,
  ) },
  { weight: 1, arbitrary: fc.constantFrom('', '# deb http://commented.example.org/ s main', '#', '\r', '   ') },
  { weight: 1, arbitrary: junk },
);
const listText = fc.tuple(fc.array(oneLine, { maxLength: 8 }), fc.constantFrom('\n', '\r\n'), fc.boolean()).map(([lines, eol, last]) => lines.join(eol) + (last ? eol : ''));

const typesField = fc.tuple(fc.constantFrom('Types', 'types'), fc.constantFrom('deb', 'deb', 'deb deb-src', 'deb-src', 'rpm')).map(([name, value]) => `${name}: ${value}`);
const urisField = fc.tuple(fc.constantFrom('URIs', 'uris'), fc.array(uri, { minLength: 1, maxLength: 3 }), fc.constantFrom(' ', '\n ', '\n\t', '\n# between\n ')).map(([name, uris, join]) => `${name}: ${uris.join(join)}`);
const extraField = fc.oneof(
  fc.constantFrom('Components: main', 'Enabled: no', 'Enabled: yes', 'Signed-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n mQINB http://not-a-uri/\n -----END PGP PUBLIC KEY BLOCK-----', 'Signed-By: /usr/share/keyrings/k.gpg', 'X-Repolib-Name: \xe9'),
  junk,
);
// The fields a stanza needs, in any order, now and then one missing, with extras among them.
const stanza = fc
  .tuple(fc.constantFrom('', '# stanza comment\n'), typesField, urisField, fc.constantFrom('Suites: trixie trixie-updates', 'Suites: ./', 'Suites: bookworm'), fc.array(extraField, { maxLength: 3 }))
  .chain(([comment, types, uris, suites, extras]) => {
    const fields = [types, uris, suites, 'Components: main', ...extras];
    return fc.shuffledSubarray(fields, { minLength: fields.length - 1 }).map((chosen) => comment + chosen.join('\n'));
  });
const sourcesText = fc.tuple(fc.array(stanza, { maxLength: 4 }), fc.constantFrom('\n\n', '\n\n\n', '\r\n\r\n', '\n#\n\n'), fc.boolean()).map(([stanzas, gap, last]) => stanzas.join(gap) + (last ? '\n' : ''));

const files = fc.tuple(listText, sourcesText, listText).map(([a, b, c]): SourcesSnapshot[] => [
  { path: '/etc/apt/sources.list', format: 'one-line', text: a },
  { path: '/etc/apt/sources.list.d/x.sources', format: 'deb822', text: b },
  { path: '/etc/apt/sources.list.d/y.list', format: 'one-line', text: c },
]);

function apply(snapshots: SourcesSnapshot[], changes: Array<{ path: string; after: string }>): SourcesSnapshot[] {
  return snapshots.map((file) => ({ ...file, text: changes.find((change) => change.path === file.path)?.after ?? file.text }));
}

describe('round trip', () => {
  it('enable then disable restores every file byte for byte, and enable twice is a no-op', () => {
    const seen = { switched: 0, deb822: 0 };
    fc.assert(fc.property(files, (before) => {
      const plan = planEnable({ files: before, conf: CONF, now: 'now' });
      if (plan.changes.length > 0) seen.switched += 1;
      if (plan.changes.some((change) => change.path.endsWith('.sources'))) seen.deb822 += 1;
      const after = apply(before, plan.changes);
      for (const [index, file] of after.entries()) {
        // Only `torrent+` was inserted: the same entries, switched ones now torrent+.
        const old = parseSources(before[index]!.text, file.format);
        const now = parseSources(file.text, file.format);
        assert.equal(now.length, old.length);
        assert.equal(file.text.length - before[index]!.text.length, 8 * now.filter((entry, i) => entry.uri !== old[i]!.uri).length);
      }
      if (plan.state === 'switch') {
        const again = planEnable({ files: after, record: plan.record, conf: { ...CONF, current: CONF.wanted }, now: 'later' });
        assert.equal(again.state, 'already-enabled');
      }
      const record = parseRecord(serializeRecord(plan.record));
      const back = planDisable({ record, recordedFiles: new Map(after.map((file) => [file.path, file.text])), sources: [], conf: { path: CONF.path, current: CONF.wanted } });
      assert.deepEqual(apply(after, back.changes), before);
    }), { numRuns: RUNS });
    // The generators must reach the interesting cases often enough to mean something.
    assert.ok(seen.switched > RUNS / 3, `only ${seen.switched} of ${RUNS} runs switched anything`);
    assert.ok(seen.deb822 > RUNS / 5, `only ${seen.deb822} of ${RUNS} runs switched a deb822 file`);
  });

  it('taking the prefixes off without the saved bytes also gives the original back', () => {
    fc.assert(fc.property(files, (before) => {
      const plan = planEnable({ files: before, conf: CONF, now: 'now' });
      for (const change of plan.changes) {
        const record = plan.record.files.find((file) => file.path === change.path)!;
        // A line that said torrent+ before enable, for a URI enable also switched in the same file,
        // cannot be told from enable's own once the file was edited: the saved bytes are what keeps it.
        const before = parseSources(change.before, record.format);
        if (before.some((entry) => entry.uri.startsWith('torrent+') && record.switched.includes(entry.uri.slice(8)))) continue;
        assert.equal(unswitchText(change.after, record.format, new Set(record.switched)), change.before);
      }
    }), { numRuns: RUNS });
  });

  it('parses any text without throwing, with every URI where its offset says', () => {
    const anyText = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((code) => String.fromCharCode(code)), maxLength: 300 });
    fc.assert(fc.property(fc.oneof(anyText, listText, sourcesText), fc.constantFrom('one-line', 'deb822') as fc.Arbitrary<'one-line' | 'deb822'>, (text, format) => {
      for (const entry of parseSources(text, format)) {
        if (entry.offset < 0) continue;
        // One-line words may be quoted anywhere ("http://a/", ht"tp"://a/); deb822 values never are.
        const rest = format === 'one-line' ? text.slice(entry.offset).replace(/"/g, '') : text.slice(entry.offset);
        assert.ok(rest.startsWith(entry.uri), `${JSON.stringify(entry.uri)} at ${entry.offset}`);
        assert.ok(entry.line >= 1);
        assert.doesNotThrow(() => unswitchText(text, format));
      }
    }), { numRuns: RUNS * 3 });
  });
});
