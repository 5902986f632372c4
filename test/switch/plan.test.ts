import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planDisable } from '../../src/switch/plan-disable.js';
import { planEnable, type SourcesSnapshot } from '../../src/switch/plan-enable.js';
import { parseRecord, serializeRecord, sha256, type SwitchRecord } from '../../src/switch/record.js';

const LIST: SourcesSnapshot = {
  path: '/etc/apt/sources.list',
  format: 'one-line',
  text: '# comment \xe9\xff\ndeb [signed-by=/k.gpg] http://deb.debian.org/debian bookworm main\ndeb cdrom:[X]/ bookworm main\n',
};
const SOURCES: SourcesSnapshot = {
  path: '/etc/apt/sources.list.d/debian.sources',
  format: 'deb822',
  text: 'Types: deb\nURIs: https://deb.debian.org/debian\n http://security.debian.org/debian-security\nSuites: trixie\nComponents: main\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n mQINB\n -----END PGP PUBLIC KEY BLOCK-----\n',
};
const CONF = { path: '/etc/apt/apt.conf.d/50apt-torrent-method', wanted: '// Written by `apt-torrent enable`; `apt-torrent disable` removes it.\n' };
const NOW = '2026-11-22T10:00:00.000Z';

/** Apply a plan's changes to the snapshots. */
function applied(files: SourcesSnapshot[], changes: Array<{ path: string; after: string }>): SourcesSnapshot[] {
  return files.map((file) => ({ ...file, text: changes.find((change) => change.path === file.path)?.after ?? file.text }));
}

function enableOnce(files: SourcesSnapshot[], record?: SwitchRecord, current?: string) {
  return planEnable({ files, ...(record ? { record } : {}), conf: { ...CONF, ...(current !== undefined ? { current } : {}) }, now: NOW });
}

describe('planEnable and planDisable', () => {
  it('switches, then restores every byte, and removes the apt.conf.d file', () => {
    const plan = enableOnce([LIST, SOURCES]);
    assert.equal(plan.state, 'switch');
    assert.deepEqual(plan.switchedNow.map((source) => `${source.line} ${source.uri}`), [
      '2 torrent+http://deb.debian.org/debian',
      '2 torrent+https://deb.debian.org/debian',
      '3 torrent+http://security.debian.org/debian-security',
    ]);
    assert.equal(plan.changes[0]!.after, LIST.text.replace(' http://', ' torrent+http://'));
    assert.deepEqual(plan.conf, { path: CONF.path, after: CONF.wanted });
    // The record survives its JSON, non-UTF-8 bytes included.
    const record = parseRecord(serializeRecord(plan.record));
    const now = applied([LIST, SOURCES], plan.changes);
    const back = planDisable({ record, recordedFiles: new Map(now.map((file) => [file.path, file.text])), sources: [], conf: { path: CONF.path, current: CONF.wanted } });
    assert.deepEqual(back.changes.map((change) => change.how), ['restored', 'restored']);
    assert.deepEqual(applied(now, back.changes), [LIST, SOURCES]);
    assert.deepEqual(back.removeConf, { path: CONF.path, text: CONF.wanted, edited: false });
  });

  it('says already enabled the second time and changes nothing', () => {
    const first = enableOnce([LIST, SOURCES]);
    const second = enableOnce(applied([LIST, SOURCES], first.changes), first.record, CONF.wanted);
    assert.equal(second.state, 'already-enabled');
    assert.deepEqual(second.changes, []);
    assert.equal(second.conf, undefined);
  });

  it('writes the apt.conf.d file again when it went missing, and only that', () => {
    const first = enableOnce([LIST]);
    const again = enableOnce(applied([LIST], first.changes), first.record);
    assert.equal(again.state, 'switch');
    assert.deepEqual(again.changes, []);
    assert.equal(again.conf?.after, CONF.wanted);
  });

  it('writes nothing when nothing uses http', () => {
    const plan = enableOnce([{ path: '/s.list', format: 'one-line', text: 'deb file:/srv ./\n' }]);
    assert.equal(plan.state, 'nothing-to-switch');
    assert.equal(plan.conf, undefined);
  });

  it('keeps an admin\'s edits after enable: disable then takes only the prefixes off', () => {
    const first = enableOnce([LIST]);
    const edited = `${first.changes[0]!.after}deb torrent+http://own.example.org/d s main\n# added later\n`;
    const back = planDisable({ record: first.record, recordedFiles: new Map([[LIST.path, edited]]), sources: [], conf: { path: CONF.path, current: CONF.wanted } });
    assert.deepEqual(back.changes.map((change) => change.how), ['unswitched']);
    // The admin's own torrent+ line is not enable's and stays.
    assert.equal(back.changes[0]!.after, `${LIST.text}deb torrent+http://own.example.org/d s main\n# added later\n`);
    assert.match(back.notes[0]!.message, /edited after enable/);
  });

  it('switches lines added after enable, and the file then restores to the edited original', () => {
    const first = enableOnce([LIST]);
    const edited = { ...LIST, text: `${first.changes[0]!.after}deb http://new.example.org/d s main\n` };
    const second = enableOnce([edited], first.record, CONF.wanted);
    assert.equal(second.state, 'switch');
    assert.deepEqual(second.edited, [LIST.path]);
    const now = applied([edited], second.changes)[0]!.text;
    assert.match(now, /torrent\+http:\/\/new\.example\.org/);
    const back = planDisable({ record: second.record, recordedFiles: new Map([[LIST.path, now]]), sources: [], conf: { path: CONF.path } });
    assert.equal(back.changes[0]!.after, `${LIST.text}deb http://new.example.org/d s main\n`);
  });

  it('does not recreate a file removed since, nor touch one already back as before', () => {
    const plan = enableOnce([LIST, SOURCES]);
    const back = planDisable({ record: plan.record, recordedFiles: new Map([[LIST.path, undefined], [SOURCES.path, SOURCES.text]]), sources: [], conf: { path: CONF.path } });
    assert.deepEqual(back.changes, []);
    assert.deepEqual(back.notes.map((note) => note.message), ['was removed after enable; not recreated', 'is already as it was before enable']);
    assert.equal(back.removeConf, undefined);
  });

  it('removes an edited apt.conf.d file too, and says it was edited', () => {
    const plan = enableOnce([LIST]);
    const back = planDisable({ record: plan.record, recordedFiles: new Map(), sources: [], conf: { path: CONF.path, current: `${CONF.wanted}Debug::X "1";\n` } });
    assert.equal(back.removeConf?.edited, true);
  });

  it('without a record, but with its apt.conf.d file, takes every torrent+ prefix off', () => {
    const switched = enableOnce([LIST, SOURCES]);
    const now = applied([LIST, SOURCES], switched.changes);
    const back = planDisable({ recordedFiles: new Map(), sources: now, conf: { path: CONF.path, current: CONF.wanted } });
    assert.equal(back.withoutRecord, true);
    assert.deepEqual(applied(now, back.changes), [LIST, SOURCES]);
  });

  it('without a record or its apt.conf.d file, is not enabled and touches nothing', () => {
    const back = planDisable({ recordedFiles: new Map(), sources: [{ ...LIST, text: 'deb torrent+http://a/ s main\n' }], conf: { path: CONF.path, current: '// some admin file\n' } });
    assert.equal(back.state, 'not-enabled');
    assert.deepEqual(back.changes, []);
  });

  it('refuses a record whose saved bytes do not match their SHA256', () => {
    const record = enableOnce([LIST]).record;
    const tampered = { ...record, files: [{ ...record.files[0]!, originalSha256: sha256('other') }] };
    assert.throws(() => parseRecord(JSON.stringify(tampered)), /do not match their SHA256/);
    assert.throws(() => parseRecord('{"version": 2}'), /not a version 1 record/);
  });
});

describe('the record', () => {
  it('is ASCII text, whatever the paths and bytes it holds', () => {
    const record = planEnable({ files: [{ ...LIST, path: '/srv/caf\u00e9/\u6e90.list' }], conf: CONF, now: NOW }).record;
    const text = serializeRecord(record);
    assert.match(text, /^[\x00-\x7f]*$/);
    assert.deepEqual(parseRecord(Buffer.from(text, 'latin1').toString('utf8')), record);
  });
});

describe('a lost record', () => {
  it('is rebuilt by enable from the torrent+ sources when its apt.conf.d file is there, so that disable undoes them', () => {
    const switched = applied([LIST, SOURCES], enableOnce([LIST, SOURCES]).changes);
    const again = planEnable({ files: switched, conf: { ...CONF, current: CONF.wanted }, now: NOW, adoptTorrent: true });
    assert.equal(again.state, 'switch');
    assert.deepEqual(again.changes, []);
    assert.equal(again.adopted, true);
    const back = planDisable({ record: again.record, recordedFiles: new Map(switched.map((file) => [file.path, file.text])), sources: [], conf: { path: CONF.path, current: CONF.wanted } });
    assert.deepEqual(applied(switched, back.changes), [LIST, SOURCES]);
  });
});
