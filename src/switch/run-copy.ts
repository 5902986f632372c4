/**
 * The sources of one apt-torrent command's apt-get run: a copy of every
 * file APT reads, with what enable would switch switched to torrent+ for
 * that run only (the system's files stay as they are). The copy goes in
 * through `-o Dir::Etc::SourceList/SourceParts`; APT names its list files
 * without the scheme, so the lists of the plain sources serve the switched
 * ones and no `apt-get update` is needed. Pure.
 */
import { addPrefix } from '../apt/source-entry.js';
import { parseSources } from '../apt/sources-file.js';
import type { SourcesSnapshot } from './plan-enable.js';
import { verdictsOf } from './verdict.js';

export interface RunCopyFile {
  /** Its name in the copy's parts directory: numbered in APT's order, with the extension that keeps its format. */
  name: string;
  /** Bytes as latin1, like the snapshot's. */
  text: string;
  /** The file it copies (its modification time goes with it: APT rebuilds its cache for a newer sources file). */
  from: string;
}

export interface RunCopy {
  files: RunCopyFile[];
  /** Entries switched in the copy. */
  switched: number;
}

/**
 * The copy, or undefined when nothing would change: every source is
 * switched already (the system is enabled) or none can be, and apt-get
 * then reads the system's own files.
 */
export function planRunCopy(snapshots: readonly SourcesSnapshot[]): RunCopy | undefined {
  const parsed = snapshots.map((file) => ({ file, path: file.path, entries: parseSources(file.text, file.format) }));
  const verdicts = verdictsOf(parsed);
  let switched = 0;
  const files = parsed.map(({ file, entries }, index) => {
    const toSwitch = entries.filter((entry) => verdicts.get(entry)!.state === 'switchable');
    switched += toSwitch.length;
    const base = (file.path.split('/').pop() ?? 'sources').replace(/\.(list|sources)$/, '').replace(/[^A-Za-z0-9_.-]/g, '_');
    return {
      name: `${String(index).padStart(3, '0')}-${base}.${file.format === 'deb822' ? 'sources' : 'list'}`,
      text: toSwitch.length > 0 ? addPrefix(file.text, toSwitch) : file.text,
      from: file.path,
    };
  });
  return switched > 0 ? { files, switched } : undefined;
}
