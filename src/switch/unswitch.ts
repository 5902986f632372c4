/**
 * Taking the torrent prefix off again without the saved original: for a
 * file the admin edited after enable, or when the record is lost. Pure.
 */
import { removePrefix, uriKind } from '../apt/source-entry.js';
import { parseSources, type SourcesFormat } from '../apt/sources-file.js';
import { plainUri } from './verdict.js';

/**
 * The text with `torrent+` taken off the URIs in `only` (as they were before
 * enable switched them); with no `only`, off every torrent+http(s) URI APT
 * can read.
 */
export function unswitchText(text: string, format: SourcesFormat, only?: ReadonlySet<string>): string {
  const entries = parseSources(text, format).filter((entry) => {
    if (entry.offset < 0 || uriKind(entry.uri) !== 'torrent') return false;
    if (only) return only.has(plainUri(entry.uri));
    return entry.problem !== 'unparsable';
  });
  return entries.length === 0 ? text : removePrefix(text, entries);
}
