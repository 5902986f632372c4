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
