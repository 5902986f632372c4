/**
 * Pool paths and the URLs and files made from them. Pure.
 */

/**
 * True for a path that stays inside the archive root when joined to it: the
 * Packages index is data, and a hostile or broken `Filename: ../../etc/x`
 * must not make the publisher read or write outside the archive.
 */
export function isPoolPath(path: string): boolean {
  return path !== '' && !path.startsWith('/') && !path.includes('\\') && !path.includes('\0')
    && path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/**
 * The URL of a pool file under a base URL, each path segment percent-encoded
 * as APT does (`g++` becomes `g%2B%2B`).
 * @example fileUrl('http://deb.example.org/debian', 'pool/main/g/gcc/g++_1_amd64.deb')
 *   === 'http://deb.example.org/debian/pool/main/g/gcc/g%2B%2B_1_amd64.deb'
 */
export function fileUrl(baseUrl: string, path: string): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return base + path.split('/').map(encodeURIComponent).join('/');
}

/** Where a pool file's torrent lives, relative to the archive (or torrent) root. */
export function torrentPathFor(filename: string): string {
  return `${filename}.torrent`;
}

/** The base name of a pool path: the torrent's `name`. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
