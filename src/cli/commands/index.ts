import type { CommandSpec } from '../command.js';
import { cleanCommand } from './clean.js';
import { completion } from './completion.js';
import { disableCommand } from './disable.js';
import { download } from './download.js';
import { enableCommand } from './enable.js';
import { install } from './install.js';
import { plan } from './plan.js';
import { publishCommand } from './publish.js';
import { seedCommand } from './seed.js';
import { seeding } from './seeding.js';
import { serveCommand } from './serve.js';
import { statusCommand } from './status.js';
import { fullUpgrade, upgrade } from './upgrade.js';

/** Every command, in the order `--help` lists them. */
export const commands: CommandSpec[] = [install, upgrade, fullUpgrade, download, plan, enableCommand, disableCommand, statusCommand, publishCommand, serveCommand, seedCommand, seeding, cleanCommand, completion];
