import { Apt } from '../../src/apt/apt.js';
import { findByFilename, parsePackages } from '../../src/apt/packages.js';
import { buildPlan } from '../../src/fetch/plan.js';
import { cleanEnv } from '../helpers/env.js';
import type { Row } from './fixture.js';
import { median, spread } from './measure.js';

/**
 * Debian scale: the real bookworm main amd64 Packages index in this
 * machine's APT lists; read it the way install does (apt-helper cat-file),
 * find 1,000 files in it and plan them. Skipped when the lists hold no such index.
 */
export async function scaleScenario(runs: number): Promise<Row[]> {
  const apt = new Apt([], cleanEnv());
  const target = (await apt.packagesIndexes()).find((index) => /bookworm_main_binary-amd64_Packages/.test(index.file));
  if (!target) return [{ scenario: 'Debian scale', measure: 'skipped: no bookworm main amd64 index in APT\'s lists (run apt-get update)', aptGet: '-', aptTorrent: '-', ratio: null, target: '<= 1 s' }];
  const all = parsePackages((await apt.catFile(target.file))!);
  const step = Math.floor(all.length / 1000);
  const chosen = Array.from({ length: 1000 }, (_, index) => all[index * step]!);
  const uris = chosen.map((entry) => ({ uri: `${target.repoUri}${entry.filename.split('/').map(encodeURIComponent).join('/')}`, cacheName: entry.filename.split('/').pop()!, size: entry.size, aptHash: '' }));
  const times: number[] = [];
  let planned = 0;
  for (let run = 0; run < Math.max(3, runs); run += 1) {
    const started = process.hrtime.bigint();
    const text = (await apt.catFile(target.file))!;
    const found = findByFilename(text, new Set(chosen.map((entry) => entry.filename)));
    const plan = buildPlan(uris, found.map((entry) => ({ repoUri: target.repoUri, release: target.release, entry })));
    planned = plan.files.length;
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return [{
    scenario: `Debian scale: read the real index (${all.length} packages) and plan 1,000 files (${planned} planned)`,
    measure: 'ms',
    aptGet: '-',
    aptTorrent: spread(times),
    ratio: null,
    target: '<= 1000 ms',
    raw: { median: median(times) },
  }];
}
