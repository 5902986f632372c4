/**
 * `apt-torrent enable`: switch every http(s) deb source APT reads to
 * torrent+http(s), and write the apt.conf.d file that lets APT find the
 * method. The record of the original bytes is written before any file, so
 * that `disable` can undo whatever part of it happened.
 */
import { lstat } from 'node:fs/promises';
import type { Apt } from '../apt/apt.js';
import { AptTorrentError } from '../errors.js';
import { APT_PIPELINE_DEPTH, renderConf, type ConfContent } from './conf-file.js';
import { replaceFile } from './files.js';
import { chooseMethods, type MethodChoice } from './method-choice.js';
import { planEnable, type EnablePlan } from './plan-enable.js';
import { serializeRecord } from './record.js';
import { methodFacts, readAptSetup, readConfState, readRecord, readSources, recordPath } from './system.js';
import { untrustedPath, untrustedReason } from '../config/trusted-file.js';

export interface EnableOptions {
  apt: Apt;
  env: NodeJS.ProcessEnv;
  stateDir: string;
  /** http.parallel: how many files the method fetches at once. */
  parallel: number;
  dryRun: boolean;
  now?: Date;
}

export interface EnableResult {
  plan: EnablePlan;
  methods: MethodChoice[];
  pipelineDepth?: number;
  recordPath: string;
  confPath: string;
}

export async function enable(options: EnableOptions): Promise<EnableResult> {
  const setup = await readAptSetup(options.apt);
  const record = await readRecord(recordPath(options.stateDir));
  const conf = await readConfState(setup, record);
  if (conf.current !== undefined && !conf.ours) {
    throw new AptTorrentError('E_SOURCES', `${conf.path} exists and was not written by apt-torrent`, {
      hint: `apt-torrent enable writes its APT settings there: move that file away (it is yours), then run enable again`,
    });
  }
  const methods = chooseMethods(await methodFacts(setup, conf, options.env));
  const content: ConfContent = { register: {} };
  for (const method of methods) if (method.how === 'registered') content.register[method.scheme] = method.path;
  // Raised only when no one else set it: an admin's own value wins.
  const setElsewhere = setup.pipelineDepth !== undefined && setup.pipelineDepth !== String(conf.ours?.pipelineDepth);
  if (!setElsewhere && options.parallel > APT_PIPELINE_DEPTH) content.pipelineDepth = options.parallel;

  const plan = planEnable({
    files: await readSources(setup),
    ...(record ? { record } : {}),
    // Texts of files are their bytes as latin1; the file's paths are UTF-8.
    conf: { path: conf.path, ...(conf.current !== undefined ? { current: conf.current } : {}), wanted: Buffer.from(renderConf(content), 'utf8').toString('latin1') },
    now: (options.now ?? new Date()).toISOString(),
    adoptTorrent: record === undefined && conf.ours !== undefined,
  });
  const result: EnableResult = {
    plan,
    methods,
    ...(content.pipelineDepth !== undefined ? { pipelineDepth: content.pipelineDepth } : {}),
    recordPath: recordPath(options.stateDir),
    confPath: conf.path,
  };
  if (plan.state !== 'switch') return result;
  checkMethods(methods);
  await checkMethodsTrusted(methods);
  if (options.dryRun) return result;

  await replaceFile(result.recordPath, serializeRecord(plan.record), { mode: 0o600 });
  try {
    for (const change of plan.changes) await replaceFile(change.path, change.after);
    if (plan.conf) await replaceFile(plan.conf.path, plan.conf.after, { mode: 0o644 });
  } catch (error) {
    if (error instanceof AptTorrentError) {
      throw new AptTorrentError(error.code, error.message, {
        hint: `${error.hint ?? ''}; then run \`apt-torrent enable\` again, or \`apt-torrent disable\` to put back what was switched`.replace(/^; /, ''),
        cause: error,
      });
    }
    throw error;
  }
  return result;
}

/** A source switched to a method APT cannot run breaks every `apt-get update`: refuse first. */
/**
 * As root, a method this command registers must be one only root can
 * change: APT runs it as root on every later download, so a checkout in a
 * user's home (or APT_TORRENT_METHOD pointing there, under `sudo -E`) would
 * hand that user root.
 */
export async function checkMethodsTrusted(methods: MethodChoice[]): Promise<void> {
  if (process.geteuid?.() !== 0) return;
  for (const method of methods.filter((each) => each.how === 'registered')) {
    const reason = await untrustedPath(method.path).catch((error: Error) => `cannot be checked (${error.message})`) ??
      await lstat(method.path).then((stats) => untrustedReason(stats, false), () => 'does not exist');
    if (!reason) continue;
    throw new AptTorrentError('E_NO_METHOD', `will not register ${method.path} as APT's ${method.scheme} method: ${reason.startsWith('its ') ? reason : `it ${reason}`}, and APT would run it as root`, {
      hint: 'install apt-torrent system-wide (its package puts the method into APT\'s methods directory), or use a checkout that root alone can change',
    });
  }
}

export function checkMethods(methods: MethodChoice[]): void {
  for (const method of methods) {
    if (method.state === 'executable' && !/["\n]/.test(method.path)) continue;
    const where = method.how === 'configured' ? `Dir::Bin::Methods::${method.scheme} names ${method.path}` : `${method.path}`;
    const what = method.state === 'missing' ? 'does not exist' : method.state === 'not-executable' ? 'is not executable' : 'cannot be written into apt.conf (a quote or newline in its path)';
    throw new AptTorrentError('E_NO_METHOD', `APT could not run the ${method.scheme} method: ${where}, which ${what}`, {
      hint: method.how === 'configured'
        ? `fix or remove that Dir::Bin::Methods::${method.scheme} setting in APT's configuration`
        : method.state === 'not-executable'
          ? `make it executable (chmod +x ${method.path})`
          : 'install apt-torrent\'s APT method (it puts torrent+http and torrent+https into APT\'s methods directory), or run `npm run build` in this checkout',
    });
  }
}
