import type { OptionSpec } from '../command.js';

/** Options of every command that downloads. */
export const fetchOptions: OptionSpec[] = [
  { flags: '-q, --quiet', description: 'no progress output, only errors and the outcome (passed on to apt-get as -q)' },
  { flags: '--parallel <n>', description: 'HTTP connections for what BitTorrent leaves to the mirror (config http.parallel, default 16); files that come from the mirror alone follow APT\'s own Acquire::http settings', config: 'http.parallel' },
  ...routeOptions(),
];

/** Options that decide how files come, shared with `plan`. */
export function routeOptions(): OptionSpec[] {
  return [
    { flags: '--manifest <url>', description: 'use this manifest (http, https or file URL) for every source instead of discovering one per source (config manifest)', config: 'manifest' },
    { flags: '--no-torrent', description: 'fetch everything over HTTP, ignoring manifests (config torrent.enabled)', config: 'torrent.enabled' },
  ];
}

export const noSeedOption: OptionSpec = { flags: '--no-seed', description: 'do not hand the files that came by torrent to the seeder' };

export const prefetchOption: OptionSpec = {
  flags: '--prefetch',
  description: 'the two-pass way: resolve with APT first, fetch every file with apt-torrent\'s own client (its progress, parallel HTTP connections), then run apt-get',
};

export const yesOption: OptionSpec = { flags: '-y, --yes', description: 'answer yes to apt-get\'s questions (passed on as -y)' };
