import type { OptionSpec } from '../command.js';

/** Options of every command that downloads. */
export const fetchOptions: OptionSpec[] = [
  { flags: '-q, --quiet', description: 'no progress output, only errors and the outcome' },
  { flags: '--parallel <n>', description: 'files downloaded at the same time over HTTP (config http.parallel, default 6)', config: 'http.parallel' },
];

export const yesOption: OptionSpec = { flags: '-y, --yes', description: 'answer yes to apt-get\'s questions (passed on as -y)' };
