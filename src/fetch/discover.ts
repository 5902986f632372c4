import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AptSource } from './resolve.js';
import type { TrustedManifest } from './assign-torrents.js';
import type { Network } from './network.js';
import { fetchCached } from './fetch-cached.js';
import { manifestDir, MANIFEST_NAME } from '../manifest/manifest.js';
import { manifestInRelease, verdictFor } from './release-check.js';
import { trustReason, type TrustReason } from './manifest-trust.js';
import { leavesUnfetched } from './manifest-prospect.js';
import { redactUri } from '../apt/auth-conf.js';

export interface DiscoverOptions {
  network: Network;
  /** `--manifest URL` or the `manifest` config key: used for every source instead of discovery. */
  manifestUrl?: string;
  /** An OpenPGP keyring: when set, a manifest is used only with a valid detached signature (`manifest.json.gpg`). */
  keyring?: string;
  cacheDir?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Told once per manifest that cannot be used; its files then come over HTTP. */
  warn(message: string): void;
  /** Told what became of each manifest looked for (for `plan`). */
  report?(outcome: ManifestOutcome): void;
  /**
   * Leave a source's manifest unfetched when nothing could vouch for it:
   * the suite's Release does not list it, it is not https with APT's
   * checks on, and no keyring is set. For a caller that would not use such
   * a manifest anyway (the method, with no torrent.trackers of its own):
   * it saves a request to the mirror on every run of a mirror that
   * publishes nothing.
   */
  skipUnvouched?: boolean;
}

/** What became of one manifest: none published, one that cannot be used, or one that can (and what vouches for it). */
export interface ManifestOutcome {
  url: string;
  /** The source it was looked for; undefined for a manifest given for all sources. */
  source?: AptSource;
  state: 'absent' | 'unusable' | 'found';
  /** Why it cannot be used ('unusable'). */
  problem?: string;
  trustedBy?: TrustReason;
}

/** The URL where a source's manifest is published. */
export function manifestUrlFor(source: AptSource): string {
  return `${source.repoUri.endsWith('/') ? source.repoUri : `${source.repoUri}/`}${manifestDir(source.release)}/${MANIFEST_NAME}`;
}

/**
 * Find, fetch and check the manifests for the sources of a plan. Every
 * failure (none published, unreachable, invalid, not matching Release, bad
 * signature) means "those files over HTTP" and one warning — never a failed install.
 */
export async function discoverManifests(sources: readonly AptSource[], options: DiscoverOptions): Promise<TrustedManifest[]> {
  if (options.manifestUrl) {
    const manifest = await loadOne(options.manifestUrl, undefined, options, true);
    return manifest ? [manifest] : [];
  }
  const found = await Promise.all(sources.map((source) => loadOne(manifestUrlFor(source), source, options, false)));
  return found.filter((manifest): manifest is TrustedManifest => manifest !== undefined);
}

async function loadOne(url: string, source: AptSource | undefined, options: DiscoverOptions, explicit: boolean): Promise<TrustedManifest | undefined> {
  const fallback = (reason: string) => {
    options.warn(`manifest ${redactUri(url)}: ${reason}; its files come over HTTP`);
    options.report?.({ url, source, state: 'unusable', problem: reason });
    return undefined;
  };
  // APT has verified the suite's Release already: it says whether the manifest is published and what its bytes are.
  const release = source ? await readRelease(source) : undefined;
  const listed = release === undefined ? undefined : manifestInRelease(release);
  if (source && leavesUnfetched({ skipUnvouched: options.skipUnvouched === true, keyring: Boolean(options.keyring), listed: listed !== undefined, authenticated: options.network.authenticates(url) })) return undefined;
  let fetched;
  try {
    // A cached copy with the Release's SHA256 is used without asking the mirror.
    fetched = await fetchCached(url, { network: options.network, cacheDir: options.cacheDir, timeoutMs: options.timeoutMs, signal: options.signal, ...(listed ? { expected: listed } : {}) });
  } catch (error) {
    return fallback(`cannot be fetched (${(error as Error).message})`);
  }
  // A mirror without a manifest is normal; only a manifest asked for by name deserves a warning.
  if (!fetched) {
    if (explicit) return fallback('not found');
    options.report?.({ url, source, state: 'absent' });
    return undefined;
  }

  let json: unknown;
  try {
    json = JSON.parse(fetched.bytes.toString('utf8'));
  } catch (error) {
    return fallback(`is not valid JSON (${(error as Error).message})`);
  }
  // The schema's checker is loaded only when there is a manifest to check.
  const { validateManifest } = await import('../manifest/validate.js');
  const { manifest, problems } = validateManifest(json);
  if (!manifest) return fallback(`does not follow the manifest schema: ${problems.slice(0, 3).join('; ')}`);

  let inRelease = false;
  if (source) {
    const verdict = release === undefined ? undefined : verdictFor(listed, fetched.bytes);
    if (verdict?.kind === 'mismatch') {
      return fallback(`does not match the SHA256 listed for it in the suite's signed Release (expected ${verdict.expected}, got ${verdict.got})`);
    }
    inRelease = verdict?.kind === 'match';
  }
  if (options.keyring) {
    const problem = await signatureProblem(`${url}.gpg`, fetched.bytes, options);
    if (problem) return fallback(problem);
  }
  const trustedBy = trustReason({ url, inRelease, signed: options.keyring !== undefined, authenticated: options.network.authenticates(url) });
  options.report?.({ url, source, state: 'found', trustedBy });
  return {
    url,
    trustedBy,
    repoUri: source?.repoUri,
    release: source?.release,
    torrentBase: source ? source.repoUri : manifest.archive,
    trackers: manifest.trackers,
    files: manifest.files,
  };
}

/** The suite's InRelease, else its Release, from APT's lists; undefined when neither can be read. */
async function readRelease(source: AptSource): Promise<string | undefined> {
  for (const file of source.releaseFiles) {
    try {
      return await readFile(file, 'utf8');
    } catch {
      // try the next name (InRelease, then Release)
    }
  }
  return undefined;
}

/** A detached signature is a few hundred bytes; even many signatures fit in this. */
const SIGNATURE_BYTES = 1024 * 1024;

/** gpgv says a few lines; more is kept from no program. */
const GPGV_OUTPUT = 1024 * 1024;

/** gpgv on the detached signature; undefined when it is good. */
async function signatureProblem(signatureUrl: string, data: Buffer, options: DiscoverOptions): Promise<string | undefined> {
  let signature;
  try {
    signature = await fetchCached(signatureUrl, { network: options.network, timeoutMs: options.timeoutMs, signal: options.signal, maxBytes: SIGNATURE_BYTES });
  } catch (error) {
    return `its signature ${redactUri(signatureUrl)} cannot be fetched (${(error as Error).message})`;
  }
  if (!signature) return `is not signed (no ${redactUri(signatureUrl)}) but a keyring is configured`;
  const dir = await mkdtemp(join(tmpdir(), 'apt-torrent-gpgv-'));
  try {
    await writeFile(join(dir, 'manifest.json'), data);
    await writeFile(join(dir, 'manifest.json.gpg'), signature.bytes);
    const { runCapture } = await import('../util/run.js');
    const result = await runCapture('gpgv', ['--keyring', options.keyring!, join(dir, 'manifest.json.gpg'), join(dir, 'manifest.json')], { maxBytes: GPGV_OUTPUT });
    if (result.code === 0) return undefined;
    return `has no valid signature from the keyring ${options.keyring} (gpgv: ${result.stderr.trim().split('\n').pop()})`;
  } catch (error) {
    return `has no valid signature from the keyring ${options.keyring} (gpgv: ${(error as Error).message})`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
