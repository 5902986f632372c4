import { AptTorrentError, EXIT } from '../../errors.js';
import type { PublishOptions, PublishOutcome } from '../../publish/publish.js';
import { formatBytes, formatDuration, parseSize } from '../../util/size.js';
import type { CommandSpec } from '../command.js';
import { terminalSafe } from '../../util/terminal-text.js';

const DEFAULT_SHARE = 0.9;
/** Below this a torrent's overhead (tracker, handshakes, piece bookkeeping) outweighs what it saves. */
const DEFAULT_MIN_SIZE = '1MiB';

export const publishCommand: CommandSpec = {
  name: 'publish',
  summary: 'choose the files worth a torrent, write their deterministic .torrent files and the manifest (mirror side)',
  options: [
    { flags: '--archive-root <dir>', description: 'the archive on disk: the directory holding dists/ and pool/ (required)', complete: 'dir' },
    { flags: '--suite <suite>', description: 'the suite (directory under dists/) to publish, e.g. bookworm (required)' },
    { flags: '--component <name...>', description: 'component to read, repeatable (default: the Components of Release)' },
    { flags: '--arch <arch...>', description: 'architecture to read, repeatable; "all" is always added when present (default: the Architectures of Release)' },
    { flags: '--base-url <url>', description: 'public http(s) URL of the archive root: the web seed of every torrent and the manifest\'s "archive" (required unless --dry-run)' },
    { flags: '--tracker <url...>', description: 'announce URL written into every torrent, repeatable, one tier each; does not change infohashes' },
    { flags: '--popcon <file>', description: 'popcon by_inst file (plain or .gz): weigh packages by size x installs instead of size alone', complete: 'file' },
    { flags: '--share <fraction>', description: `share of the expected bandwidth to cover, 0 to 1 (default ${DEFAULT_SHARE})` },
    { flags: '--min-size <size>', description: `never choose files smaller than this, e.g. 10MB, 10MiB, 512k (default ${DEFAULT_MIN_SIZE})` },
    { flags: '--out <dir>', description: 'directory for manifest.json and manifest.json.gz (default <archive-root>/dists/<suite>/apt-torrent)', complete: 'dir' },
    { flags: '--torrent-root <dir>', description: 'write <pool path>.torrent under this tree instead of beside each .deb (serve it at the same URL paths)', complete: 'dir' },
    { flags: '--rehash', description: 'hash every chosen file again instead of trusting torrents of unchanged files' },
    { flags: '--dry-run', description: 'only choose and print the coverage report; read no pool file, write nothing' },
    { flags: '--json', description: 'print the outcome (coverage report, chosen files, counts) as JSON on stdout' },
  ],
  help: [
    'Reads dists/<suite>/Release (or InRelease) and the Packages indexes it lists (plain, .gz or .xz), each',
    'checked against Release. Every chosen .deb is checked against the Size and SHA256 of its index before',
    'its torrent is written; files that do not match are reported and left out (exit status 7).',
    'A second run reuses the torrents of unchanged files and only hashes new or changed ones.',
  ].join('\n'),
  async run(context, input) {
    const options = readOptions(input.options);
    const [{ publish }, { formatCoverage }] = await Promise.all([import('../../publish/publish.js'), import('../../publish/coverage.js')]);
    const outcome = await publish(options, { stderr: context.stderr, signal: context.signal });
    await writeAll(context.stdout, input.options.json ? `${JSON.stringify(outcomeJson(outcome), null, 2)}\n` : formatCoverage(outcome.report));
    if (!outcome.files) return EXIT.ok;
    context.stderr.write(summary(outcome));
    const { problems } = outcome.files;
    if (problems.length === 0) return EXIT.ok;
    for (const problem of problems) context.stderr.write(terminalSafe(`apt-torrent: problem: ${problem}\n`));
    context.stderr.write(`apt-torrent: error [E_ARCHIVE]: ${problems.length} chosen file(s) could not be verified and were left out of the manifest\n`);
    context.stderr.write('  hint: fix the pool or regenerate the Packages indexes and Release, then run publish again\n');
    return EXIT.archive;
  },
};

function readOptions(raw: Record<string, unknown>): PublishOptions {
  const text = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : undefined);
  const list = (key: string) => (Array.isArray(raw[key]) ? (raw[key] as string[]) : []);
  const archiveRoot = text('archiveRoot');
  const suite = text('suite');
  if (!archiveRoot) throw usage('--archive-root is required', 'give the directory that holds dists/ and pool/');
  if (!suite) throw usage('--suite is required', 'e.g. --suite bookworm (a directory under dists/)');
  if (suite.includes('..') || suite.startsWith('/')) throw usage(`--suite ${suite} is not a suite name`, 'give the name of a directory under dists/');
  const dryRun = raw.dryRun === true;
  const baseUrl = text('baseUrl') ?? (dryRun ? 'http://localhost/' : undefined);
  if (!baseUrl) throw usage('--base-url is required', 'the public URL of the archive root, e.g. --base-url http://deb.example.org/debian/');
  if (!isUrl(baseUrl, ['http:', 'https:'])) throw usage(`--base-url ${baseUrl} is not an http(s) URL`, 'e.g. --base-url http://deb.example.org/debian/');
  const trackers = list('tracker');
  for (const tracker of trackers) {
    if (!isUrl(tracker, ['http:', 'https:', 'udp:', 'ws:', 'wss:'])) throw usage(`--tracker ${tracker} is not a tracker URL`, 'e.g. --tracker http://tracker.example.org:6969/announce or udp://tracker.example.org:6969');
  }
  const share = Number(text('share') ?? DEFAULT_SHARE);
  if (!(share >= 0 && share <= 1)) throw usage(`--share ${text('share')} is not a number from 0 to 1`, 'e.g. --share 0.9 covers 90% of the expected bandwidth');
  const minSize = parseSize(text('minSize') ?? DEFAULT_MIN_SIZE);
  if (minSize === undefined) throw usage(`--min-size ${text('minSize')} is not a size`, 'e.g. 10MB, 10MiB, 512k or bytes');
  return {
    archiveRoot, suite, trackers, share, minSize, dryRun,
    // With the slash, clients can resolve the manifest's relative paths with new URL(path, archive).
    baseUrl: baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`,
    components: list('component'),
    architectures: list('arch'),
    popconFile: text('popcon'),
    outDir: text('out'),
    torrentRoot: text('torrentRoot'),
    rehash: raw.rehash === true,
  };
}

function summary(outcome: PublishOutcome): string {
  const files = outcome.files!;
  const rate = files.hashMs > 0 ? (files.hashedBytes / 1e6) / (files.hashMs / 1000) : 0;
  const lines = [
    `read ${outcome.suite.read.join(', ')}`,
    `hashed ${files.hashed} file(s), ${formatBytes(files.hashedBytes)} in ${formatDuration(files.hashMs)}${files.hashed > 0 ? ` (${rate.toFixed(0)} MB/s)` : ''};`
      + ` reused ${files.reused} torrent(s)${files.rewritten > 0 ? ` (${files.rewritten} rewritten for new trackers or base URL)` : ''}; removed ${outcome.removed} stale torrent(s)`,
    `${outcome.manifestChanged ? 'wrote' : 'unchanged:'} ${outcome.manifestPath} (${files.files.length} files)`,
  ];
  return lines.map((line) => `apt-torrent: ${line}\n`).join('');
}

/** What `--json` prints: stable names for scripts. */
function outcomeJson(outcome: PublishOutcome) {
  return {
    report: outcome.report,
    chosen: outcome.selection.chosen.map(({ entry, weight, bandwidth }) => ({
      filename: entry.filename, size: entry.size, sha256: entry.sha256, package: entry.package, version: entry.version, architecture: entry.architecture, weight, bandwidth,
    })),
    indexes: outcome.suite.read,
    ...(outcome.files ? {
      manifest: outcome.manifestPath,
      manifestChanged: outcome.manifestChanged,
      published: outcome.files.files.length,
      hashed: outcome.files.hashed,
      hashedBytes: outcome.files.hashedBytes,
      hashMs: outcome.files.hashMs,
      reused: outcome.files.reused,
      rewritten: outcome.files.rewritten,
      removed: outcome.removed,
      problems: outcome.files.problems,
    } : {}),
  };
}

/**
 * Resolve once the text has left the process: a pipe takes 64 KiB at once,
 * the rest is written asynchronously, and main exits right after run().
 */
function writeAll(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(text, (error) => (error ? reject(error) : resolve())));
}

function usage(message: string, hint: string): AptTorrentError {
  return new AptTorrentError('E_USAGE', message, { hint });
}

function isUrl(text: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(text).protocol);
  } catch {
    return false;
  }
}
