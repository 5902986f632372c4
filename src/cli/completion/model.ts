import type { Command, Option } from 'commander';
import type { CommandSpec, Completion } from '../command.js';

/** One option as the shells need it. */
export interface OptionModel {
  /** `-y`, if there is a short form. */
  short?: string;
  /** `--yes`; commander gives every option here a long form. */
  long: string;
  description: string;
  /** The placeholder of its value (`file` for `--config <file>`), if it takes one. */
  value?: string;
  /** The value may be left out (`--flag [value]`). */
  valueOptional: boolean;
  /**
   * May be given more than once: variadic options (`--component <name...>`)
   * and those whose description says "repeatable" (`-o`, whose values commander
   * collects with a parser it cannot show).
   */
  repeatable: boolean;
  /** Ends the command line's meaning: --help, --version. */
  exclusive: boolean;
  /** What to offer for the value. */
  complete?: Completion;
}

export interface OperandModel {
  name: string;
  variadic: boolean;
}

/** A node of the command tree; the root is the program itself. */
export interface CommandModel {
  name: string;
  aliases: string[];
  summary: string;
  options: OptionModel[];
  operands: OperandModel[];
  /** What to offer for the operands (all of them: none of our commands mixes kinds). */
  completeOperands?: Completion;
  subcommands: CommandModel[];
}

/**
 * The completion model, read from commander's own tree (what `--help` shows,
 * including --help, --version and the `help` command) plus the completion
 * hints of the registry's specs. The three shell scripts are written from it,
 * so they cannot drift from the program.
 * @example completionModel(buildProgram(async () => {}), commands).subcommands.map((c) => c.name)
 */
export function completionModel(program: Command, specs: readonly CommandSpec[]): CommandModel {
  return node(program, specs, undefined);
}

function node(command: Command, specs: readonly CommandSpec[], spec: CommandSpec | undefined): CommandModel {
  const help = command.createHelp();
  const children = help.visibleCommands(command);
  const siblings = children.map((child) => child.name()).filter((name) => name !== 'help');
  return {
    name: command.name(),
    aliases: command.aliases(),
    summary: command.description(),
    options: help.visibleOptions(command).map((option) => optionModel(option, spec)),
    operands: command.registeredArguments.map((argument) => ({ name: argument.name(), variadic: argument.variadic })),
    completeOperands: spec?.completeOperands,
    subcommands: children.map((child) => {
      // commander's own `help [command]` takes a command name.
      if (child.name() === 'help' && !specs.some((candidate) => candidate.name === 'help')) {
        return { ...node(child, [], undefined), completeOperands: siblings };
      }
      const found = specs.find((candidate) => candidate.name === child.name());
      // Subcommands (`seeding pause`) find their hints among their parent's spec's subcommands.
      return node(child, found?.subcommands ?? [], found);
    }),
  };
}

function optionModel(option: Option, spec: CommandSpec | undefined): OptionModel {
  const takesValue = option.required || option.optional;
  const value = takesValue ? /[<[]([^>\]]+?)(?:\.\.\.)?[>\]]/.exec(option.flags)?.[1] : undefined;
  const hint = spec?.options.find((candidate) => candidate.flags === option.flags)?.complete;
  return {
    ...(option.short ? { short: option.short } : {}),
    long: option.long ?? option.short ?? option.flags,
    description: option.description,
    ...(value ? { value } : {}),
    valueOptional: option.optional,
    repeatable: option.variadic || /\brepeatable\b/.test(option.description),
    exclusive: option.long === '--help' || option.long === '--version',
    // A placeholder that says what it is needs no hint (the global `--config <file>`).
    complete: hint ?? (value === 'file' ? 'file' : value === 'dir' ? 'dir' : undefined),
  };
}

/** Every node below the root with its path of names, depth first. */
export function walk(root: CommandModel): Array<{ path: string[]; command: CommandModel }> {
  const out: Array<{ path: string[]; command: CommandModel }> = [];
  const visit = (command: CommandModel, path: string[]) => {
    out.push({ path, command });
    for (const sub of command.subcommands) visit(sub, [...path, sub.name]);
  };
  visit(root, []);
  return out;
}
