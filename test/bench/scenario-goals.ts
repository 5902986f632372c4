import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from '../helpers/cli.js';
import { METHOD } from '../method/method-client.js';
import { addDebianSuite, debianIndex } from './debian-index.js';
import { clearArchives, makeArchive, makeSandbox, MiB, type Row } from './fixture.js';
import { measure, median, spread, type Measurement } from './measure.js';

type Box = Awaited<ReturnType<typeof makeSandbox>>;

/**
 * The start-up and idle-mirror goals, each apt-torrent case side by side
 * with apt-get in the same run, the order rotating: 4 big .debs from an
 * idle loopback mirror, without a manifest, with one and no seeders (the
 * wrapper, and plain apt-get through torrent+http as after `enable`), and
 * with Debian's whole index in APT's cache besides; HTTP throughput, the
 * peak RSS of a download whose files all come over HTTP, and `--help`.
 * Node's own start is measured too: it is the floor of every ratio here.
 *
 * NODE_EXTRA_CA_CERTS is left out of every environment (apt-get's too):
 * this machine sets it to the whole system bundle, which makes each Node
 * start parse ~140 certificates (~40 ms); Debian does not set it.
 */
export async function goalsScenario(smoke: boolean, runs: number): Promise<Row[]> {
  const size = smoke ? 1 * MiB : 64 * MiB;
  const packages = Array.from({ length: 4 }, (_, index) => ({ name: `goal${index}`, version: '1.0', payload: size }));
  const names = packages.map((pkg) => pkg.name);
  const index = smoke ? undefined : debianIndex();
  const idle = await makeArchive(packages);
  const published = await makeArchive(packages, { publish: true });
  const indexed = index ? addDebianSuite(published.repo.root, index) : 0;
  const env = (box: Box) => {
    const { NODE_EXTRA_CA_CERTS: _certs, ...rest } = box.env;
    return rest;
  };
  const big = (scheme: string) => (box: { dir: string }) => appendFileSync(join(box.dir, 'etc/sources.list'), `deb [trusted=yes] ${scheme}${published.mirror.url} big main\n`);
  const viaMethod = (box: { dir: string }) => appendFileSync(join(box.dir, 'apt.conf'), `Dir::Bin::Methods::torrent+http "${METHOD}";\n`);
  const boxes = {
    idle: await makeSandbox(idle),
    published: await makeSandbox(published),
    method: await makeSandbox(published, `torrent+${published.mirror.url}`, viaMethod),
    ...(index ? { big: await makeSandbox(published, published.mirror.url, big('')) } : {}),
  };
  const aptGet = (box: Box) => () => measure('apt-get', ['install', '--download-only', '-y', '-qq', ...names], env(box));
  const wrapper = (box: Box) => () => measure(process.execPath, [CLI, 'download', '-q', ...names], env(box));
  const cases: Record<string, { box: Box; run: () => Promise<Measurement> }> = {
    'idle apt-get': { box: boxes.idle, run: aptGet(boxes.idle) },
    'idle wrapper': { box: boxes.idle, run: wrapper(boxes.idle) },
    'published apt-get': { box: boxes.published, run: aptGet(boxes.published) },
    'published wrapper': { box: boxes.published, run: wrapper(boxes.published) },
    'method apt-get': { box: boxes.method, run: aptGet(boxes.method) },
    ...(boxes.big ? { 'big apt-get': { box: boxes.big, run: aptGet(boxes.big) }, 'big wrapper': { box: boxes.big, run: wrapper(boxes.big) } } : {}),
  };
  const results = new Map<string, Measurement[]>(Object.keys(cases).map((name) => [name, []]));
  const help: number[] = [];
  const floor = { bare: [] as number[], certs: [] as number[] };
  const order = Object.keys(cases);
  try {
    for (let run = 0; run < (smoke ? 1 : Math.max(runs, 3)); run += 1) {
      for (let step = 0; step < order.length; step += 1) {
        const name = order[(run + step) % order.length]!;
        clearArchives(cases[name]!.box.archives);
        results.get(name)!.push(await cases[name]!.run());
      }
      help.push((await measure(process.execPath, [CLI, '--help'], env(boxes.idle))).ms);
      floor.bare.push((await measure(process.execPath, ['-e', '0'], env(boxes.idle))).ms);
      floor.certs.push((await measure(process.execPath, ['-e', '0'], boxes.idle.env)).ms);
    }
  } finally {
    for (const box of Object.values(boxes)) box.close();
    await idle.close();
    await published.close();
  }
  const ms = (name: string) => results.get(name)!.map((result) => result.ms);
  const mib = (size * packages.length) / MiB;
  const what = `4 .debs of ${size / MiB} MiB, idle loopback mirror`;
  const ratioRow = (scenario: string, mine: string, theirs: string, target: string): Row => ({
    scenario,
    measure: 'ms',
    aptGet: spread(ms(theirs)),
    aptTorrent: spread(ms(mine)),
    ratio: Number((median(ms(mine)) / median(ms(theirs))).toFixed(2)),
    target,
    raw: { aptGet: ms(theirs), aptTorrent: ms(mine) },
  });
  const rate = (name: string) => ms(name).map((value) => mib / (value / 1000));
  const rss = (name: string) => results.get(name)!.map((result) => result.maxRssKiB / 1024);
  const rows: Row[] = [
    ratioRow(`goals: \`apt-torrent download\`, ${what}, no manifest`, 'idle wrapper', 'idle apt-get', '<= 1.05'),
    ratioRow(`goals: \`apt-torrent download\`, ${what}, manifest published, no seeders`, 'published wrapper', 'published apt-get', '<= 1.1'),
    ...(boxes.big ? [ratioRow(`goals: the same with Debian's index in APT's cache (${(indexed + packages.length).toLocaleString('en')} packages)`, 'big wrapper', 'big apt-get', '<= 1.05')] : []),
    ratioRow(`goals: plain apt-get through torrent+http (sources switched), ${what}, manifest published, no seeders`, 'method apt-get', 'published apt-get', '<= 1.05'),
    {
      scenario: `goals: HTTP throughput, ${what}, no manifest (whole command)`,
      measure: 'MiB/s',
      aptGet: spread(rate('idle apt-get')),
      aptTorrent: spread(rate('idle wrapper')),
      ratio: Number((median(rate('idle wrapper')) / median(rate('idle apt-get'))).toFixed(2)),
      target: '>= 1.0',
    },
    {
      scenario: `goals: peak RSS of \`apt-torrent download\`, ${what}, every file over HTTP`,
      measure: 'MiB (largest process)',
      aptGet: spread(rss('idle apt-get')),
      aptTorrent: spread(rss('idle wrapper')),
      ratio: null,
      target: '<= 60 MiB',
    },
    { scenario: 'goals: `apt-torrent --help`', measure: 'ms', aptGet: '-', aptTorrent: spread(help), ratio: null, target: '<= 100 ms' },
    {
      scenario: 'goals: Node\'s own start (`node -e 0`), the floor of every process of ours; with this machine\'s NODE_EXTRA_CA_CERTS in brackets',
      measure: 'ms',
      aptGet: '-',
      aptTorrent: `${spread(floor.bare)} [${spread(floor.certs)}]`,
      ratio: null,
      target: '-',
    },
  ];
  return rows;
}
