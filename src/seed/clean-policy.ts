/**
 * What `apt-torrent clean` removes, decided without touching anything. Pure.
 */
import type { SeedFacts } from './entry.js';
import { indexKey } from './index-lookup.js';

/** What the current manifests say of a seeded file (clean --manifest-gone). */
export type ManifestVerdict = 'listed' | 'gone' | 'unknown';

export interface CleanInput {
  entries: readonly SeedFacts[];
  /** indexKey() of every seeded file still in some Packages index. */
  indexed: ReadonlySet<string>;
  /** How many Packages indexes could be read. */
  indexesRead: number;
  /** Only with --manifest-gone: the verdict per infohash. */
  manifests?: ReadonlyMap<string, ManifestVerdict>;
}

export interface CleanDecision {
  remove: Array<{ facts: SeedFacts; reason: string }>;
  keep: SeedFacts[];
  /** Why nothing at all is removed, when that is a precaution rather than a finding. */
  caution?: string;
}

/**
 * A file is removed when no Packages index has its package, version and
 * SHA256 any more, or (with manifest verdicts) when the manifest of its
 * source was read and no longer lists it. When no index could be read at
 * all, nothing is removed: empty lists mean "cannot tell", not "all gone".
 * @example decideClean({ entries, indexed: new Set(), indexesRead: 1 }).remove.length === entries.length
 */
export function decideClean(input: CleanInput): CleanDecision {
  if (input.entries.length > 0 && input.indexesRead === 0) {
    return { remove: [], keep: [...input.entries], caution: 'no Packages index in APT\'s lists could be read (run `apt-get update`); nothing removed' };
  }
  const decision: CleanDecision = { remove: [], keep: [] };
  for (const facts of input.entries) {
    if (!input.indexed.has(indexKey(facts))) {
      decision.remove.push({ facts, reason: 'it left the Packages indexes' });
    } else if (input.manifests?.get(facts.infoHash) === 'gone') {
      decision.remove.push({ facts, reason: 'the manifest no longer lists it' });
    } else {
      decision.keep.push(facts);
    }
  }
  return decision;
}

/**
 * The verdict for one seeded file from the manifests that could be read:
 * those found for its own repository and suite, or one configured for all.
 */
export function manifestVerdict(facts: SeedFacts, manifests: ReadonlyArray<{ repoUri?: string; release?: string; files: ReadonlyArray<{ sha256: string; size: number }> }>): ManifestVerdict {
  const applicable = manifests.filter((manifest) => manifest.repoUri === undefined || (manifest.repoUri === facts.repoUri && manifest.release === facts.release));
  if (applicable.length === 0) return 'unknown';
  return applicable.some((manifest) => manifest.files.some((file) => file.sha256 === facts.sha256 && file.size === facts.size)) ? 'listed' : 'gone';
}
