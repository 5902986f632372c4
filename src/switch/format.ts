/**
 * What enable, disable and status print. Pure: results in, lines out.
 * Sources files are bytes; they are shown as UTF-8.
 */
import { unifiedDiff } from './diff.js';
import type { DisableResult } from './disable.js';
import type { EnableResult } from './enable.js';
import type { MethodChoice } from './method-choice.js';
import type { SwitchStatus } from './status.js';
import type { ListedSource } from './verdict.js';

const show = (text: string) => Buffer.from(text, 'latin1').toString('utf8');
const where = (source: ListedSource) => `${source.file}:${source.line}`;
const typesOf = (source: ListedSource) => (source.types.length > 0 ? ` (${source.types.join(' ')})` : '');

function leftAlone(sources: readonly ListedSource[]): string[] {
  const left = sources.flatMap((source) => {
    if (source.state === 'left') return [`  ${where(source)}  ${show(source.uri) || '-'}${typesOf(source)}: ${source.detail}`];
    if (source.state === 'switched' && source.byApTorrent === false) return [`  ${where(source)}  ${show(source.uri)}${typesOf(source)}: already torrent+ (not switched by apt-torrent)`];
    return [];
  });
  return left.length > 0 ? ['Left alone:', ...left] : [];
}

function methodLine(method: MethodChoice, confPath: string): string {
  const how = { configured: 'set in APT\'s configuration', installed: 'in APT\'s methods directory', registered: `registered in ${confPath}` }[method.how];
  const state = method.state === 'executable' ? '' : method.state === 'missing' ? ' MISSING' : ' NOT EXECUTABLE';
  return `  ${method.scheme.padEnd(14)} ${method.path} (${how})${state}`;
}

export function enableReport(result: EnableResult, dryRun: boolean): string[] {
  const { plan } = result;
  if (plan.state === 'already-enabled') {
    const switched = plan.sources.filter((source) => source.state === 'switched').length;
    return [`Already enabled: ${switched} source(s) go through torrent+http(s); nothing to change.`, ...leftAlone(plan.sources)];
  }
  if (plan.state === 'nothing-to-switch') {
    return ['Nothing to switch: no deb source APT reads uses http:// or https://; nothing was written.', ...leftAlone(plan.sources)];
  }
  const lines: string[] = [];
  if (plan.adopted) lines.push(`No record of the earlier enable in ${result.recordPath}, but its ${result.confPath} is there: the torrent+ sources are taken as switched by it, so that disable takes their prefixes off.`);
  if (plan.switchedNow.length > 0) {
    lines.push(dryRun ? 'Would switch:' : 'Switched:');
    for (const source of plan.switchedNow) lines.push(`  ${where(source)}  ${show(source.uri)}${typesOf(source)}`);
  }
  if (plan.switchedNow.some((source) => !source.types.includes('deb'))) {
    lines.push('Note: deb-src lines are switched with the deb lines of their repository: APT reads both as one repository, from the URI of whichever line comes first.');
  }
  lines.push(...leftAlone(plan.sources));
  for (const path of plan.edited) lines.push(`Note: ${path} was edited since the last enable; its edits are kept and disable will keep them too.`);
  lines.push('Method:', ...result.methods.map((method) => methodLine(method, result.confPath)));
  if (result.pipelineDepth !== undefined) lines.push(`Acquire::Max-Pipeline-Depth ${result.pipelineDepth} (APT's default is 10; it matches http.parallel)`);
  if (dryRun) {
    for (const change of plan.changes) lines.push('', ...unifiedDiff(change.path, change.before, change.after).trimEnd().split('\n'));
    if (plan.conf) lines.push('', ...unifiedDiff(plan.conf.path, plan.conf.before, plan.conf.after).trimEnd().split('\n'));
    lines.push('', 'Dry run: nothing was written.');
    return lines;
  }
  if (plan.conf) lines.push(`Wrote ${plan.conf.path}.`);
  lines.push(`The files as they were are saved in ${result.recordPath}; \`apt-torrent disable\` puts them back.`);
  lines.push('apt, apt-get, unattended-upgrades and every other APT frontend now fetch through the method; no `apt-get update` is needed.');
  return lines;
}

export function disableReport(result: DisableResult, dryRun: boolean): string[] {
  const { plan } = result;
  if (plan.state === 'not-enabled') return [`Not enabled: apt-torrent has not switched APT's sources (no ${result.recordPath}); nothing to do.`];
  const lines: string[] = [];
  if (plan.withoutRecord) lines.push(`No record of the files before enable (${result.recordPath}): taking the torrent+ prefixes off every deb source instead.`);
  for (const change of plan.changes) {
    const verb = change.how === 'restored' ? (dryRun ? 'Would restore' : 'Restored') : dryRun ? 'Would take the torrent+ prefixes off' : 'Took the torrent+ prefixes off';
    lines.push(`${verb} ${change.path}${change.how === 'restored' ? ' (byte for byte)' : ''}`);
  }
  for (const note of plan.notes) lines.push(`Note: ${note.path} ${note.message}.`);
  if (plan.removeConf) {
    lines.push(`${dryRun ? 'Would remove' : 'Removed'} ${plan.removeConf.path}${plan.removeConf.edited ? ` (edited after enable: a copy is ${dryRun ? 'to be ' : ''}kept as ${result.keptConf})` : ''}`);
  }
  if (dryRun) {
    for (const change of plan.changes) lines.push('', ...unifiedDiff(change.path, change.before, change.after).trimEnd().split('\n'));
    if (plan.removeConf) lines.push('', ...unifiedDiff(plan.removeConf.path, plan.removeConf.text, undefined).trimEnd().split('\n'));
    lines.push('', 'Dry run: nothing was written.');
  } else lines.push('Disabled: APT uses its sources as before.');
  return lines;
}

/** The seeding daemon as status reports it; probed by the command, which may reach the seeder. */
export type SeederState = { state: 'running'; torrents: number } | { state: 'not-running' | 'denied' | 'error'; message: string };

export function statusReport(status: SwitchStatus, seeder: SeederState): string[] {
  const lines = [status.enabled
    ? `Enabled${status.enabledAt ? ` since ${status.enabledAt}` : ''}: APT's http(s) deb sources go through the torrent+http(s) method.`
    : 'Not enabled: APT uses its sources as they are (`apt-torrent enable` switches them).'];
  const switched = status.sources.filter((source) => source.state === 'switched' && source.byApTorrent !== false);
  if (switched.length > 0) lines.push('Switched:', ...switched.map((source) => `  ${where(source)}  ${show(source.uri)}${typesOf(source)}`));
  const switchable = status.sources.filter((source) => source.state === 'switchable');
  if (switchable.length > 0) {
    lines.push(status.enabled ? 'Not switched yet (`apt-torrent enable` switches them):' : 'Would be switched:');
    lines.push(...switchable.map((source) => `  ${where(source)}  ${show(source.uri)}${typesOf(source)}`));
  }
  lines.push(...leftAlone(status.sources));
  const changed = status.files.filter((file) => file.state !== 'as-written');
  for (const file of changed) lines.push(`Note: ${file.path} ${{ edited: 'was edited since enable', 'as-before': 'is back as it was before enable', gone: 'is gone', 'as-written': '' }[file.state]}.`);
  lines.push('Method:', ...status.methods.map((method) => methodLine(method, status.confFile.path)));
  if (status.confFile.present) lines.push(`APT settings: ${status.confFile.path}${status.confFile.edited ? ' (edited since enable)' : ''}`);
  else if (status.enabled) lines.push(`APT settings: ${status.confFile.path} is MISSING (\`apt-torrent enable\` writes it again)`);
  lines.push(`Acquire::Max-Pipeline-Depth: ${status.pipelineDepth ?? '10 (APT\'s default)'}`);
  lines.push(`Seeding daemon: ${seeder.state === 'running' ? `running, ${seeder.torrents} file(s) seeded` : seeder.message}`);
  return lines;
}
