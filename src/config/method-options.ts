/**
 * What `apt-torrent install` (and upgrade, full-upgrade, download) tells
 * the APT method of its own apt-get run, as APT configuration (`-o`): APT
 * hands every setting to the method in `601 Configuration`, so these reach
 * it exactly as the user's own `-o` options do. A plain apt-get run on a
 * switched system sets none of them, and the method then reads apt-torrent's
 * configuration files alone. Pure.
 */

/** The command-line choices of one run: each overrides a config key for that run only. */
export interface RunChoices {
  /** --no-torrent: torrent.enabled. */
  torrent?: boolean;
  /** --no-seed (and download, which never hands over): seed.enabled. */
  seed?: boolean;
  /** --manifest URL: manifest. */
  manifest?: string;
  /** --parallel N: http.parallel (HTTP connections of the BitTorrent path's range fills). */
  parallel?: number;
  /** --config FILE: read after the usual files, as by the command. */
  configFile?: string;
  /** The descriptor, inherited from apt-get, the method appends its report lines to. */
  reportFd?: number;
}

const KEYS = {
  torrent: 'AptTorrent::Torrent',
  seed: 'AptTorrent::Seed',
  manifest: 'AptTorrent::Manifest',
  parallel: 'AptTorrent::Parallel',
  configFile: 'AptTorrent::Config-File',
  reportFd: 'AptTorrent::Report-Fd',
} as const;

/** The `KEY=VALUE` strings for apt-get's `-o`. */
export function choicesToAptOptions(choices: RunChoices): string[] {
  const options: string[] = [];
  if (choices.torrent !== undefined) options.push(`${KEYS.torrent}=${choices.torrent}`);
  if (choices.seed !== undefined) options.push(`${KEYS.seed}=${choices.seed}`);
  if (choices.manifest !== undefined) options.push(`${KEYS.manifest}=${choices.manifest}`);
  if (choices.parallel !== undefined) options.push(`${KEYS.parallel}=${choices.parallel}`);
  if (choices.configFile !== undefined) options.push(`${KEYS.configFile}=${choices.configFile}`);
  if (choices.reportFd !== undefined) options.push(`${KEYS.reportFd}=${choices.reportFd}`);
  return options;
}

/** The choices back from APT's configuration; `get` gives a key's last value (any case), undefined when unset. */
export function choicesFromApt(get: (key: string) => string | undefined): RunChoices {
  const choices: RunChoices = {};
  const flag = (text: string | undefined) => (text === undefined ? undefined : /^(1|true|yes|on)$/i.test(text.trim()) ? true : /^(0|false|no|off)$/i.test(text.trim()) ? false : undefined);
  const torrent = flag(get(KEYS.torrent));
  if (torrent !== undefined) choices.torrent = torrent;
  const seed = flag(get(KEYS.seed));
  if (seed !== undefined) choices.seed = seed;
  const manifest = get(KEYS.manifest);
  if (manifest) choices.manifest = manifest;
  const parallel = get(KEYS.parallel);
  if (parallel !== undefined && /^\d{1,6}$/.test(parallel.trim())) choices.parallel = Number(parallel.trim());
  const configFile = get(KEYS.configFile);
  if (configFile) choices.configFile = configFile;
  const reportFd = get(KEYS.reportFd);
  if (reportFd !== undefined && /^\d{1,4}$/.test(reportFd.trim())) choices.reportFd = Number(reportFd.trim());
  return choices;
}

/** The config layer of these choices, as loadConfig takes `flags` (validated there like any other layer). */
export function choicesToFlags(choices: RunChoices): Record<string, unknown> {
  return {
    ...(choices.torrent === undefined ? {} : { 'torrent.enabled': choices.torrent }),
    ...(choices.seed === undefined ? {} : { 'seed.enabled': choices.seed }),
    ...(choices.manifest === undefined ? {} : { manifest: choices.manifest }),
    ...(choices.parallel === undefined ? {} : { 'http.parallel': choices.parallel }),
  };
}

/**
 * One line of the method's report, as it writes it and the command reads it:
 * a .deb APT asked for, and how it came (`torrent`: by this method, with the
 * bytes each side gave; `mirror`: handed to APT's own http(s) method).
 */
export interface ReportLine {
  file: string;
  size: number;
  via: 'torrent' | 'mirror';
  peers?: number;
  mirror?: number;
}
