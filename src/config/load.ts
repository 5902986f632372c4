import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AptTorrentError } from '../errors.js';
import { defaults, type Config } from './schema.js';
import { readTrustedFile } from './trusted-file.js';
import { formatProblems, validateLayer, type ConfigProblem } from './validate.js';
import { terminalSafe } from '../util/terminal-text.js';

const NAMES = ['config.json', 'config.yaml', 'config.yml'];

/** The configuration files that apply, lowest priority first. */
export function configFiles(env: NodeJS.ProcessEnv, explicit?: string): string[] {
  const system = env.APT_TORRENT_SYSCONFDIR ?? '/etc/apt-torrent';
  const user = join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'apt-torrent');
  const found = [system, user].flatMap((dir) => NAMES.map((name) => join(dir, name)).filter((file) => existsSync(file)));
  return explicit ? [...found, explicit] : found;
}

export interface LoadOptions {
  env: NodeJS.ProcessEnv;
  file?: string;
  flags?: Record<string, unknown>;
  /** The effective user: as root (0), only root-owned files are read. */
  uid?: number;
  /** Told about a configuration file that is skipped; stderr by default. */
  warn?: (message: string) => void;
}

/**
 * Load and merge: /etc/apt-torrent/config.*, then the user's XDG config,
 * then --config FILE, then flags. Every problem of every layer is reported
 * in one error that names the file and the key. As root, a file that
 * another user could have written is skipped with a warning (or, for
 * --config, refused): see readTrustedFile.
 */
export async function loadConfig(options: LoadOptions): Promise<Config> {
  const problems: ConfigProblem[] = [];
  let config = defaults();
  if (options.file && !existsSync(options.file)) {
    throw new AptTorrentError('E_CONFIG', `configuration file ${options.file} does not exist`, { hint: 'check the path given to --config' });
  }
  const asRoot = (options.uid ?? process.getuid?.()) === 0;
  const warn = options.warn ?? ((message: string) => process.stderr.write(terminalSafe(`apt-torrent: warning: ${message}\n`)));
  const files = configFiles(options.env, options.file);
  // cosmiconfig's YAML loader is loaded only for YAML: JSON needs no 20 ms of module loading.
  const needsYaml = files.some((file) => !file.endsWith('.json'));
  const parseYaml = needsYaml ? (await import('cosmiconfig')).defaultLoaders['.yaml'] : undefined;
  for (const file of files) {
    let raw: unknown;
    try {
      const read = asRoot ? await readTrustedFile(file) : { text: await readFile(file, 'utf8') };
      if ('untrusted' in read) {
        if (file === options.file) {
          throw new AptTorrentError('E_CONFIG', `configuration file ${file} is not used: ${read.untrusted}`, {
            hint: 'as root, apt-torrent reads only configuration that root alone can change: chown root it and its directories, or copy it to /etc/apt-torrent/',
          });
        }
        warn(`${file} is skipped: ${read.untrusted}, and apt-torrent runs as root`);
        continue;
      }
      raw = file.endsWith('.json') ? parseJsonConfig(read.text) : await parseYaml!(file, read.text);
    } catch (error) {
      if (error instanceof AptTorrentError) throw error;
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
