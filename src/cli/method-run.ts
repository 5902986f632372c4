import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { debuglog } from 'node:util';
import { Apt, type AptVerb } from '../apt/apt.js';
import { loadConfig } from '../config/load.js';
import { choicesToAptOptions, type RunChoices } from '../config/method-options.js';
import { AptTorrentError } from '../errors.js';
import { exitStatus } from '../util/run.js';
import { chooseMethods } from '../switch/method-choice.js';
import { manifestHope } from '../switch/manifest-hope.js';
import { planRunCopy, type RunCopy } from '../switch/run-copy.js';
import { checkMethods, checkMethodsTrusted } from '../switch/enable.js';
import { methodFacts, readAptSetup, readSources } from '../switch/system.js';
import type { CommandInput, Context } from './command.js';
import { summaryLine } from './progress.js';
import { aptArgs, configFlags } from './run-flags.js';
import { parseReport, runSummary } from './run-summary.js';

const debug = debuglog('apt-torrent');

/** The descriptor apt-get, and through APT::Keep-Fds each method it starts, gets the report pipe on. */
const REPORT_FD = 3;
/** After apt-get's exit, a report pipe silent this long has nothing more to say (the seeding agent may hold it open). */
const REPORT_QUIET_MS = 10;
/** More report than this is not the method's: the rest is dropped. */
const MAX_REPORT_BYTES = 16 * 1024 * 1024;

export interface MethodRunSpec {
  verb: AptVerb;
  /** `download`: apt-get install --download-only. */
  downloadOnly: boolean;
  /** False for --no-seed (and for download): the method hands nothing to the seeder. */
  seed: boolean;
}

/**
 * install, upgrade, full-upgrade and download: ONE apt-get run, with the
 * torrent+http(s) method plugged in for that run only. APT resolves once,
 * prints its own progress, asks the method for each file, checks every
 * file's hashes itself, and its exit status is the command's. The method
 * fetches the .debs a trusted manifest lists over BitTorrent (verified by
 * SHA256 before APT sees them) and sends the rest to APT's own http(s)
 * method. The system's files are not touched: a switched copy of the
 * sources and the method's location go in as `-o` options. What the method
 * fetched comes back on a pipe, for the closing line. Only the sources the
 * method may find a manifest for are switched (manifest-hope.ts); when
 * there are none, apt-get runs as plain apt-get would, and the closing
 * line is left out.
 */
export async function runThroughMethod(context: Context, input: CommandInput, spec: MethodRunSpec): Promise<number> {
  const quiet = input.options.quiet === true;
  const flags = configFlags(input.options);
  const apt = new Apt(context.aptOptions, context.env);
  // apt-config runs while the configuration is read. That is checked here, so a bad flag or file
  // fails as before, with its key named (before anything APT says), and not only inside the method.
  const [loaded, asked] = await Promise.allSettled([loadConfig({ env: context.env, file: context.configFile, flags }), readAptSetup(apt)]);
  if (loaded.status === 'rejected') throw loaded.reason;
  if (asked.status === 'rejected') throw asked.reason;
  const config = loaded.value;
  const setup = asked.value;
  const sources = await readSources(setup);
  let aptConfig: Promise<Map<string, string[]>> | undefined;
  // Only the sources the method may find a manifest for are switched: for the others it could only redirect.
  const hope = await manifestHope(sources, {
    torrentEnabled: config['torrent.enabled'],
    manifestUrl: config.manifest || undefined,
    keyring: config.manifestKeyring || undefined,
    trackers: config['torrent.trackers'],
    untrusted: config['torrent.untrustedManifests'],
    lists: setup.lists,
    aptConfig: () => (aptConfig ??= apt.dump()),
  });
  const copy = planRunCopy(sources, hope);
  // No source to switch and none switched (no manifest to be had, or file:, cdrom: only): a plain apt-get
  // run, with nothing of ours in it, and no closing line (APT's own "Fetched" line says it all).
  const usesMethod = copy !== undefined || sources.some((file) => /torrent\+https?:/i.test(file.text));
  const methods = usesMethod ? chooseMethods(await methodFacts(setup, { path: '' }, context.env)) : [];
  // The checks enable makes: a method APT cannot run fails the run, and as root, APT would run a registered one as root.
  checkMethods(methods);
  await checkMethodsTrusted(methods);
  const choices: RunChoices = {
    ...(flags['torrent.enabled'] === false ? { torrent: false } : {}),
    ...(spec.seed ? {} : { seed: false }),
    ...(flags.manifest === undefined ? {} : { manifest: config.manifest }),
    ...(flags['http.parallel'] === undefined ? {} : { parallel: config['http.parallel'] }),
    // Absolute: the method reads it in another process, whatever directory that one works in.
    ...(context.configFile ? { configFile: resolve(context.configFile) } : {}),
    reportFd: REPORT_FD,
  };
  const temp = copy ? await mkdtemp(join(tmpdir(), 'apt-torrent-sources-')) : undefined;
  try {
    const options = [
      ...(temp && copy ? await writeCopy(temp, copy) : []),
      // Where the method is neither installed nor registered (a checkout, or a system never enabled): this run's own registration.
      ...methods.filter((method) => method.how === 'registered').map((method) => `Dir::Bin::Methods::${method.scheme}=${method.path}`),
      ...(usesMethod ? [`APT::Keep-Fds::=${REPORT_FD}`, ...choicesToAptOptions(choices)] : []),
    ];
    debug('apt-get through the method: %s source entries switched for this run, options %o', copy?.switched ?? 0, options);
    const args = [
      ...apt.optionArgs(),
      ...options.flatMap((option) => ['-o', option]),
      spec.verb,
      // Downloading changes nothing on the system, and `download` never asked: no question to answer.
      ...(spec.downloadOnly ? ['--download-only', ...(input.options.yes === true ? [] : ['-y'])] : []),
      ...(quiet ? ['-q'] : []),
      ...aptArgs(input),
    ];
    const started = Date.now();
    const { status, report, lastLineAt } = await runAptGet(args, context.env, usesMethod);
    const archives = setup.archives;
    const summary = runSummary(parseReport(report), Math.max(lastLineAt - started, 1), (file) => existsSync(join(archives, file)));
    if (summary && !quiet) context.stderr.write(`${summaryLine(summary)}\n`);
    return status;
  } finally {
    if (temp) await rm(temp, { recursive: true, force: true });
  }
}

/**
 * Write the switched copy: every file in a parts directory of its own, the
 * main list empty. Each copy keeps its original's modification time, and
 * the empty list is older than all: APT rebuilds its package cache when a
 * sources file is newer than the cache, which on a Debian-sized index costs
 * about a second.
 */
async function writeCopy(temp: string, copy: RunCopy): Promise<string[]> {
  const parts = join(temp, 'sources.list.d');
  await mkdir(parts, { mode: 0o700 });
  const main = join(temp, 'sources.list');
  await writeFile(main, '', { mode: 0o600 });
  await utimes(main, 0, 0);
  for (const file of copy.files) {
    const path = join(parts, file.name);
    await writeFile(path, Buffer.from(file.text, 'latin1'), { mode: 0o600 });
    const from = await stat(file.from);
    await utimes(path, from.atime, from.mtime);
  }
  return [`Dir::Etc::SourceList=${main}`, `Dir::Etc::SourceParts=${parts}/`];
}

/**
 * apt-get with the terminal handed over, and a pipe as descriptor 3 for the
 * method's report. Its exit status is the result; the pipe is read until it
 * ends or goes quiet after the exit (the seeding agent the method leaves
 * behind may hold it a little longer, and has nothing to say on it).
 */
async function runAptGet(args: string[], env: NodeJS.ProcessEnv, withReport: boolean): Promise<{ status: number; report: string; lastLineAt: number }> {
  let child;
  try {
    child = spawn('apt-get', args, { env, stdio: ['inherit', 'inherit', 'inherit', ...(withReport ? ['pipe' as const] : [])] });
  } catch (error) {
    throw new AptTorrentError('E_APT_CONFIG', `cannot run apt-get: ${(error as Error).message}`, { cause: error });
  }
  if (!withReport) {
    // No method in the run: apt-get as a plain apt-get run, nothing to read back.
    const status = await waitFor(child);
    return { status, report: '', lastLineAt: Date.now() };
  }
  const pipe = child.stdio[REPORT_FD] as Readable;
  const chunks: Buffer[] = [];
  let size = 0;
  let lastLineAt = Date.now();
  let ended = false;
  let settle: (() => void) | undefined;
  let quiet: NodeJS.Timeout | undefined;
  pipe.on('data', (chunk: Buffer) => {
    lastLineAt = Date.now();
    size += chunk.length;
    if (size <= MAX_REPORT_BYTES) chunks.push(chunk);
    quiet?.refresh();
  });
  const end = () => {
    ended = true;
    settle?.();
  };
  pipe.on('end', end);
  pipe.on('error', end);
  const status = await waitFor(child);
  if (!ended) {
    // The methods are gone with apt-get (it waits for them), and each wrote its lines before its
    // answer to APT: what is left is in the pipe already. Done at its end, or once it is quiet.
    await new Promise<void>((resolve) => {
      settle = resolve;
      quiet = setTimeout(resolve, REPORT_QUIET_MS);
      setTimeout(resolve, 1000).unref();
    });
    clearTimeout(quiet);
  }
  pipe.destroy();
  return { status, report: Buffer.concat(chunks).toString('utf8'), lastLineAt };
}

/** apt-get's exit status. */
function waitFor(child: ChildProcess): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    child.once('error', (error) => reject(new AptTorrentError('E_APT_CONFIG', `cannot run apt-get: ${error.message}`, { hint: 'apt-torrent needs APT (apt-get) on this machine', cause: error })));
    child.once('exit', (code, signal) => resolve(exitStatus(code, signal)));
  });
}
