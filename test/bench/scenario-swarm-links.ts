import { loadavg } from 'node:os';
import { CLI } from '../helpers/cli.js';
import type { Proc } from '../helpers/proc.js';
import type { Sandbox } from '../helpers/sandbox.js';
import { sleep } from '../helpers/wait.js';
import { bigAndSmall, MiB, type Row } from './fixture.js';
import { measure, median, spread } from './measure.js';
import { ShapedNet, type Links } from './shaped-net.js';

/**
 * Home machines on asymmetric links and a mirror on a fast one, far away: the
 * mirror's link is shared by every machine that uses it, a machine uploads at
 * a fifth of its download rate. Round trips between machines are not added
 * (no netem here, and peers connect to each other directly): they are
 * neighbours on one ISP.
 */
const LINKS: Links = { mirror: { up: '100mbit', down: '100mbit' }, machine: { up: '10mbit', down: '50mbit' }, mirrorRttMs: 40 };

/** One arrival run: each machine's time, mirror copies of the payload, failures, the 1-minute load before and after. */
interface Arrivals {
  times: number[];
  copies: number;
  failed: number;
  load: string;
}

type Machine = { sandbox: Sandbox & { close(): void }; daemon?: Proc };

/**
 * The swarm bench on shaped links, in network namespaces: K machines arrive
 * `gap` s apart, each with its seeding daemon (seed.enabled, every other
 * setting the default, seed.uploadLimit included) running the real
 * `apt-torrent install -y` (apt-get through the APT method). Against it: one
 * plain `apt-get install -y` alone on the same home link (the baseline), and
 * K plain apt-gets arriving the same way (all of them on the mirror's link).
 */
export async function swarmLinksScenario(smoke: boolean, runs: number, ks: number[], shape: { gapS: number; payloadMiB: number }): Promise<Row[]> {
  const packages = bigAndSmall(smoke ? 0.04 : shape.payloadMiB / 100, 0, 'links');
  const payload = packages.reduce((sum, pkg) => sum + pkg.payload, 0);
  const names = packages.map((pkg) => pkg.name);
  const gapMs = smoke ? 300 : shape.gapS * 1000;
  const aptGet: [string, string[]] = ['apt-get', ['install', '-y', '-qq', ...names]];
  const ours: [string, string[]] = [process.execPath, [CLI, 'install', '-y', '-q', ...names]];
  const net = await ShapedNet.create(packages, Math.max(...ks), LINKS);
  const rows: Row[] = [];
  try {
    const alone: Arrivals[] = [];
    for (let run = 0; run < Math.min(runs, 3); run += 1) alone.push(await arrivals(net, 1, 0, false, aptGet, payload));
    const aloneTimes = alone.flatMap((result) => result.times);
    for (const k of ks) {
      const fleet: Arrivals[] = [];
      const swarm: Arrivals[] = [];
      for (let run = 0; run < Math.max(1, Math.floor(runs / 2)); run += 1) {
        fleet.push(await arrivals(net, k, gapMs, false, aptGet, payload));
        swarm.push(await arrivals(net, k, gapMs, true, ours, payload));
      }
      const medians = swarm.map((result) => median(result.times));
      const slowest = swarm.map((result) => Math.max(...result.times));
      const slower = swarm.map((result) => result.times.filter((ms) => ms > median(aloneTimes)).length);
      const failed = swarm.reduce((sum, result) => sum + result.failed, 0) + fleet.reduce((sum, result) => sum + result.failed, 0);
      const links = `home links ${LINKS.machine.down} down / ${LINKS.machine.up} up, mirror ${LINKS.mirror.down} and ${LINKS.mirror.up} RTT ${LINKS.mirrorRttMs} ms`;
      const loads = `load: alone ${alone.map((result) => result.load).join(', ')}; apt-get fleet ${fleet.map((result) => result.load).join(', ')}; apt-torrent ${swarm.map((result) => result.load).join(', ')}`;
      const scenario = `swarm-links: K=${k} machines ${gapMs / 1000} s apart, ${links}, default seed.uploadLimit, ${(payload / MiB).toFixed(0)} MiB${failed > 0 ? `, ${failed} failed run(s)` : ''}; ${loads}`;
      const copies = (results: Arrivals[]) => results.map((result) => result.copies);
      rows.push({
        scenario,
        measure: 'mirror copies of the payload (apt-get: K plain apt-gets)',
        aptGet: copies(fleet).map((value) => value.toFixed(2)).join(', '),
        aptTorrent: copies(swarm).map((value) => value.toFixed(2)).join(', '),
        ratio: Number((median(copies(swarm)) / k).toFixed(2)),
        target: '<= 2.0 copies',
      }, {
        scenario,
        measure: 'median machine install time, ms (apt-get: alone on a home link)',
        aptGet: spread(aloneTimes),
        aptTorrent: spread(medians),
        ratio: Number((median(medians) / median(aloneTimes)).toFixed(2)),
        target: '<= 1.0',
      }, {
        scenario,
        measure: `slowest machine's install time, ms (apt-get: alone on a home link; machines slower than it: ${slower.join(', ')})`,
        aptGet: spread(aloneTimes),
        aptTorrent: spread(slowest),
        ratio: Number((median(slowest) / median(aloneTimes)).toFixed(2)),
        target: '<= 1.0',
      }, {
        scenario,
        measure: 'median / slowest machine install time, ms, against K plain apt-gets arriving the same way (ratio: slowest)',
        aptGet: `${median(fleet.map((result) => median(result.times))).toFixed(0)} / ${median(fleet.map((result) => Math.max(...result.times))).toFixed(0)}`,
        aptTorrent: `${median(medians).toFixed(0)} / ${median(slowest).toFixed(0)}`,
        ratio: Number((median(slowest) / median(fleet.map((result) => Math.max(...result.times)))).toFixed(2)),
        target: '-',
      });
    }
  } finally {
    await net.close();
  }
  return rows;
}

/** Machines 1..k (with their daemons when `seed`) run `command` `gapMs` apart; each machine is torn down after. */
async function arrivals(net: ShapedNet, k: number, gapMs: number, seed: boolean, command: [string, string[]], payload: number): Promise<Arrivals> {
  const settled = await Promise.allSettled(Array.from({ length: k }, (_, index) => machine(net, index + 1, seed)));
  const machines = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  try {
    const refused = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (refused) throw refused.reason;
    const before = net.debBytesServed();
    const load = loadavg()[0]!.toFixed(1);
    const results = await Promise.all(machines.map(async ({ sandbox }, index) => {
      await sleep(index * gapMs);
      const [program, args] = net.exec(index + 1, ...command);
      return measure(program, args, sandbox.env);
    }));
    return {
      times: results.map((result) => result.ms),
      copies: (net.debBytesServed() - before) / payload,
      failed: results.filter((result) => result.code !== 0).length,
      load: `${load}→${loadavg()[0]!.toFixed(1)}`,
    };
  } finally {
    for (const { sandbox, daemon } of machines) {
      await daemon?.stop();
      sandbox.close();
    }
  }
}

async function machine(net: ShapedNet, index: number, seed: boolean): Promise<Machine> {
  const sandbox = await net.sandbox(index, seed);
  if (!seed) return { sandbox };
  try {
    return { sandbox, daemon: await net.daemon(index, sandbox) };
  } catch (error) {
    sandbox.close();
    throw error;
  }
}
