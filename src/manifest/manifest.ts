/**
 * The manifest (version 1): which files of a suite come over BitTorrent, and
 * how to find their torrents. Its rules are manifests/manifest.schema.json,
 * which `validateManifest` (validate.ts) applies.
 *
 * Published at `<archive>/dists/<suite>/apt-torrent/manifest.json` with a
 * gzip copy beside it. Clients match entries by SHA256 and size, never by
 * name alone, and a manifest only decides *how* a file is fetched: the bytes
 * are always checked against APT's own index.
 */

export const MANIFEST_VERSION = 1;
/** Where a suite's manifest lives, relative to the archive root. */
export function manifestDir(suite: string): string {
  return `dists/${suite}/apt-torrent`;
}
export const MANIFEST_NAME = 'manifest.json';

export interface ManifestFile {
  /** Pool path relative to the archive root, as in the Packages index. */
  filename: string;
  size: number;
  /** Lower-case hex. */
  sha256: string;
  package: string;
  version: string;
  architecture: string;
  /** BitTorrent v1 infohash, lower-case hex. */
  infoHash: string;
  pieceLength: number;
  /**
   * The .torrent: a path relative to the archive root (normally
   * `<filename>.torrent`), or an absolute http(s) URL.
   */
  torrent: string;
}

export interface Manifest {
  version: typeof MANIFEST_VERSION;
  /** Program and version that wrote it. */
  generator: string;
  /** ISO 8601 UTC time of the run that last changed the content. */
  generated: string;
  /** Base URL of the archive the torrents name as web seed (the --base-url), ending in `/`. */
  archive: string;
  suite: string;
  codename?: string;
  components: string[];
  architectures: string[];
  /** Announce URLs, in the order they appear in each .torrent. */
  trackers: string[];
  /** How the files were chosen, for people reading the manifest. */
  selection: { weighting: 'size' | 'popcon'; share: number; minSize: number };
  /** Sorted by filename, so a diff of two manifests reads well. */
  files: ManifestFile[];
}

/**
 * The manifest's bytes: two-space JSON with a final newline. Deterministic
 * for equal input, so `sameContent` can tell whether anything changed.
 */
export function serializeManifest(manifest: Manifest): string {
  const files = [...manifest.files].sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
  return `${JSON.stringify({ ...manifest, files }, null, 2)}\n`;
}

/**
 * True when two manifests differ at most in `generated`. Publishing keeps an
 * unchanged manifest's file as it is, so the operator need not re-sign Release.
 */
export function sameContent(a: Manifest, b: Manifest): boolean {
  return serializeManifest({ ...a, generated: '' }) === serializeManifest({ ...b, generated: '' });
}
