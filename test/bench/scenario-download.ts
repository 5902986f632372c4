import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from '../helpers/cli.js';
import { METHOD } from '../method/method-client.js';
import { addDebianSuite, debianIndex } from './debian-index.js';
import { clearArchives, makeArchive, makeSandbox, type Row } from './fixture.js';
import { measure, median, spread } from './measure.js';

/**
 * `apt-torrent download` of two packages the size of hello and vim-tiny,
 * as a user runs it, against the same download by apt-get through the
 * method (sources switched, as after `enable`) and by apt-get alone, on an
 * APT whose cache holds Debian's whole index besides the two: the real
 * bookworm main amd64 Packages from this machine's lists, served as a second
 * suite (its files are never fetched), so APT's cache load costs what it
 * costs on a real system. No manifest is published (as on deb.debian.org
 * today): the method redirects both files after one manifest lookup. Three
 * sandboxes, the order rotating each run.
 */
export async function downloadScenario(smoke: boolean, runs: number): Promise<Row[]> {
  const index = smoke ? undefined : debianIndex();
  const archive = await makeArchive([
    { name: 'benchhello', version: '2.10-3', payload: 53_000 },
    { name: 'benchvim', version: '9.0-1', payload: 700_000 },
  ]);
  const packages = 2 + (index ? addDebianSuite(archive.repo.root, index) : 0);
  const url = archive.mirror.url;
  const withBig = (box: { dir: string }, scheme: string) => {
    if (index) appendFileSync(join(box.dir, 'etc/sources.list'), `deb [trusted=yes] ${scheme}${url} big main\n`);
  };
  const plain = await makeSandbox(archive, url, (box) => withBig(box, ''));
  const wrapper = await makeSandbox(archive, url, (box) => withBig(box, ''));
  const method = await makeSandbox(archive, `torrent+${url}`, (box) => {
    withBig(box, 'torrent+');
    appendFileSync(join(box.dir, 'apt.conf'), `Dir::Bin::Methods::torrent+http "${METHOD}";\n`);
  });
  const names = ['benchhello', 'benchvim'];
  const times = { plain: [] as number[], wrapper: [] as number[], method: [] as number[] };
  const order = ['plain', 'wrapper', 'method'] as const;
  try {
    for (let run = 0; run < (smoke ? 1 : Math.max(runs, 5)); run += 1) {
      for (let step = 0; step < order.length; step += 1) {
        const who = order[(run + step) % order.length]!;
        const box = who === 'plain' ? plain : who === 'wrapper' ? wrapper : method;
        clearArchives(box.archives);
        const result = who === 'wrapper'
          ? await measure(process.execPath, [CLI, 'download', '-q', ...names], box.env)
          : await measure('apt-get', ['install', '--download-only', '-y', '-q', ...names], box.env);
        times[who].push(result.ms);
      }
    }
  } finally {
    plain.close();
    wrapper.close();
    method.close();
    await archive.close();
  }
  const what = `download of 2 packages (53 KB, 700 KB) with ${packages.toLocaleString('en')} packages in APT's cache${index ? '' : smoke ? ' (smoke: without Debian\'s index)' : ' (no Debian index in this machine\'s lists)'}`;
  const row = (how: string, mine: number[]): Row => ({
    scenario: `download: ${how}, ${what}`,
    measure: 'ms (nothing published: both files redirected)',
    aptGet: spread(times.plain),
    aptTorrent: spread(mine),
    ratio: Number((median(mine) / median(times.plain)).toFixed(2)),
    target: '-',
    raw: { plain: times.plain, mine },
  });
  return [
    row('`apt-torrent download` (one apt-get run, method plugged in by -o)', times.wrapper),
    row('apt-get through the method (sources switched, as after enable)', times.method),
  ];
}
