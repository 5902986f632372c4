/**
 * The sources of one apt-torrent command's apt-get run: a copy of every
 * file APT reads, with what enable would switch switched to torrent+ for
 * that run only (the system's files stay as they are). The copy goes in
 * through `-o Dir::Etc::SourceList/SourceParts`; APT names its list files
 * without the scheme, so the lists of the plain sources serve the switched
 * ones and no `apt-get update` is needed. Only the repositories the method
 * may find a manifest for are switched: for the others it could only
 * redirect every file to APT's own method, at the cost of its start. Pure.
 */
import { addPrefix, repositoryKeys, type SourceEntry } from '../apt/source-entry.js';
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
 * Whether the method may find a manifest for the repository of this URI
 * (plain http or https) and suite; every repository may when not given.
 */
export type ManifestHope = (uri: string, suite: string) => boolean;

/**
 * The copy, or undefined when nothing would change: every source is
 * switched already (the system is enabled) or none can be, or none may
 * have a manifest, and apt-get then reads the system's own files.
 */
export function planRunCopy(snapshots: readonly SourcesSnapshot[], hope: ManifestHope = () => true): RunCopy | undefined {
  const parsed = snapshots.map((file) => ({ file, path: file.path, entries: parseSources(file.text, file.format) }));
  const verdicts = verdictsOf(parsed);
  const all = parsed.flatMap(({ entries }) => entries);
  const chosen = hopeful(all.filter((entry) => verdicts.get(entry)!.state === 'switchable'), all.filter((entry) => verdicts.get(entry)!.state === 'switched'), hope);
  let switched = 0;
  const files = parsed.map(({ file, entries }, index) => {
    const toSwitch = entries.filter((entry) => chosen.has(entry));
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

/**
 * The switchable entries to switch: those of a suite that may have a
 * manifest, and with them every entry that shares a repository with one or
 * with an entry switched already (APT reads a repository's entries as one,
 * fetched from the URI of the first: switched apart, a plain deb-src line
 * ahead could take a deb line's files off the method, and a deb822
 * stanza's URI serves all its suites).
 */
function hopeful(entries: readonly SourceEntry[], switchedAlready: readonly SourceEntry[], hope: ManifestHope): Set<SourceEntry> {
  const keys = new Set(switchedAlready.flatMap(repositoryKeys));
  const chosen = new Set<SourceEntry>();
  for (const entry of entries) {
    if (entry.suites.some((suite) => hope(entry.uri, suite))) chosen.add(entry);
  }
  for (let grown = true; grown; ) {
    grown = false;
    for (const entry of chosen) for (const key of repositoryKeys(entry)) keys.add(key);
    for (const entry of entries) {
      if (chosen.has(entry) || !repositoryKeys(entry).some((key) => keys.has(key))) continue;
      chosen.add(entry);
      grown = true;
    }
  }
  return chosen;
}
