/**
 * `apt-torrent disable`: put every file enable changed back (byte for byte
 * unless edited since), remove the apt.conf.d file, and then the record.
 * The record goes last: a disable cut short is finished by running it again.
 */
import { join } from 'node:path';
import type { Apt } from '../apt/apt.js';
import { CONF_NAME } from './conf-file.js';
import { readText, removeFile, replaceFile } from './files.js';
import { planDisable, type DisablePlan } from './plan-disable.js';
import { readAptSetup, readConfState, readRecord, readSources, recordPath } from './system.js';

export interface DisableOptions {
  apt: Apt;
  stateDir: string;
  dryRun: boolean;
}

export interface DisableResult {
  plan: DisablePlan;
  recordPath: string;
  /** Where an edited apt.conf.d file was kept. */
  keptConf?: string;
}

export async function disable(options: DisableOptions): Promise<DisableResult> {
  const setup = await readAptSetup(options.apt);
  const path = recordPath(options.stateDir);
  const record = await readRecord(path);
  const conf = await readConfState(setup, record);
  const recordedFiles = new Map<string, string | undefined>();
  for (const file of record?.files ?? []) recordedFiles.set(file.path, await readText(file.path));
  const plan = planDisable({
    ...(record ? { record } : {}),
    recordedFiles,
    sources: record ? [] : await readSources(setup),
    conf: { path: conf.path, ...(conf.current !== undefined ? { current: conf.current } : {}) },
  });
  const result: DisableResult = { plan, recordPath: path };
  if (plan.state !== 'disable') return result;
  if (plan.removeConf?.edited) result.keptConf = join(options.stateDir, `${CONF_NAME}.edited`);
  if (options.dryRun) return result;

  for (const change of plan.changes) await replaceFile(change.path, change.after);
  if (plan.removeConf) {
    if (result.keptConf) await replaceFile(result.keptConf, plan.removeConf.text, { mode: 0o600 });
    await removeFile(plan.removeConf.path);
  }
  if (record) await removeFile(path);
  return result;
}
