/**
 * Reading what switching decides from: APT's settings (with the user's
 * APT_CONFIG and -o), the sources files APT reads, enable's record and
 * apt.conf.d file, and where the method executables are.
 */
import { constants } from 'node:fs';
import { access, readdir, realpath, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Apt } from '../apt/apt.js';
import { formatOf, isSourcesPartName } from '../apt/sources-file.js';
import { AptTorrentError } from '../errors.js';
import { CONF_NAME, isOurConf, readConf, type ConfContent, type MethodScheme } from './conf-file.js';
import { readText } from './files.js';
import { pathsToCheck, type FileState, type MethodFacts } from './method-choice.js';
import type { SourcesSnapshot } from './plan-enable.js';
import { parseRecord, RECORD_NAME, type SwitchRecord } from './record.js';

export interface AptSetup {
  /** Dir::Etc::SourceList, resolved as APT does. */
  sourceList: string;
  /** Dir::Etc::SourceParts, ending in `/`. */
  sourceParts: string;
  /** Dir::Etc::Parts (apt.conf.d), ending in `/`. */
  confDir: string;
  methodsDir: string;
  configured: Partial<Record<MethodScheme, string>>;
  /** Acquire::Max-Pipeline-Depth, when set by anyone. */
  pipelineDepth?: string;
  /** Dir::Cache::archives, ending in `/`: asked in the same apt-config run, for the commands that run apt-get. */
  archives: string;
  /** Dir::State::lists, ending in `/`: where the suites' verified Release files are. */
  lists: string;
}

export async function readAptSetup(apt: Apt): Promise<AptSetup> {
  const values = await apt.configValues({
    LIST: 'Dir::Etc::SourceList/f',
    PARTS: 'Dir::Etc::SourceParts/d',
    CONF: 'Dir::Etc::Parts/d',
    METHODS: 'Dir::Bin::Methods/d',
    HTTP: 'Dir::Bin::Methods::torrent+http/f',
    HTTPS: 'Dir::Bin::Methods::torrent+https/f',
    DEPTH: 'Acquire::Max-Pipeline-Depth',
    ARCHIVES: 'Dir::Cache::archives/d',
    LISTS: 'Dir::State::lists/d',
  });
  const configured: AptSetup['configured'] = {};
  if (values.get('HTTP')) configured['torrent+http'] = values.get('HTTP')!;
  if (values.get('HTTPS')) configured['torrent+https'] = values.get('HTTPS')!;
  const depth = values.get('DEPTH');
  return {
    sourceList: values.get('LIST') ?? '/etc/apt/sources.list',
    sourceParts: values.get('PARTS') ?? '/etc/apt/sources.list.d/',
    confDir: values.get('CONF') ?? '/etc/apt/apt.conf.d/',
    methodsDir: values.get('METHODS') ?? '/usr/lib/apt/methods/',
    archives: values.get('ARCHIVES') ?? '/var/cache/apt/archives/',
    lists: values.get('LISTS') ?? '/var/lib/apt/lists/',
    configured,
    ...(depth ? { pipelineDepth: depth } : {}),
  };
}

/** The sources files APT reads, in its order, each once (by real path), with their bytes. */
export async function readSources(setup: AptSetup): Promise<SourcesSnapshot[]> {
  const listed: string[] = [];
  if (await isFile(setup.sourceList)) listed.push(setup.sourceList);
  let names: string[] = [];
  try {
    names = await readdir(setup.sourceParts);
  } catch {
    // No such directory (or /dev/null): APT reads none either.
  }
  for (const name of names.filter(isSourcesPartName).sort()) {
    const path = join(setup.sourceParts, name);
    if (await isFile(path)) listed.push(path);
  }
  const seen = new Set<string>();
  const snapshots: SourcesSnapshot[] = [];
  for (const path of listed) {
    // A symlinked sources file is changed in its target, so the link stays a link.
    const real = await realpath(path);
    if (seen.has(real)) continue;
    seen.add(real);
    const text = await readText(real);
    if (text !== undefined) snapshots.push({ path: real, format: formatOf(path), text });
  }
  return snapshots;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export function recordPath(stateDir: string): string {
  return join(stateDir, RECORD_NAME);
}

export async function readRecord(path: string): Promise<SwitchRecord | undefined> {
  const text = await readText(path);
  if (text === undefined) return undefined;
  try {
    return parseRecord(Buffer.from(text, 'latin1').toString('utf8'));
  } catch (error) {
    throw new AptTorrentError('E_SOURCES', `the record of switched sources ${path} cannot be used: ${(error as Error).message}`, {
      hint: `it holds the sources files as they were before \`apt-torrent enable\`; put them back by hand from it, or move it away and run \`apt-torrent disable\`, which then takes the torrent+ prefixes off instead`,
      cause: error,
    });
  }
}

export interface ConfState {
  path: string;
  current?: string;
  /** What the file says, when enable wrote it. */
  ours?: ConfContent;
}

/** enable's apt.conf.d file: where the record says, else in Dir::Etc::Parts. */
export async function readConfState(setup: AptSetup, record: SwitchRecord | undefined): Promise<ConfState> {
  const path = record?.conf?.path ?? join(setup.confDir, CONF_NAME);
  const current = await readText(path);
  // Its paths are UTF-8, as APT reads them.
  const ours = current !== undefined && isOurConf(current) ? readConf(Buffer.from(current, 'latin1').toString('utf8')) : undefined;
  return { path, ...(current !== undefined ? { current } : {}), ...(ours ? { ours } : {}) };
}

/**
 * The method executable of this installation: dist/src/method/main.js beside
 * this file's folder (a checkout or the installed package), or
 * APT_TORRENT_METHOD for tests and unusual installations.
 */
export function methodCandidate(env: NodeJS.ProcessEnv): string {
  return env.APT_TORRENT_METHOD || join(dirname(dirname(fileURLToPath(import.meta.url))), 'method', 'main.js');
}

export async function methodFacts(setup: AptSetup, conf: ConfState, env: NodeJS.ProcessEnv): Promise<MethodFacts> {
  const candidate = methodCandidate(env);
  const files = new Map<string, FileState>();
  for (const path of pathsToCheck(setup.methodsDir, setup.configured, candidate)) files.set(path, await fileState(path));
  return { methodsDir: setup.methodsDir, configured: setup.configured, ours: conf.ours?.register ?? {}, candidate, files };
}

async function fileState(path: string): Promise<FileState> {
  if (!(await isFile(path))) return 'missing';
  try {
    await access(path, constants.X_OK);
    return 'executable';
  } catch {
    return 'not-executable';
  }
}
