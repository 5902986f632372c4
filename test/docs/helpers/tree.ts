import type { Command } from 'commander';
import { buildProgram } from '../../../src/cli/program.js';

export interface TreeNode {
  /** Command names from the top: [] for the program, ['install'], later maybe ['seeding', 'pause']. */
  path: string[];
  command: Command;
  /** Every spelling of every option `--help` lists for it: `-y`, `--yes`, ... */
  flags: string[];
  /** Long options only. */
  longs: string[];
  /** Commands `--help` lists below it, including commander's own `help`. */
  subcommands: string[];
}

/**
 * commander's tree as `--help` shows it, built with a handler that does
 * nothing: the docs tests check man pages and completions against this.
 */
export function programTree(): TreeNode[] {
  const nodes: TreeNode[] = [];
  const visit = (command: Command, path: string[]) => {
    const help = command.createHelp();
    const options = help.visibleOptions(command);
    const children = help.visibleCommands(command);
    nodes.push({
      path,
      command,
      flags: options.flatMap((option) => [option.short, option.long].filter((flag): flag is string => flag !== undefined)),
      longs: options.map((option) => option.long).filter((flag): flag is string => flag !== undefined),
      subcommands: children.map((child) => child.name()),
    });
    for (const child of children) visit(child, [...path, child.name()]);
  };
  visit(buildProgram(async () => {}), []);
  return nodes;
}
