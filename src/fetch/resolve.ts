import { AptTorrentError } from '../errors.js';
import { buildPlan, wantedPaths, type IndexedEntry, type Plan } from './plan.js';
import type { Apt, AptVerb } from '../apt/apt.js';
import { findByFilename } from '../apt/packages.js';

/**
 * Ask APT what it would fetch for `apt-get VERB ARGS`, and find each file's
 * SHA256 in the Packages indexes in APT's lists. Only the indexes of the
 * repositories the URIs come from are read, and only the wanted stanzas parsed.
 */
/** A suite of a repository that vouched for at least one planned file. */
export interface AptSource {
  repoUri: string;
  release: string;
  /** The suite's InRelease/Release in APT's lists, already verified by APT. */
  releaseFiles: string[];
}

export interface ResolvedPlan extends Plan {
  sources: AptSource[];
}

export async function resolvePlan(apt: Apt, verb: AptVerb, args: readonly string[]): Promise<ResolvedPlan> {
  const targetsAsked = apt.packagesIndexes();
  targetsAsked.catch(() => {});
  const uris = await apt.printUris(verb, args);
  if (uris.length === 0) return { files: [], refused: [], sources: [] };
  const targets = await targetsAsked;
  const wanted = wantedPaths(uris, [...new Set(targets.map((target) => target.repoUri))]);
  const indexed: IndexedEntry[] = [];
  await Promise.all(
    targets
      .filter((target) => wanted.has(target.repoUri))
      .map(async (target) => {
        const text = await apt.catFile(target.file);
        if (text === undefined) return;
        for (const entry of findByFilename(text, wanted.get(target.repoUri)!)) indexed.push({ repoUri: target.repoUri, release: target.release, entry });
      }),
  );
  const plan = buildPlan(uris, indexed);
  if (plan.refused.length > 0) {
    const lines = plan.refused.map((file) => `  ${file.cacheName} (${file.uri}): ${file.reason}`);
    throw new AptTorrentError('E_NO_SHA256', `refusing to download files whose SHA256 APT's indexes do not give:\n${lines.join('\n')}`, {
      hint: 'run `apt-get update` so the lists match the mirror; apt-torrent never fetches a file it cannot verify',
    });
  }
  const used = new Set(plan.files.map((file) => `${file.repoUri}\0${file.release}`));
  const sources = new Map<string, AptSource>();
  for (const target of targets) {
    const key = `${target.repoUri}\0${target.release}`;
    if (used.has(key) && !sources.has(key)) sources.set(key, { repoUri: target.repoUri, release: target.release, releaseFiles: target.releaseFiles });
  }
  return { ...plan, sources: [...sources.values()] };
}
