import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AptTorrentError } from '../errors.js';
import { defaults, type Config } from './schema.js';
import { formatProblems, validateLayer, type ConfigProblem } from './validate.js';

const NAMES = ['config.json', 'config.yaml', 'config.yml'];

/** The configuration files that apply, lowest priority first. */
export function configFiles(env: NodeJS.ProcessEnv, explicit?: string): string[] {
  const system = env.APT_TORRENT_SYSCONFDIR ?? '/etc/apt-torrent';
  const user = join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'apt-torrent');
  const found = [system, user].flatMap((dir) => NAMES.map((name) => join(dir, name)).filter((file) => existsSync(file)));
  return explicit ? [...found, explicit] : found;
}

/**
 * Load and merge: /etc/apt-torrent/config.*, then the user's XDG config,
 * then --config FILE, then flags. Every problem of every layer is reported
 * in one error that names the file and the key.
 */
export async function loadConfig(options: { env: NodeJS.ProcessEnv; file?: string; flags?: Record<string, unknown> }): Promise<Config> {
  const problems: ConfigProblem[] = [];
  let config = defaults();
  if (options.file && !existsSync(options.file)) {
    throw new AptTorrentError('E_CONFIG', `configuration file ${options.file} does not exist`, { hint: 'check the path given to --config' });
  }
  const files = configFiles(options.env, options.file);
  // cosmiconfig 9 ignores absolute paths in searchPlaces, so each file is loaded by path;
  // and only for YAML: JSON needs no 20 ms of module loading.
  const needsYaml = files.some((file) => !file.endsWith('.json'));
  const explorer = needsYaml ? (await import('cosmiconfig')).cosmiconfig('apt-torrent', { cache: false }) : undefined;
  for (const file of files) {
    let raw: unknown;
    try {
      raw = file.endsWith('.json') ? parseJsonConfig(await readFile(file, 'utf8')) : (await explorer!.load(file))?.config;
    } catch (error) {
      problems.push({ source: file, key: '(file)', message: `cannot be read: ${(error as Error).message.split('\n')[0]}` });
      continue;
    }
    const layer = validateLayer(raw, file);
    problems.push(...layer.problems);
    config = { ...config, ...layer.values };
  }
  const flags = validateLayer(options.flags ?? {}, 'command line');
  problems.push(...flags.problems);
  config = { ...config, ...flags.values };
  if (problems.length > 0) {
    throw new AptTorrentError('E_CONFIG', `invalid configuration:\n${formatProblems(problems)}`, {
      hint: 'fix or remove these keys; `man 5 apt-torrent.conf` lists every key with its default',
    });
  }
  return config;
}

/** An empty file is no settings, as cosmiconfig reads it. */
function parseJsonConfig(text: string): unknown {
  return text.trim() === '' ? undefined : JSON.parse(text);
}
