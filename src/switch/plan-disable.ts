/**
 * What `disable` changes: every file enable changed goes back to its saved
 * bytes, unless the admin edited it since (its SHA256 is no longer what
 * enable wrote): then only enable's prefixes are taken off, and the edits
 * stay. Pure.
 */
import { isOurConf } from './conf-file.js';
import type { FileChange, SourcesSnapshot } from './plan-enable.js';
import { fromBase64, sha256, type SwitchRecord } from './record.js';
import { unswitchText } from './unswitch.js';

export interface DisableChange extends FileChange {
  /** `restored`: the saved bytes; `unswitched`: only the prefixes taken off. */
  how: 'restored' | 'unswitched';
}

export interface DisablePlan {
  state: 'disable' | 'not-enabled';
  changes: DisableChange[];
  /** Files left as they are, and why. */
  notes: Array<{ path: string; message: string }>;
  /** The apt.conf.d file to remove; `edited` when it is not what enable wrote. */
  removeConf?: { path: string; text: string; edited: boolean };
  /** No record: the prefixes were taken off every torrent+ source instead. */
  withoutRecord: boolean;
}

export interface DisableInput {
  record?: SwitchRecord;
  /** The recorded files as they are now; undefined for a file that is gone. */
  recordedFiles: ReadonlyMap<string, string | undefined>;
  /** Every sources file APT reads, for when there is no record. */
  sources: SourcesSnapshot[];
  /** The apt.conf.d file (the recorded path, else the default one) and its text if it exists. */
  conf: { path: string; current?: string };
}

export function planDisable(input: DisableInput): DisablePlan {
  const changes: DisableChange[] = [];
  const notes: DisablePlan['notes'] = [];
  const { record, conf } = input;
  if (!record) {
    // Without the record, only a file of enable's own says this system was switched.
    if (conf.current === undefined || !isOurConf(conf.current)) return { state: 'not-enabled', changes, notes, withoutRecord: true };
    for (const file of input.sources) {
      const after = unswitchText(file.text, file.format);
      if (after !== file.text) changes.push({ path: file.path, before: file.text, after, how: 'unswitched' });
    }
    return { state: 'disable', changes, notes, removeConf: { path: conf.path, text: conf.current, edited: false }, withoutRecord: true };
  }

  for (const file of record.files) {
    const current = input.recordedFiles.get(file.path);
    if (current === undefined) {
      notes.push({ path: file.path, message: 'was removed after enable; not recreated' });
      continue;
    }
    const hash = sha256(current);
    if (hash === file.writtenSha256) {
      changes.push({ path: file.path, before: current, after: fromBase64(file.original), how: 'restored' });
    } else if (hash === file.originalSha256) {
      notes.push({ path: file.path, message: 'is already as it was before enable' });
    } else {
      const after = unswitchText(current, file.format, new Set(file.switched));
      if (after === current) notes.push({ path: file.path, message: 'was edited after enable and has none of the URIs enable switched left; kept as it is' });
      else {
        changes.push({ path: file.path, before: current, after, how: 'unswitched' });
        notes.push({ path: file.path, message: 'was edited after enable: only the torrent+ prefixes enable added were taken off, the other edits kept' });
      }
    }
  }
  const removeConf = conf.current === undefined
    ? undefined
    : { path: conf.path, text: conf.current, edited: record.conf ? sha256(conf.current) !== record.conf.sha256 : !isOurConf(conf.current) };
  return { state: 'disable', changes, notes, ...(removeConf ? { removeConf } : {}), withoutRecord: false };
}
