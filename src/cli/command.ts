import type { ConfigKey } from '../config/schema.js';

/** What completion offers for an option's value or a command's operands. */
export type Completion = 'file' | 'dir' | 'package' | 'seeded' | readonly string[];

export interface OptionSpec {
  /** Commander flags, e.g. `-y, --yes` or `--parallel <n>`. */
  flags: string;
  description: string;
  complete?: Completion;
  /** The config key this flag overrides, if any. */
  config?: ConfigKey;
}

/** Side effects come in here, so commands can be driven from tests without mocking modules. */
export interface Context {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** `-o KEY=VALUE` options for every APT program, in the order given. */
  aptOptions: string[];
  /** `--config FILE`, if given. */
  configFile?: string;
  /** Aborted on SIGINT/SIGTERM: downloads stop, partial files stay for the next run. */
  signal: AbortSignal;
}

export interface CommandInput {
  /** Operands, plus any options meant for apt-get, in the order given. */
  args: string[];
  options: Record<string, unknown>;
}

/**
 * One command of apt-torrent: its name, usage, options and completion hints
 * beside its `run()`. The registry (commands/index.ts) lists them; help, the
 * man page and the completions are checked against it.
 */
export interface CommandSpec {
  name: string;
  aliases?: string[];
  summary: string;
  /** Commander operand syntax, e.g. `[packages...]`. */
  operands?: string;
  completeOperands?: Completion;
  options: OptionSpec[];
  /** Unknown options are passed on to apt-get instead of refused (e.g. --no-install-recommends). */
  passesAptOptions?: boolean;
  /** Extra help text shown after the options. */
  help?: string;
  /** Commands below this one (`seeding list`); a command with subcommands runs none of its own. */
  subcommands?: CommandSpec[];
  run(context: Context, input: CommandInput): Promise<number>;
}
