import { createHash } from 'node:crypto';
import { parseRelease } from '../apt/release.js';

/** Where the manifest sits relative to `dists/<suite>/`, as Release lists it. */
export const MANIFEST_RELEASE_PATH = 'apt-torrent/manifest.json';

export type ReleaseVerdict =
  | { kind: 'unlisted' }
  | { kind: 'match' }
  | { kind: 'mismatch'; expected: string; got: string };

/** The manifest's SHA256 and size as the Release lists them, or undefined when it does not. Pure. */
export function manifestInRelease(releaseText: string): { sha256: string; size: number } | undefined {
  const entry = parseRelease(releaseText).files.get(MANIFEST_RELEASE_PATH);
  return entry ? { sha256: entry.sha256, size: entry.size } : undefined;
}

/**
 * Check manifest bytes against the suite's Release (which APT has already
 * verified). A Release that lists the manifest vouches for it; one that
 * lists it with other bytes means the manifest must not be used. Pure.
 */
export function checkAgainstRelease(releaseText: string, manifestBytes: Uint8Array): ReleaseVerdict {
  return verdictFor(manifestInRelease(releaseText), manifestBytes);
}

/** The same from the Release's entry for the manifest (undefined: not listed). Pure. */
export function verdictFor(entry: { sha256: string; size: number } | undefined, manifestBytes: Uint8Array): ReleaseVerdict {
  if (!entry) return { kind: 'unlisted' };
  const got = createHash('sha256').update(manifestBytes).digest('hex');
  if (entry.sha256 === got && entry.size === manifestBytes.length) return { kind: 'match' };
  return { kind: 'mismatch', expected: entry.sha256, got };
}
