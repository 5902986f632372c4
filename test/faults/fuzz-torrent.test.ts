/**
 * Fuzzing what comes from trackers and .torrent files: bencoding, the
 * single-file torrent check (against parse-torrent, which is what
 * webtorrent reads the same bytes with), tracker scrapes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import parseTorrentLib from 'parse-torrent';
import { BencodeError, decode, encode, rawValue, type BInput } from '../../src/bittorrent/bencode.js';
import { parseTorrent } from '../../src/bittorrent/torrent.js';
import { acceptTorrent, withTrackersOnly } from '../../src/bittorrent/accept-torrent.js';
import { parseScrape, scrapeQuery, scrapeUrl } from '../../src/bittorrent/scrape.js';
import { anyText, check, checkAsync, NASTY, onlyThrows, reportRuns, timed } from './helpers/fuzz.js';

reportRuns('torrent');

const bencodeError = (error: unknown) => error instanceof BencodeError && error.message.length < 300;
/** parseTorrent and parseScrape throw a plain Error with the reason, or the decoder's BencodeError. */
const readerError = (error: unknown) => bencodeError(error) || (error instanceof Error && error.constructor === Error && error.message.length < 300);

const integer = fc.oneof(fc.integer(), fc.constantFrom(0, -1, 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER));
const byteString = fc.oneof(fc.uint8Array({ maxLength: 24 }), anyText.map((text) => Buffer.from(text, 'utf8')));
/** Keys are byte strings, held as latin1 text (one character per byte). */
const key = fc.oneof(fc.constantFrom('info', 'name', 'length', 'files', '__proto__', 'constructor', ''), anyText.map((text) => Buffer.from(text, 'utf8').toString('latin1')));
/** A null-prototype dictionary, so `__proto__` is an ordinary key as it is on the wire. */
const dictOf = <T>(entries: Array<[string, T]>) => Object.assign(Object.create(null) as Record<string, T>, Object.fromEntries(entries));

const { value: bvalue } = fc.letrec<{ value: BInput; list: BInput[]; dict: Record<string, BInput> }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, integer, byteString, tie('list'), tie('dict')),
  list: fc.array(tie('value'), { maxLength: 4 }),
  dict: fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map(dictOf),
}));

/** Valid bencoding with a few bytes changed, inserted, cut or repeated. */
const mutated = (base: fc.Arbitrary<Buffer>) => fc
  .tuple(base, fc.array(fc.tuple(fc.nat(), fc.constantFrom('flip', 'insert', 'cut', 'repeat', 'truncate'), fc.constantFrom(...'ilde:-0123456789'.split(''), ...NASTY)), { maxLength: 4 }))
  .map(([bytes, edits]) => {
    let data = Buffer.from(bytes);
    for (const [position, kind, token] of edits) {
      const at = data.length === 0 ? 0 : position % data.length;
      if (kind === 'flip' && data.length > 0) data[at] = data[at]! ^ (1 << (position % 8));
      if (kind === 'insert') data = Buffer.concat([data.subarray(0, at), Buffer.from(token, 'latin1'), data.subarray(at)]);
      if (kind === 'cut') data = Buffer.concat([data.subarray(0, at), data.subarray(at + 1 + (position % 5))]);
      if (kind === 'repeat') data = Buffer.concat([data.subarray(0, at), data.subarray(at, at + 8), data.subarray(at)]);
      if (kind === 'truncate') data = data.subarray(0, at);
    }
    return data;
  });

describe('fuzz: bencoding', () => {
  it('encode and decode round-trip any value', () => {
    check('bencode-roundtrip', bvalue, (value) => {
      const bytes = encode(value);
      assert.deepEqual(encode(decode(bytes) as BInput), bytes);
    }, 1500);
  });

  it('damaged or random bytes give a value or a short BencodeError, from decode and rawValue alike', () => {
    const input = fc.oneof(mutated(bvalue.map(encode)), fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)));
    check('bencode-damaged', input, (data) => {
      onlyThrows(() => decode(data), bencodeError);
      onlyThrows(() => rawValue(data, 'info'), bencodeError);
    }, 3000);
  });

  it('corpus: deep nesting is refused (not a stack overflow), huge numbers and lengths are refused briefly', () => {
    const cases: Array<[string, Buffer]> = [
      ['a million lists deep', Buffer.from('l'.repeat(1_000_000))],
      ['a million dictionaries deep', Buffer.from('d1:a'.repeat(1_000_000))],
      ['lists deep inside info', Buffer.from(`d4:info${'l'.repeat(100_000)}${'e'.repeat(100_000)}e`)],
      ['a megabyte of digits', Buffer.from(`i${'9'.repeat(1_000_000)}e`)],
      ['a megabyte of digits, no end', Buffer.from(`i${'9'.repeat(1_000_000)}`)],
      ['a megabyte integer of junk', Buffer.from(`i${'x'.repeat(1_000_000)}e`)],
      ['2^53', Buffer.from('i9007199254740992e')],
      ['-0', Buffer.from('i-0e')],
      ['a string longer than the input', Buffer.from('999999999999999:x')],
      ['a string length past 2^53', Buffer.from('99999999999999999999:x')],
      ['a megabyte of length digits', Buffer.from(`${'9'.repeat(1_000_000)}:x`)],
      ['a NUL', Buffer.from('\0')],
      ['nothing', Buffer.alloc(0)],
    ];
    for (const [name, data] of cases) {
      for (const read of [() => decode(data), () => rawValue(data, 'info')]) {
        assert.throws(() => timed(read, 1000), (error) => {
          assert.ok(error instanceof BencodeError, `${name}: ${(error as Error).stack}`);
          assert.ok(error.message.length < 300, `${name}: a message of ${error.message.length} characters`);
          return true;
        }, name);
      }
    }
  });
});

/** A valid single-file torrent, then keys of the info dictionary replaced or added from a hostile set. */
const torrentBytes = fc
  .tuple(
    fc.constantFrom(0, 1, 16_384, 40_000),
    fc.array(
      fc.oneof(
        fc.tuple(fc.constant('name'), fc.oneof(fc.constantFrom('a_1_all.deb', 'b.deb'), anyText)),
        fc.tuple(fc.constant('name.utf-8'), fc.oneof(fc.constantFrom('a_1_all.deb', '../../../../tmp/x', 'x/y'), anyText)),
        fc.tuple(fc.constantFrom('path', 'path.utf-8'), fc.array(fc.oneof(fc.constantFrom('..', 'etc', 'passwd'), anyText), { maxLength: 4 })),
        fc.tuple(fc.constant('files'), fc.constantFrom([], [{ length: 1, path: ['..', 'x'] }])),
        fc.tuple(fc.constant('__proto__'), fc.constantFrom(dictOf([['name.utf-8', '../x']]), dictOf([['files', [{ length: 1, path: ['x'] }]]]), dictOf([['path', ['..', 'y']]]))),
        fc.tuple(fc.constantFrom('length', 'piece length'), integer),
        fc.tuple(fc.constant('pieces'), fc.nat(3).map((count) => Buffer.alloc(count * 20 + (count === 3 ? 1 : 0), 7))),
        fc.tuple(fc.constantFrom('private', 'source', 'md5sum'), bvalue),
      ),
      { maxLength: 3 },
    ),
    fc.array(fc.tuple(fc.constantFrom('announce', 'announce-list', 'url-list', 'comment', '__proto__'), bvalue), { maxLength: 2 }),
  )
  .map(([length, edits, outer]) => {
    const pieceLength = 16_384;
    const info: Record<string, BInput> = dictOf<BInput>([
      ['length', length],
      ['name', 'a_1_all.deb'],
      ['piece length', pieceLength],
      ['pieces', Buffer.alloc(Math.ceil(length / pieceLength) * 20, 1)],
    ]);
    for (const [field, value] of edits) info[field] = value as BInput;
    return encode(dictOf<BInput>([...outer, ['info', info]]));
  });

describe('fuzz: .torrent files', () => {
  it('parseTorrent accepts only what webtorrent reads as the same one plain file', async () => {
    await checkAsync('torrent-vs-webtorrent', fc.oneof({ weight: 4, arbitrary: torrentBytes }, { weight: 1, arbitrary: mutated(torrentBytes) }), async (data) => {
      const ours = onlyThrows(() => parseTorrent(data), readerError);
      if (!ours) return;
      assert.doesNotMatch(ours.info.name, /[/\\\0]/);
      assert.ok(!['', '.', '..'].includes(ours.info.name));
      assert.equal(ours.infoHash, createHash('sha1').update(rawValue(data, 'info')!).digest('hex'));
      // What webtorrent will do with the bytes torrent-fetch gives it (the info dictionary as it came, our trackers):
      // the file it writes, and the name torrent-fetch then joins to its directory.
      const theirs = await parseTorrentLib(withTrackersOnly(data, ['http://127.0.0.1:1/announce']));
      assert.equal(theirs.files.length, 1, 'one file');
      const [file] = theirs.files;
      assert.equal(file!.path, ours.info.name, 'the path webtorrent writes');
      assert.equal(file!.name, ours.info.name, 'the name torrent-fetch joins');
      assert.equal(file!.length, ours.info.length);
      assert.equal(join('/dir', file!.name).startsWith('/dir/'), true);
    }, 1500);
  });

  it('acceptTorrent and withTrackersOnly keep the infohash whatever the trackers', () => {
    check('torrent-trackers', fc.tuple(torrentBytes, fc.array(anyText, { maxLength: 3 })), ([data, trackers]) => {
      const parsed = onlyThrows(() => parseTorrent(data), readerError);
      if (!parsed) return;
      onlyThrows(() => acceptTorrent(data, { size: parsed.info.length, infoHash: parsed.infoHash.toUpperCase() }), readerError);
      assert.throws(() => acceptTorrent(data, { size: parsed.info.length + 1, infoHash: parsed.infoHash }), readerError);
      const rewritten = parseTorrent(withTrackersOnly(data, trackers));
      assert.equal(rewritten.infoHash, parsed.infoHash);
      assert.deepEqual(rewritten.webSeeds, []);
      assert.deepEqual(rewritten.trackers, [...new Set(trackers.map((url) => Buffer.from(url, 'utf8').toString('utf8')))]);
    }, 800);
  });

  it('corpus: a name that is a plain file name to us and a path to webtorrent is refused', () => {
    const base = { length: 1, name: 'a_1_all.deb', 'piece length': 16_384, pieces: Buffer.alloc(20) };
    const cases: Array<[string, BInput]> = [
      ['name.utf-8 with ..', { ...base, 'name.utf-8': '../../../../etc/cron.d/x' }],
      ['name.utf-8 with a slash', { ...base, 'name.utf-8': 'x/a_1_all.deb' }],
      ['name.utf-8 another name', { ...base, 'name.utf-8': 'b.deb' }],
      ['path in a single-file torrent', { ...base, path: ['..', '..', 'x'] }],
      ['path.utf-8 in a single-file torrent', { ...base, 'path.utf-8': ['x'] }],
      ['__proto__ carrying name.utf-8', Object.assign(dictOf<BInput>(Object.entries(base)), { ['__proto__']: dictOf([['name.utf-8', '../x']]) })],
      ['__proto__ carrying files', Object.assign(dictOf<BInput>(Object.entries(base)), { ['__proto__']: dictOf([['files', [{ length: 1, path: ['..', 'x'] }]]]) })],
    ];
    for (const [name, info] of cases) {
      const data = encode(dictOf<BInput>([['info', info]]));
      assert.throws(() => parseTorrent(data), readerError, name);
    }
  });

  it('corpus: two info dictionaries (one checked, the other hashed and handed to webtorrent) are refused', () => {
    const checked = encode({ length: 1, name: 'a_1_all.deb', 'piece length': 16_384, pieces: Buffer.alloc(20) });
    const hostile = encode({ files: [{ length: 1, path: ['..', '..', 'x'] }], name: '..', 'piece length': 16_384, pieces: Buffer.alloc(20) });
    for (const [first, second] of [[hostile, checked], [checked, hostile]]) {
      const data = Buffer.concat([Buffer.from('d4:info'), first!, Buffer.from('4:info'), second!, Buffer.from('e')]);
      assert.throws(() => parseTorrent(data), /duplicate key "info"/);
      assert.throws(() => rawValue(data, 'info'), /duplicate key "info"/);
    }
    assert.throws(() => decode(Buffer.from('d1:ai1e1:ai2ee')), /duplicate key "a"/);
  });
});

describe('fuzz: tracker scrapes', () => {
  const hash = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((bytes) => Buffer.from(bytes));
  const count = fc.oneof(integer, byteString, fc.constant([] as BInput[]));
  const scrape = fc.oneof(
    fc.tuple(fc.array(fc.tuple(fc.oneof(hash.map((bytes) => bytes.toString('latin1')), hash.map((bytes) => bytes.toString('utf8')), key), fc.oneof(
      fc.tuple(count, count).map(([complete, incomplete]) => dictOf<BInput>([['complete', complete], ['incomplete', incomplete]])),
      bvalue,
    )), { maxLength: 4 }), fc.option(anyText)).map(([files, failure]) => encode(dictOf<BInput>([['files', dictOf(files)], ...(failure === null ? [] : [['failure reason', failure] as [string, BInput]])]))),
    mutated(bvalue.map(encode)),
  );

  it('parseScrape gives swarm counts by 40-hex infohash, or a short error', () => {
    check('scrape', scrape, (body) => {
      const counts = onlyThrows(() => parseScrape(body), readerError);
      for (const [infoHash, swarm] of counts ?? []) {
        assert.match(infoHash, /^[0-9a-f]{40}$/);
        for (const number of [swarm.complete, swarm.incomplete]) assert.ok(Number.isSafeInteger(number) && number >= 0);
      }
    }, 2000);
  });

  it('corpus: a tracker\'s failure reason reaches messages short and without control characters', () => {
    for (const reason of ['\x1b]0;owned\x07\x1b[2J', 'x'.repeat(1_000_000), 'a\0b\r\nc']) {
      assert.throws(() => parseScrape(encode({ 'failure reason': reason })), (error: Error) => {
        assert.ok(error.message.length < 200, `${error.message.length} characters`);
        assert.doesNotMatch(error.message, /[\u0000-\u001f\u007f-\u009f]/);
        return true;
      });
    }
  });

  it('scrapeUrl and scrapeQuery take any announce URL', () => {
    const announce = fc.oneof(fc.constantFrom('http://t/announce', 'https://t:1/x/announce.php?k=1', 'udp://t:1/announce', 'http://t/'), fc.webUrl(), anyText);
    check('scrape-url', fc.tuple(announce, fc.array(fc.stringMatching(/^[0-9a-f]{40}$/), { maxLength: 3 })), ([url, hashes]) => {
      const scrapeAt = scrapeUrl(url);
      if (scrapeAt === undefined) return;
      assert.match(new URL(scrapeAt).pathname, /\/scrape[^/]*$/);
      const query = scrapeQuery(scrapeAt, hashes);
      assert.equal(new URL(query).searchParams.getAll('info_hash').length, hashes.length + new URL(scrapeAt).searchParams.getAll('info_hash').length);
    }, 1000);
  });
});
