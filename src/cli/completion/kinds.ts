import type { Completion } from '../command.js';
import type { CommandModel, OptionModel } from './model.js';

/**
 * A completion hint as the scripts' runtime helpers take it: one kind word
 * (`file`, `dir`, `package`, `seeded`, `words`, `none`), then the words for `words`.
 */
export function kindWords(complete: Completion | undefined): string[] {
  if (complete === undefined) return ['none'];
  if (typeof complete === 'string') return [complete];
  return ['words', ...complete];
}

/** The option through which APT options reach apt-get and apt-cache (`-o KEY=VALUE`). */
export function aptOption(root: CommandModel): OptionModel | undefined {
  return root.options.find((option) => option.long === '--option');
}

/** Every spelling of an option: `-y` and `--yes`. */
export function spellings(option: OptionModel): string[] {
  return option.short ? [option.short, option.long] : [option.long];
}
