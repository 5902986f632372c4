/**
 * Taking the torrent prefix off again without the saved original: for a
 * file the admin edited after enable, or when the record is lost. Pure.
 */
import { removePrefix, TORRENT_PREFIX, uriKind } from '../apt/source-entry.js';
import { parseSources, type SourcesFormat } from '../apt/sources-file.js';
import { plainUri } from './verdict.js';

/**
 * The text with `torrent+` taken off the URIs in `only` (as they were before
 * enable switched them); with no `only`, off every torrent+http(s) URI APT
 * can read. A line that already said torrent+ before enable, for a URI
 * enable switched elsewhere in the same file, loses its prefix too: without
 * the saved bytes the two cannot be told apart.
 */
export function unswitchText(text: string, format: SourcesFormat, only?: ReadonlySet<string>): string {
  const entries = parseSources(text, format).filter((entry) => {
    // A quote inside the prefix (`"torrent"+http://`) reads the same to APT, but is not enable's.
    if (entry.offset < 0 || uriKind(entry.uri) !== 'torrent' || !text.startsWith(TORRENT_PREFIX, entry.offset)) return false;
    if (only) return only.has(plainUri(entry.uri));
    return entry.problem !== 'unparsable';
  });
  return entries.length === 0 ? text : removePrefix(text, entries);
}
