import type { PlannedFile } from '../../fetch/plan.js';
import type { SourceReport } from '../../fetch/source-report.js';
import { formatBytes } from '../../util/size.js';
import type { CommandSpec } from '../command.js';
import { routeOptions } from './shared-options.js';
import { terminalSafe } from '../../util/terminal-text.js';

/** The plan as `plan --json` prints it: stable field names for scripts. */
export function planJson(files: readonly PlannedFile[], sources: readonly SourceReport[] = []) {
  const bytesBy = (route: string) => files.filter((file) => file.route === route).reduce((sum, file) => sum + file.size, 0);
  return {
    files: files.map((file) => ({
      package: file.package,
      version: file.version,
      architecture: file.architecture,
      filename: file.cacheName,
      uri: file.uri,
      size: file.size,
      sha256: file.sha256,
      route: file.route,
      ...(file.torrent ? { infoHash: file.torrent.infoHash, torrent: file.torrent.torrentUrl, trackers: file.torrent.trackers } : {}),
    })),
    sources: sources.map((source) => ({
      uri: source.repoUri,
      suite: source.release,
      manifest: source.manifest ?? null,
      trusted: source.trustedBy !== undefined,
      trustedBy: source.trustedBy ?? null,
      bittorrent: source.bittorrent,
      trackers: source.trackers,
      why: source.why,
    })),
    totalBytes: files.reduce((sum, file) => sum + file.size, 0),
    bytesByRoute: { torrent: bytesBy('torrent'), http: bytesBy('http'), apt: bytesBy('apt') },
  };
}

export function planTable(files: readonly PlannedFile[], sources: readonly SourceReport[] = []): string {
  if (files.length === 0) return 'Nothing to fetch: APT has every file it needs.\n';
  const rows = files.map((file) => `${file.route.padEnd(7)} ${formatBytes(file.size).padStart(9)}  ${file.cacheName}`);
  const total = files.reduce((sum, file) => sum + file.size, 0);
  // Per source: may its files go by BitTorrent, and why (what vouches for its manifest, or what keeps them on HTTP).
  const lines = sources.map((source) => `source ${source.repoUri} ${source.release}: ${source.bittorrent ? 'BitTorrent' : 'HTTP only'} (${source.why})`);
  return `${'route'.padEnd(7)} ${'size'.padStart(9)}  file\n${rows.join('\n')}\n${files.length} files, ${formatBytes(total)}\n${lines.map((line) => `${line}\n`).join('')}`;
}

export const plan: CommandSpec = {
  name: 'plan',
  summary: 'show what would be fetched and how (torrent or HTTP), without downloading',
  operands: '<packages...>',
  completeOperands: 'package',
  options: [{ flags: '--json', description: 'print the plan as JSON' }, ...routeOptions()],
  passesAptOptions: true,
  async run(context, input) {
    const { planFetch } = await import('../fetch-for-apt.js');
    const say = (prefix: string) => (message: string) => context.stderr.write(terminalSafe(`${prefix}: ${message}\n`));
    const { plan: result, sources } = await planFetch(context, 'install', input, say('W'), say('N'));
    // JSON.stringify leaves C1 and bidi characters raw; as \u escapes they are the same JSON.
    context.stdout.write(terminalSafe(input.options.json ? `${JSON.stringify(planJson(result.files, sources), null, 2)}\n` : planTable(result.files, sources)));
    return 0;
  },
};
