/**
 * What switching means for each source entry: switch it, it is switched
 * already, or leave it alone and why. Pure.
 *
 * Entries are judged together, not line by line, because APT reads every
 * entry with the same Release file (the same host, path and suite, whatever
 * the scheme) as one repository, fetched from the URI of whichever line it
 * read first. So a repository is switched as a whole: a `deb-src` line that
 * shares it with a `deb` line is switched too (left on http:// ahead of the
 * deb line, it would send the .debs over plain http again), and a repository
 * that also has a line apt-torrent leaves alone (tor+http, file:…) is left
 * alone entirely (switched, it could take a tor+http repository off Tor).
 */
import { repositoryKeys, schemeOf, TORRENT_PREFIX, uriKind, type SourceEntry } from '../apt/source-entry.js';

export type LeftReason = 'deb-src' | 'scheme' | 'shared' | 'disabled' | 'unparsable';

/** One source as enable, disable and status list it. */
export interface ListedSource {
  file: string;
  line: number;
  /** As it is in the file now (or will be, for what enable switches). */
  uri: string;
  types: string[];
  /** `switchable`: plain http(s) that enable would switch; `switched`: torrent+http(s). */
  state: 'switched' | 'switchable' | 'left';
  /** For switched sources: whether enable switched it (or it said torrent+ before). */
  byApTorrent?: boolean;
  reason?: LeftReason;
  detail?: string;
}

export type Verdict = { state: 'switchable' | 'switched' } | { state: 'left'; reason: LeftReason; detail: string };

export interface FileEntries {
  path: string;
  entries: SourceEntry[];
}

/** The verdict of every entry of every file APT reads (in APT's order). */
export function verdictsOf(files: readonly FileEntries[]): Map<SourceEntry, Verdict> {
  const verdicts = new Map<SourceEntry, Verdict>();
  const items = files.flatMap((file) => file.entries.map((entry) => ({ file: file.path, entry })));
  const members = new Map<string, typeof items>();
  const blockers = new Map<string, string>();
  for (const item of items) {
    const own = ownVerdict(item.entry);
    verdicts.set(item.entry, own);
    // Entries APT does not read (disabled, malformed) belong to no repository.
    if (item.entry.problem) continue;
    for (const key of repositoryKeys(item.entry)) {
      members.set(key, [...(members.get(key) ?? []), item]);
      if (own.state === 'left' && !blockers.has(key)) blockers.set(key, `${item.file}:${item.entry.line} (${schemeOf(item.entry.uri)})`);
    }
  }
  // A blocked http entry blocks every repository it is in, which may block others.
  const blocked = new Map<SourceEntry, string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const item of items) {
      if (verdicts.get(item.entry)!.state !== 'switchable' || blocked.has(item.entry) || item.entry.problem) continue;
      const by = repositoryKeys(item.entry).map((key) => blockers.get(key)).find((blocker) => blocker !== undefined);
      if (by === undefined) continue;
      blocked.set(item.entry, by);
      for (const key of repositoryKeys(item.entry)) if (!blockers.has(key)) blockers.set(key, by);
      changed = true;
    }
  }
  const hasDeb = (key: string) => (members.get(key) ?? []).some((item) => item.entry.types.includes('deb') && !blocked.has(item.entry) && verdicts.get(item.entry)!.state !== 'left');
  for (const { entry } of items) {
    if (verdicts.get(entry)!.state !== 'switchable') continue;
    const by = blocked.get(entry);
    if (by !== undefined) {
      verdicts.set(entry, { state: 'left', reason: 'shared', detail: `shares its repository with ${by}, which apt-torrent leaves alone (APT reads them as one)` });
    } else if (!entry.types.includes('deb') && !repositoryKeys(entry).some(hasDeb)) {
      verdicts.set(entry, { state: 'left', reason: 'deb-src', detail: 'deb-src with no deb line for its repository: source packages are not in manifests' });
    }
  }
  return verdicts;
}

/** The verdict of an entry on its own, before its repository is considered. */
function ownVerdict(entry: SourceEntry): Verdict {
  if (entry.problem === 'unparsable') return { state: 'left', reason: 'unparsable', detail: `APT cannot read it: ${entry.detail ?? 'malformed'}` };
  if (entry.problem === 'disabled') return { state: 'left', reason: 'disabled', detail: 'its stanza says Enabled: no' };
  const kind = uriKind(entry.uri);
  if (kind === 'http') return { state: 'switchable' };
  if (kind === 'torrent') return { state: 'switched' };
  return { state: 'left', reason: 'scheme', detail: `${schemeOf(entry.uri)}: is not plain http or https` };
}

/** The URI without the torrent prefix. */
export function plainUri(uri: string): string {
  return uri.startsWith(TORRENT_PREFIX) ? uri.slice(TORRENT_PREFIX.length) : uri;
}

export function listed(file: string, entry: SourceEntry, verdict: Verdict, byApTorrent?: boolean): ListedSource {
  return {
    file,
    line: entry.line,
    uri: entry.uri,
    types: entry.types,
    state: verdict.state,
    ...(verdict.state === 'switched' && byApTorrent !== undefined ? { byApTorrent } : {}),
    ...(verdict.state === 'left' ? { reason: verdict.reason, detail: verdict.detail } : {}),
  };
}
