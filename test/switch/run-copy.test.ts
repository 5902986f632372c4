import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planRunCopy } from '../../src/switch/run-copy.js';

describe('planRunCopy: the sources of one apt-get run', () => {
  it('switches what enable would switch, in a copy per file, keeping everything else byte for byte', () => {
    const list = '# main\ndeb [signed-by=/usr/share/keyrings/k.gpg] http://deb.debian.org/debian bookworm main\ndeb cdrom:[x]/ bookworm main\n';
    const deb822 = 'Types: deb\nURIs: https://security.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\n';
    const copy = planRunCopy([
      { path: '/etc/apt/sources.list', format: 'one-line', text: list },
      { path: '/etc/apt/sources.list.d/security.sources', format: 'deb822', text: deb822 },
    ]);
    assert.ok(copy);
    assert.equal(copy.switched, 2);
    assert.deepEqual(copy.files.map((file) => [file.name, file.from]), [
      ['000-sources.list', '/etc/apt/sources.list'],
      ['001-security.sources', '/etc/apt/sources.list.d/security.sources'],
    ]);
    assert.equal(copy.files[0]!.text, list.replace('http://deb', 'torrent+http://deb'));
    assert.equal(copy.files[1]!.text, deb822.replace('https://', 'torrent+https://'));
  });

  it('is nothing when every source is switched already (an enabled system) or none can be', () => {
    assert.equal(planRunCopy([{ path: '/etc/apt/sources.list', format: 'one-line', text: 'deb torrent+http://m/debian bookworm main\n' }]), undefined);
    assert.equal(planRunCopy([{ path: '/etc/apt/sources.list', format: 'one-line', text: 'deb file:/srv/repo ./\n' }]), undefined);
    assert.equal(planRunCopy([]), undefined);
  });

  it('switches only the rest of a partly switched system, and names copies APT reads', () => {
    const copy = planRunCopy([
      { path: '/etc/apt/sources.list', format: 'one-line', text: 'deb torrent+http://m/debian bookworm main\n' },
      { path: '/etc/apt/sources.list.d/my repo+x.list', format: 'one-line', text: 'deb http://other/repo stable main\n' },
    ]);
    assert.ok(copy);
    assert.equal(copy.switched, 1);
    assert.equal(copy.files[0]!.text, 'deb torrent+http://m/debian bookworm main\n', 'not switched twice');
    assert.equal(copy.files[1]!.text, 'deb torrent+http://other/repo stable main\n');
    assert.equal(copy.files[1]!.name, '001-my_repo_x.list');
  });
});

describe('planRunCopy: only what may have a manifest is switched', () => {
  const hopeFor = (...uris: string[]) => (uri: string) => uris.includes(uri);

  it('leaves a source with no manifest to be had as it is, and switches the one that may have one', () => {
    const list = 'deb http://with/debian stable main\ndeb http://without/debian stable main\n';
    const copy = planRunCopy([{ path: '/etc/apt/sources.list', format: 'one-line', text: list }], hopeFor('http://with/debian'));
    assert.ok(copy);
    assert.equal(copy.switched, 1);
    assert.equal(copy.files[0]!.text, 'deb torrent+http://with/debian stable main\ndeb http://without/debian stable main\n');
  });

  it('is nothing when no source may have a manifest: apt-get reads the system\'s own files', () => {
    const files = [
      { path: '/etc/apt/sources.list', format: 'one-line' as const, text: 'deb http://deb.debian.org/debian bookworm main\n' },
      { path: '/etc/apt/sources.list.d/x.sources', format: 'deb822' as const, text: 'Types: deb\nURIs: http://other/x\nSuites: a b\nComponents: main\n' },
    ];
    assert.equal(planRunCopy(files, () => false), undefined);
  });

  it('asks per suite, and switches a stanza for any of its suites, with every line that shares a repository with it', () => {
    const asked: string[] = [];
    const deb822 = 'Types: deb\nURIs: http://m/debian\nSuites: bookworm bookworm-updates\nComponents: main\n';
    const list = 'deb-src http://m/debian bookworm-updates main\ndeb-src http://m/debian trixie main\n';
    const copy = planRunCopy([
      { path: '/etc/apt/sources.list', format: 'one-line', text: list },
      { path: '/etc/apt/sources.list.d/debian.sources', format: 'deb822', text: deb822 },
    ], (uri, suite) => {
      asked.push(`${uri} ${suite}`);
      return suite === 'bookworm';
    });
    assert.ok(copy);
    assert.ok(asked.includes('http://m/debian bookworm-updates'), asked.join(', '));
    assert.equal(copy.files[1]!.text, deb822.replace('http://', 'torrent+http://'));
    // APT reads bookworm-updates' deb-src line with the stanza as one repository: switched with it.
    assert.equal(copy.files[0]!.text, 'deb-src torrent+http://m/debian bookworm-updates main\ndeb-src http://m/debian trixie main\n');
    assert.equal(copy.switched, 2);
  });
});

describe('planRunCopy: a repository switched already on the system', () => {
  it('switches a plain line of a repository the system switched already, whatever the manifest', () => {
    const list = 'deb torrent+http://m/debian stable main\ndeb-src http://m/debian stable main\ndeb http://other/debian stable main\n';
    const copy = planRunCopy([{ path: '/etc/apt/sources.list', format: 'one-line', text: list }], () => false);
    assert.ok(copy);
    assert.equal(copy.files[0]!.text, 'deb torrent+http://m/debian stable main\ndeb-src torrent+http://m/debian stable main\ndeb http://other/debian stable main\n');
  });
});
