/** The characters APT's URItoFileName quotes besides blanks, controls, `%` and non-ASCII. */
const QUOTED = new Set('\\|{}[]<>"^~_=!@#$%^&*'.split('').map((char) => char.charCodeAt(0)));

/**
 * The name APT gives a downloaded index in its lists directory
 * (URItoFileName): the URI without scheme, user and password, unsafe bytes
 * as %xx, then every `/` as `_`. So `torrent+http://m:8080/dists/stable/InRelease`
 * and `http://m:8080/dists/stable/InRelease` share `m:8080_dists_stable_InRelease`.
 * Undefined for what is not a `scheme://host/path` URI. Pure.
 */
export function listFileName(uri: string): string | undefined {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)(\/[^?#]*)?$/.exec(uri);
  if (!match) return undefined;
  const authority = match[1]!;
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  // An IPv6 literal loses its brackets once the scheme is gone, as in APT.
  const bare = /^\[([^\]]*)\](.*)$/.exec(hostPort);
  const site = bare ? `${bare[1]}${bare[2]}` : hostPort;
  if (site === '') return undefined;
  const text = `${site}${match[2] ?? ''}`;
  let quoted = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    quoted += byte <= 0x20 || byte >= 0x7f || QUOTED.has(byte) ? `%${byte.toString(16).padStart(2, '0')}` : String.fromCharCode(byte);
  }
  return quoted.replace(/\//g, '_');
}

/**
 * Where APT keeps a suite's verified InRelease and Release (in that order)
 * in its lists directory (`lists` ends in `/`), whatever the scheme of the
 * source's URI. Empty when the URI is not one APT names lists after. Pure.
 */
export function releaseFilesOf(repoUri: string, suite: string, lists: string): string[] {
  const base = repoUri.endsWith('/') ? repoUri : `${repoUri}/`;
  const prefix = listFileName(`${base}dists/${suite}/`);
  return prefix ? [`${lists}${prefix}InRelease`, `${lists}${prefix}Release`] : [];
}
