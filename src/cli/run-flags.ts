import type { CommandInput } from './command.js';

/** Config keys set by flags of the fetching commands. */
export function configFlags(options: Record<string, unknown>): Record<string, unknown> {
  return {
    ...(options.parallel === undefined ? {} : { 'http.parallel': options.parallel }),
    ...(options.manifest === undefined ? {} : { manifest: options.manifest }),
    // commander gives --no-torrent as torrent: false
    ...(options.torrent === false ? { 'torrent.enabled': false } : {}),
  };
}

/** The arguments for apt-get: operands and pass-through options, plus -y when given. */
export function aptArgs(input: CommandInput): string[] {
  return [...(input.options.yes === true ? ['-y'] : []), ...input.args];
}
