/**
 * Checking a manifest read from anywhere (the network, a file). Pure. The
 * rules are those of manifests/manifest.schema.json; a test checks the two
 * agree. Unknown fields are allowed so later versions can add some without
 * breaking older clients.
 */
import { MANIFEST_VERSION, type Manifest, type ManifestFile } from './manifest.js';

export interface ManifestCheck {
  /**
   * The manifest, when its top level is sound. Entries with problems are
   * left out of `files` (and named in `problems`): a bad entry only means
   * that file comes over HTTP, which is always safe.
   */
  manifest?: Manifest;
  /** One message per problem, each naming the field, e.g. `files[2].sha256: ...`. */
  problems: string[];
}

const HEX64 = /^[0-9a-f]{64}$/;
const HEX40 = /^[0-9a-f]{40}$/;

/**
 * Validate parsed JSON as a version 1 manifest.
 * @example const { manifest, problems } = validateManifest(JSON.parse(text));
 */
export function validateManifest(json: unknown): ManifestCheck {
  const problems: string[] = [];
  if (!isObject(json)) return { problems: ['manifest: expected a JSON object'] };
  if (json.version !== MANIFEST_VERSION) {
    return { problems: [`version: expected ${MANIFEST_VERSION}, got ${show(json.version)} (a newer manifest format needs a newer apt-torrent)`] };
  }
  text(json, 'generator', problems);
  if (text(json, 'generated', problems) && Number.isNaN(Date.parse(json.generated as string))) problems.push(`generated: expected an ISO 8601 date, got ${show(json.generated)}`);
  if (text(json, 'archive', problems) && !isUrl(json.archive as string, ['http:', 'https:'])) problems.push(`archive: expected an http(s) URL, got ${show(json.archive)}`);
  text(json, 'suite', problems);
  if (json.codename !== undefined) text(json, 'codename', problems);
  textList(json, 'components', problems);
  textList(json, 'architectures', problems);
  if (textList(json, 'trackers', problems)) {
    (json.trackers as string[]).forEach((url, index) => {
      if (!isUrl(url, ['http:', 'https:', 'udp:', 'ws:', 'wss:'])) problems.push(`trackers[${index}]: expected an http, https, udp or ws(s) URL, got ${show(url)}`);
    });
  }
  checkSelection(json.selection, problems);
  if (!Array.isArray(json.files)) problems.push('files: expected an array');
  if (problems.length > 0) return { problems };

  const files: ManifestFile[] = [];
  const seen = new Set<string>();
  (json.files as unknown[]).forEach((item, index) => {
    const before = problems.length;
    checkFile(item, `files[${index}]`, problems);
    if (problems.length > before) return;
    const file = item as ManifestFile;
    if (seen.has(file.filename)) {
      problems.push(`files[${index}].filename: ${file.filename} is listed twice`);
      return;
    }
    seen.add(file.filename);
    files.push(file);
  });
  return { manifest: { ...(json as unknown as Manifest), files }, problems };
}

function checkFile(item: unknown, at: string, problems: string[]): void {
  if (!isObject(item)) {
    problems.push(`${at}: expected an object`);
    return;
  }
  if (text(item, 'filename', problems, at) && !isRelativePath(item.filename as string)) {
    problems.push(`${at}.filename: expected a path inside the archive (no leading /, no ..), got ${show(item.filename)}`);
  }
  if (!Number.isSafeInteger(item.size) || (item.size as number) < 0) problems.push(`${at}.size: expected a non-negative integer, got ${show(item.size)}`);
  if (typeof item.sha256 !== 'string' || !HEX64.test(item.sha256)) problems.push(`${at}.sha256: expected 64 lower-case hex digits, got ${show(item.sha256)}`);
  text(item, 'package', problems, at);
  text(item, 'version', problems, at);
  text(item, 'architecture', problems, at);
  if (typeof item.infoHash !== 'string' || !HEX40.test(item.infoHash)) problems.push(`${at}.infoHash: expected 40 lower-case hex digits, got ${show(item.infoHash)}`);
  const piece = item.pieceLength;
  if (!Number.isSafeInteger(piece) || (piece as number) < 2 ** 14 || (piece as number) > 2 ** 24 || ((piece as number) & ((piece as number) - 1)) !== 0) {
    problems.push(`${at}.pieceLength: expected a power of two from 16 KiB to 16 MiB, got ${show(piece)}`);
  }
  if (text(item, 'torrent', problems, at) && !isRelativePath(item.torrent as string) && !isUrl(item.torrent as string, ['http:', 'https:'])) {
    problems.push(`${at}.torrent: expected a path inside the archive or an http(s) URL, got ${show(item.torrent)}`);
  }
}

function checkSelection(value: unknown, problems: string[]): void {
  if (!isObject(value)) {
    problems.push('selection: expected an object');
    return;
  }
  if (value.weighting !== 'size' && value.weighting !== 'popcon') problems.push(`selection.weighting: expected "size" or "popcon", got ${show(value.weighting)}`);
  if (typeof value.share !== 'number' || value.share < 0 || value.share > 1) problems.push(`selection.share: expected a number from 0 to 1, got ${show(value.share)}`);
  if (!Number.isSafeInteger(value.minSize) || (value.minSize as number) < 0) problems.push(`selection.minSize: expected a non-negative integer, got ${show(value.minSize)}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(object: Record<string, unknown>, key: string, problems: string[], at?: string): boolean {
  const value = object[key];
  if (typeof value === 'string' && value !== '') return true;
  problems.push(`${at ? `${at}.` : ''}${key}: expected a non-empty string, got ${show(value)}`);
  return false;
}

function textList(object: Record<string, unknown>, key: string, problems: string[]): boolean {
  const value = object[key];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' && item !== '')) return true;
  problems.push(`${key}: expected an array of non-empty strings, got ${show(value)}`);
  return false;
}

/** A path a client may join to the archive URL without leaving it. */
function isRelativePath(path: string): boolean {
  return !path.startsWith('/') && !path.includes('\\') && !path.includes('\0') && !/^[a-z][a-z0-9+.-]*:/i.test(path)
    && path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

function isUrl(text: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let json: string;
  try {
    // A long string is cut before it is quoted, not after.
    json = JSON.stringify(typeof value === 'string' && value.length > 60 ? value.slice(0, 60) : value);
  } catch {
    // JSON.parse reads arrays nested far deeper than JSON.stringify can write them back.
    return Array.isArray(value) ? 'an array nested too deeply to show' : 'an object nested too deeply to show';
  }
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
