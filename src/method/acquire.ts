import { field, isTrue, type MethodMessage } from './message.js';

/** What a `600 URI Acquire` asks for, as far as this method cares. */
export interface Acquire {
  /** The URI exactly as APT sent it: every answer must repeat it so. */
  uri: string;
  /** Where APT wants the file (`DestFile`). */
  filename: string;
  /** `Expected-<type>` hashes, type lower-cased (sha256, sha512, md5sum, sha1). */
  expected: Map<string, string>;
  /** The size the index gives (Expected-Checksum-FileSize), when it does. */
  size?: number;
  /** `Target-Repo-URI` and `Target-Release`: the source whose index listed the file. */
  repoUri?: string;
  release?: string;
  /** `Target-Type`: `deb` for a package, `index` for the lists. */
  type?: string;
  indexFile: boolean;
}

const HASH_TYPES = ['sha512', 'sha256', 'sha1', 'md5sum'];

/** Read a 600 message; undefined when it has no URI (there is nothing to answer to). */
export function readAcquire(message: MethodMessage): Acquire | undefined {
  const uri = field(message, 'URI');
  if (!uri) return undefined;
  const expected = new Map<string, string>();
  for (const type of HASH_TYPES) {
    const value = field(message, `Expected-${type}`);
    if (value) expected.set(type, value.toLowerCase());
  }
  const sizeText = field(message, 'Expected-Checksum-FileSize');
  const size = sizeText !== undefined && /^\d{1,15}$/.test(sizeText) ? Number(sizeText) : undefined;
  return {
    uri,
    filename: field(message, 'Filename') ?? '',
    expected,
    size,
    repoUri: field(message, 'Target-Repo-URI') || undefined,
    release: field(message, 'Target-Release') || undefined,
    type: field(message, 'Target-Type') || undefined,
    indexFile: isTrue(field(message, 'Index-File')),
  };
}

/** `torrent+http(s)://…` → `http(s)://…`; undefined for any other scheme. */
export function mirrorUri(uri: string): string | undefined {
  const match = /^torrent\+(https?):(\/\/.*)$/i.exec(uri);
  return match ? `${match[1]!.toLowerCase()}:${match[2]}` : undefined;
}
