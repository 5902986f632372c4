/**
 * What `enable` changes, decided from the files' texts and the record of an
 * earlier enable. Pure: the caller reads the files and writes the result.
 */
import { addPrefix, TORRENT_PREFIX } from '../apt/source-entry.js';
import { parseSources, type SourcesFormat } from '../apt/sources-file.js';
import { unswitchText } from './unswitch.js';
import { fromBase64, sha256, toBase64, type FileRecord, type SwitchRecord } from './record.js';
import { listed, plainUri, verdictsOf, type ListedSource } from './verdict.js';

/** A sources file as read: its real path, format and bytes as latin1. */
export interface SourcesSnapshot {
  path: string;
  format: SourcesFormat;
  text: string;
}

export interface FileChange {
  path: string;
  before: string;
  after: string;
}

export interface EnablePlan {
  /** `switch`: something to write; `already-enabled`: the files and the apt.conf.d file are as enable leaves them. */
  state: 'switch' | 'already-enabled' | 'nothing-to-switch';
  changes: FileChange[];
  /** The apt.conf.d file, when it must be written. */
  conf?: { path: string; before?: string; after: string };
  /** The record to keep (written before any file). */
  record: SwitchRecord;
  /** Every source, as it is after the change. */
  sources: ListedSource[];
  /** The sources this enable switches (as they will be). */
  switchedNow: ListedSource[];
  /** Recorded files edited since the last enable that get switched again. */
  edited: string[];
  /** The record was lost and the torrent+ sources were taken as enable's. */
  adopted: boolean;
}

export interface EnableInput {
  files: SourcesSnapshot[];
  record?: SwitchRecord;
  conf: { path: string; current?: string; wanted: string };
  now: string;
  /**
   * The record is lost but enable's apt.conf.d file is there: the torrent+
   * sources are taken as enable's, so that disable takes their prefixes off.
   */
  adoptTorrent?: boolean;
}

export function planEnable(input: EnableInput): EnablePlan {
  const recorded = new Map((input.record?.files ?? []).map((file) => [file.path, file]));
  const changes: FileChange[] = [];
  const sources: ListedSource[] = [];
  const switchedNow: ListedSource[] = [];
  const edited: string[] = [];
  const parsed = input.files.map((file) => ({ file, path: file.path, entries: parseSources(file.text, file.format) }));
  const verdicts = verdictsOf(parsed);
  for (const { file, entries } of parsed) {
    const before = recorded.get(file.path);
    const ours = new Set(before?.switched ?? []);
    const toSwitch = entries.filter((entry) => verdicts.get(entry)!.state === 'switchable');
    const adopted = input.adoptTorrent && !before
      ? entries.filter((entry) => verdicts.get(entry)!.state === 'switched' && file.text.startsWith(TORRENT_PREFIX, entry.offset))
      : [];
    for (const uri of adopted) ours.add(plainUri(uri.uri));
    for (const entry of entries) {
      const verdict = verdicts.get(entry)!;
      if (verdict.state === 'switchable') {
        const now = { ...listed(file.path, entry, { state: 'switched' }, true), uri: TORRENT_PREFIX + entry.uri };
        sources.push(now);
        switchedNow.push(now);
      } else sources.push(listed(file.path, entry, verdict, verdict.state === 'switched' ? ours.has(plainUri(entry.uri)) : undefined));
    }
    if (toSwitch.length === 0 && adopted.length === 0) continue;
    const after = addPrefix(file.text, toSwitch);
    if (toSwitch.length > 0) changes.push({ path: file.path, before: file.text, after });
    let original = adopted.length > 0 ? unswitchText(file.text, file.format, ours) : file.text;
    if (before) {
      // Unchanged since enable: the saved bytes stay the original. Edited
      // since: the admin's edits are kept, so the original becomes the file
      // as it is with enable's prefixes taken off again.
      if (sha256(file.text) === before.writtenSha256) original = fromBase64(before.original);
      else {
        original = unswitchText(file.text, file.format, ours);
        edited.push(file.path);
      }
    }
    recorded.set(file.path, {
      path: file.path,
      format: file.format,
      original: toBase64(original),
      originalSha256: sha256(original),
      writtenSha256: sha256(after),
      switched: [...new Set([...ours, ...toSwitch.map((entry) => entry.uri)])],
    } satisfies FileRecord);
  }

  const confChanged = input.conf.current !== input.conf.wanted;
  const anySwitched = sources.some((source) => source.state === 'switched');
  const record: SwitchRecord = {
    version: 1,
    enabledAt: input.record?.enabledAt || input.now,
    conf: { path: input.conf.path, sha256: sha256(input.conf.wanted) },
    files: [...recorded.values()],
  };
  let state: EnablePlan['state'] = 'switch';
  if (changes.length === 0 && !confChanged && input.record) state = 'already-enabled';
  else if (changes.length === 0 && !input.record && !anySwitched) state = 'nothing-to-switch';
  return {
    state,
    changes: state === 'switch' ? changes : [],
    ...(state === 'switch' && confChanged ? { conf: { path: input.conf.path, ...(input.conf.current !== undefined ? { before: input.conf.current } : {}), after: input.conf.wanted } } : {}),
    record,
    sources,
    switchedNow: state === 'switch' ? switchedNow : [],
    edited,
    adopted: input.adoptTorrent === true,
  };
}
