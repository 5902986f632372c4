/**
 * The shells `completion` writes for. Apart from their generators so that
 * listing them (in `--help` and completion) loads none of the generators.
 */
export const shellNames = ['bash', 'zsh', 'fish'] as const;

export type Shell = (typeof shellNames)[number];
