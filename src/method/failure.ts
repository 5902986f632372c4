import type { AptTorrentError } from '../errors.js';

/** What APT hears about a file that did not come over BitTorrent. */
export type FailureAnswer =
  | { kind: 'redirect'; warning: string }
  | { kind: 'fail'; message: string; transient: boolean };

/**
 * After a BitTorrent download of `cacheName` failed: hand the file to APT's
 * own http method when the mirror may still serve it (a torrent whose bytes
 * do not match the index, silent peers, a web seed or HTTP fill that failed,
 * a batch cut short: APT fetches and checks the mirror's copy itself, and
 * reports a mismatch in its own words), and fail it when nothing can help:
 * a full disk stops APT's method just the same. Pure.
 */
export function answerFailure(cacheName: string, error: AptTorrentError): FailureAnswer {
  const first = error.message.split('\n')[0]!;
  const cause = first.startsWith(`${cacheName}: `) ? first.slice(cacheName.length + 2) : first;
  if (error.code === 'E_DISK_FULL') return { kind: 'fail', message: `apt-torrent: ${cacheName}: ${cause}`, transient: false };
  return { kind: 'redirect', warning: `apt-torrent: ${cacheName} did not come over BitTorrent (${cause}); fetching it from the mirror` };
}
