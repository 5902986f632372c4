import { Command, Option } from 'commander';
import { AptTorrentError } from '../errors.js';
import type { CommandSpec, Context } from './command.js';
import { commands } from './commands/index.js';

const VERSION = '0.1.0';

function collect(value: string, previous: string[] = []): string[] {
  if (!/^[^=\s]+=/.test(value)) {
    throw new AptTorrentError('E_USAGE', `-o takes KEY=VALUE, as apt-get does; got ${JSON.stringify(value)}`, {
      hint: 'for example: -o Acquire::Retries=3',
    });
  }
  return [...previous, value];
}

/** Global options, shared by the program and the docs checks. */
export const globalOptions = [
  { flags: '-c, --config <file>', description: 'read this configuration file after /etc/apt-torrent and the XDG config' },
  { flags: '-o, --option <key=value>', description: 'an APT configuration option, passed to every apt-get, apt-cache and apt-config call (repeatable)' },
];

/**
 * Build the commander tree from the registry. `run` receives the spec and
 * the parsed input; main.ts supplies it, so tests can build the tree alone.
 */
export function buildProgram(onRun: (spec: CommandSpec, context: Partial<Context>, args: string[], options: Record<string, unknown>) => Promise<void>): Command {
  const program = new Command('apt-torrent')
    .description('APT downloads with the big packages over BitTorrent and the rest over HTTP, every file verified against APT\'s signed indexes')
    .version(VERSION, '-V, --version')
    .option(globalOptions[0]!.flags, globalOptions[0]!.description)
    .addOption(new Option(globalOptions[1]!.flags, globalOptions[1]!.description).argParser(collect))
    .showHelpAfterError('(run `apt-torrent --help` for usage)')
    .configureOutput({ outputError: (text, write) => write(text) })
    .exitOverride();

  for (const spec of commands) addCommand(program, spec, program, onRun);
  return program;
}

/** One command of the registry, and its subcommands below it, in commander's tree. */
function addCommand(parent: Command, spec: CommandSpec, program: Command, onRun: Parameters<typeof buildProgram>[0]): void {
  const command = parent.command(spec.name).description(spec.summary).exitOverride();
  if (spec.aliases) command.aliases(spec.aliases);
  if (spec.help) command.addHelpText('after', `\n${spec.help}`);
  if (spec.subcommands) {
    for (const sub of spec.subcommands) addCommand(command, sub, program, onRun);
    return;
  }
  if (spec.operands) command.argument(spec.operands);
  for (const option of spec.options) command.option(option.flags, option.description);
  if (spec.passesAptOptions) command.allowUnknownOption().allowExcessArguments();
  command.action(async (...params: unknown[]) => {
    const self = params[params.length - 1] as Command;
    const globals = program.opts<{ config?: string; option?: string[] }>();
    await onRun(spec, { configFile: globals.config, aptOptions: globals.option ?? [] }, self.args, self.opts());
  });
}
