import { AptTorrentError } from '../errors.js';

/** One file APT wants, as `apt-get --print-uris` names it. */
export interface AptUri {
  /** The URI exactly as APT printed it (percent-encoded); fetch this. */
  uri: string;
  /** The name the file must have in APT's archive cache (epochs as `%3a`). */
  cacheName: string;
  size: number;
  /** `MD5Sum:…`, `SHA256:…` or '' — APT prints whichever its index had first, or nothing. */
  aptHash: string;
}

// `'URI' FILENAME SIZE HASH` — HASH may be missing entirely (SHA256-only indexes).
const LINE = /^'([^']+)' (\S+) (\d+)(?: (\S*))?\s*$/;

/**
 * Parse the output of `apt-get install --print-uris -qq`.
 * Lines that are not file lines make it throw: guessing would risk fetching
 * the wrong thing.
 * @example parsePrintUris("'http://m/pool/a.deb' a_1_all.deb 10 MD5Sum:ab\n")
 *   // [{ uri: 'http://m/pool/a.deb', cacheName: 'a_1_all.deb', size: 10, aptHash: 'MD5Sum:ab' }]
 */
export function parsePrintUris(output: string): AptUri[] {
  const uris: AptUri[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const match = LINE.exec(line);
    if (!match) {
      throw new AptTorrentError('E_APT_PARSE', `cannot read this line of apt-get --print-uris: ${JSON.stringify(line.slice(0, 200))}`, {
        hint: 'apt-torrent understands the output of APT 2.x; run the same apt-get command by hand to see what it says',
      });
    }
    const [, uri, cacheName, size, hash] = match;
    const bytes = Number(size);
    if (!Number.isSafeInteger(bytes)) {
      throw new AptTorrentError('E_APT_PARSE', `apt-get printed an impossible size ${size} for ${cacheName}`);
    }
    if (/[/\0]/.test(cacheName!) || cacheName === '.' || cacheName === '..') {
      throw new AptTorrentError('E_APT_PARSE', `apt-get printed a cache file name with path parts: ${JSON.stringify(cacheName)}`);
    }
    uris.push({ uri: uri!, cacheName: cacheName!, size: bytes, aptHash: hash ?? '' });
  }
  return uris;
}

/**
 * The URI with its percent-encoding undone, the way Packages' `Filename`
 * fields are written (`libstdc%2b%2b6` → `libstdc++6`).
 */
export function decodeUri(uri: string): string {
  try {
    return decodeURIComponent(uri);
  } catch {
    throw new AptTorrentError('E_APT_PARSE', `apt-get printed a URI with broken percent-encoding: ${uri}`);
  }
}
