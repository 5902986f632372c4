import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressLine, type BarFields } from '../../src/cli/progress-line.js';

const torrent: BarFields = {
  name: 'linux-image-6.1.0-28-amd64-unsigned_6.1.119-1_amd64.deb',
  progress: 0.42,
  done: '27.1 MiB',
  total: '64.0 MiB',
  speed: '12.3 MiB/s',
  via: 'torrent 3 peers, 80% peers',
  eta: 'ETA 3s',
};

describe('progress lines fit the terminal', () => {
  for (const columns of [40, 60, 79, 99, 120, 200]) {
    it(`at ${columns} columns: never longer, and name, percentage and ETA always there`, () => {
      const line = progressLine(torrent, columns);
      assert.ok(line.length <= columns, `${line.length}: ${line}`);
      assert.match(line, / 42%/);
      assert.match(line, /ETA 3s/);
      assert.match(line, /_amd64\.deb/, 'the end of the name, where the version is, stays');
    });
  }

  it('keeps everything on a wide terminal, and what matters most at 80 columns', () => {
    const wide = progressLine(torrent, 119);
    for (const part of ['27.1 MiB/64.0 MiB', '12.3 MiB/s', 'torrent 3 peers, 80% peers', 'ETA 3s', '█']) assert.ok(wide.includes(part), `${part} in ${wide}`);
    const common = progressLine(torrent, 79);
    for (const part of ['12.3 MiB/s', 'ETA 3s', '█']) assert.ok(common.includes(part), `${part} in ${common}`);
  });

  it('shows a short name whole, padded so the columns line up', () => {
    const a = progressLine({ ...torrent, name: 'a.deb' }, 99);
    const b = progressLine({ ...torrent, name: 'bb.deb' }, 99);
    assert.ok(a.startsWith('a.deb '));
    assert.equal(a.indexOf('%'), b.indexOf('%'));
  });

  it('escapes a hostile name', () => {
    assert.doesNotMatch(progressLine({ ...torrent, name: 'x\x1b[2J.deb' }, 99), /\x1b/);
  });
});
