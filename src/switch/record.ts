/**
 * The record `enable` keeps of what it changed, so that `disable` can put
 * every file back byte for byte: each file's bytes before, and the SHA256 of
 * what enable wrote (a file whose bytes still hash to it was not edited
 * since). Pure: JSON text in and out.
 */
import { createHash } from 'node:crypto';
import type { SourcesFormat } from '../apt/sources-file.js';

export const RECORD_NAME = 'sources-switch.json';

export interface FileRecord {
  /** The file written (a symlink's target, not the link). */
  path: string;
  /** As APT reads the file (by the name it lists, which a symlink's target may not share). */
  format: SourcesFormat;
  /** The bytes before enable, base64. */
  original: string;
  originalSha256: string;
  /** SHA256 of the bytes enable wrote. */
  writtenSha256: string;
  /** The URIs enable switched in this file, as they were (without the prefix). */
  switched: string[];
}

export interface SwitchRecord {
  version: 1;
  enabledAt: string;
  /** The apt.conf.d file enable wrote, and the SHA256 of what it wrote. */
  conf?: { path: string; sha256: string };
  files: FileRecord[];
}

export function sha256(bytes: string | Uint8Array): string {
  return createHash('sha256').update(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes).digest('hex');
}

/** A latin1 text (one character per byte) as base64 of its bytes, and back. */
export const toBase64 = (text: string) => Buffer.from(text, 'latin1').toString('base64');
export const fromBase64 = (base64: string) => Buffer.from(base64, 'base64').toString('latin1');

/** ASCII only (other characters as \\u escapes), so that its text is its bytes. */
export function serializeRecord(record: SwitchRecord): string {
  return `${JSON.stringify(record, null, 2).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

/** Parse a record; throws an Error saying what is wrong with it. */
export function parseRecord(text: string): SwitchRecord {
  const raw = JSON.parse(text) as Partial<SwitchRecord> | null;
  if (!raw || typeof raw !== 'object' || raw.version !== 1) throw new Error('not a version 1 record');
  if (!Array.isArray(raw.files)) throw new Error('no "files" list');
  const hex = (value: unknown) => typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
  for (const file of raw.files) {
    const ok = file && typeof file.path === 'string' && file.path.startsWith('/') && typeof file.original === 'string'
      && (file.format === 'one-line' || file.format === 'deb822')
      && hex(file.originalSha256) && hex(file.writtenSha256) && Array.isArray(file.switched) && file.switched.every((uri) => typeof uri === 'string');
    if (!ok) throw new Error(`a bad entry in "files": ${JSON.stringify(file).slice(0, 200)}`);
    if (sha256(fromBase64(file.original)) !== file.originalSha256) throw new Error(`the saved bytes of ${file.path} do not match their SHA256`);
  }
  if (raw.conf !== undefined && !(typeof raw.conf.path === 'string' && hex(raw.conf.sha256))) throw new Error('a bad "conf" entry');
  return { version: 1, enabledAt: String(raw.enabledAt ?? ''), ...(raw.conf ? { conf: raw.conf } : {}), files: raw.files };
}
