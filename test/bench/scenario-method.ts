import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { METHOD } from '../method/method-client.js';
import { createSandbox, removeSandbox, type Sandbox } from '../helpers/sandbox.js';
import { clearArchives, makeArchive, smallDebs, type Row } from './fixture.js';
import { measure, median, spread } from './measure.js';

/** Lists and cached indexes gone: the next `apt-get update` fetches every index again. */
function clearLists(sandbox: Sandbox): void {
  rmSync(join(sandbox.dir, 'state/lists'), { recursive: true, force: true });
  rmSync(join(sandbox.dir, 'cache/pkgcache.bin'), { force: true });
  rmSync(join(sandbox.dir, 'cache/srcpkgcache.bin'), { force: true });
}

/**
 * What the torrent+http method costs when it can only redirect (the mirror
 * publishes no manifest): the same apt-get update and download of N small
 * packages, from an `http://` source and from a `torrent+http://` source
 * through the method, alternating who goes first. The difference, per file,
 * is the price of a 103 Redirect: one more message round trip inside APT and
 * the method's own start-up, plus one manifest lookup per run.
 */
export async function methodScenario(smoke: boolean, runs: number): Promise<Row[]> {
  const count = smoke ? 5 : 50;
  const archive = await makeArchive(smallDebs(count, 'method'));
  const plain = createSandbox(archive.mirror.url);
  const method = createSandbox(`torrent+${archive.mirror.url}`);
  appendFileSync(join(method.dir, 'apt.conf'), `Dir::Bin::Methods::torrent+http "${METHOD}";\n`);
  const names = Array.from({ length: count }, (_, index) => `method${index}`);
  const few = Math.max(1, Math.round(count / 5));
  const times = {
    update: { plain: [] as number[], method: [] as number[] },
    few: { plain: [] as number[], method: [] as number[] },
    download: { plain: [] as number[], method: [] as number[] },
  };
  try {
    for (let run = 0; run < runs; run += 1) {
      for (const who of run % 2 === 0 ? ['plain', 'method'] as const : ['method', 'plain'] as const) {
        const box = who === 'plain' ? plain : method;
        clearLists(box);
        times.update[who].push((await measure('apt-get', ['update', '-qq'], box.env)).ms);
        clearArchives(box.archives);
        times.few[who].push((await measure('apt-get', ['install', '--download-only', '-y', '-qq', ...names.slice(0, few)], box.env)).ms);
        clearArchives(box.archives);
        times.download[who].push((await measure('apt-get', ['install', '--download-only', '-y', '-qq', ...names], box.env)).ms);
      }
    }
  } finally {
    removeSandbox(plain);
    removeSandbox(method);
    await archive.close();
  }
  const extra = (pair: { plain: number[]; method: number[] }) => median(pair.method) - median(pair.plain);
  // What each further file costs: the slope between the small and the full download.
  const perFile = (extra(times.download) - extra(times.few)) / (count - few);
  const row = (what: string, note: string, pair: { plain: number[]; method: number[] }): Row => ({
    scenario: `method: ${what} through torrent+http, nothing published (every file a redirect)`,
    measure: `ms; ${extra(pair).toFixed(0)} ms more${note}`,
    aptGet: spread(pair.plain),
    aptTorrent: spread(pair.method),
    ratio: Number((median(pair.method) / median(pair.plain)).toFixed(2)),
    target: '-',
    raw: pair,
  });
  return [
    row('apt-get update (InRelease, Packages)', ', all of it per run: the method started twice (APT probes it first)', times.update),
    row(`apt-get install --download-only of ${few} small packages`, '', times.few),
    row(`apt-get install --download-only of ${count} small packages`, `; ${perFile.toFixed(2)} ms per further file`, times.download),
  ];
}
