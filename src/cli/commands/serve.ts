import { AptTorrentError, EXIT } from '../../errors.js';
import { DEFAULT_LISTEN, parseListen } from '../../serve/listen-address.js';
import type { CommandSpec } from '../command.js';
import { terminalSafe } from '../../util/terminal-text.js';

export const serveCommand: CommandSpec = {
  name: 'serve',
  summary: 'serve an archive over HTTP with Range, on-demand .torrent files and an optional embedded tracker (mirror side, demo)',
  options: [
    { flags: '--archive-root <dir>', description: 'the archive on disk: the directory holding dists/ and pool/ (required)', complete: 'dir' },
    { flags: '--listen <host:port>', description: `address to listen on: HOST:PORT, [IPv6]:PORT, :PORT or PORT; port 0 picks a free one (default ${DEFAULT_LISTEN.host}:${DEFAULT_LISTEN.port})` },
    { flags: '--tracker', description: 'also be a BitTorrent tracker at /announce, for the torrents of this archive only' },
    { flags: '--trust-proxy', description: 'take peer addresses from X-Forwarded-For (when nginx passes /announce on)' },
    { flags: '--any-deb', description: 'make torrents for any pool .deb on request, not only for files in a manifest' },
    { flags: '--base-url <url>', description: 'public URL of the archive root, for the web seed and announce URL of torrents made here (default: the listen address)' },
    { flags: '--torrent-root <dir>', description: 'serve and store .torrent files under this tree instead of beside each .deb (as publish --torrent-root)', complete: 'dir' },
  ],
  help: [
    'Prints the archive\'s URL on stdout once listening (with port 0: the port chosen), then logs torrents made',
    'and errors on stderr. A request for <pool file>.torrent that does not exist yet is answered by hashing the',
    'file once, however many requests arrive meanwhile, and storing the torrent beside it. Paths with dot',
    'segments and symlinks leading outside the archive root are refused (403). Stops on SIGINT or SIGTERM.',
  ].join('\n'),
  async run(context, input) {
    const raw = input.options;
    const archiveRoot = typeof raw.archiveRoot === 'string' ? raw.archiveRoot : undefined;
    if (!archiveRoot) throw new AptTorrentError('E_USAGE', '--archive-root is required', { hint: 'give the directory that holds dists/ and pool/' });
    const listen = typeof raw.listen === 'string' ? parseListen(raw.listen) : DEFAULT_LISTEN;
    if (!listen) throw new AptTorrentError('E_USAGE', `--listen ${raw.listen} is not HOST:PORT`, { hint: 'e.g. --listen 127.0.0.1:8080, --listen [::1]:8080 or --listen :8080' });
    const baseUrl = typeof raw.baseUrl === 'string' ? raw.baseUrl : undefined;
    if (baseUrl !== undefined && !/^https?:\/\/[^/]/.test(baseUrl)) throw new AptTorrentError('E_USAGE', `--base-url ${baseUrl} is not an http(s) URL`, { hint: 'e.g. --base-url http://deb.example.org/debian/' });

    const log = (message: string) => context.stderr.write(terminalSafe(`apt-torrent serve: ${message}\n`));
    const { startServer } = await import('../../serve/server.js');
    const server = await startServer({
      archiveRoot,
      listen,
      baseUrl,
      torrentRoot: typeof raw.torrentRoot === 'string' ? raw.torrentRoot : undefined,
      tracker: raw.tracker === true,
      trustProxy: raw.trustProxy === true,
      anyDeb: raw.anyDeb === true,
      log,
    });
    // The URL alone on stdout: scripts and tests read the port from it.
    context.stdout.write(`${server.url}\n`);
    log(`serving ${archiveRoot} at ${server.url} (public URL in torrents made here: ${server.baseUrl})${server.announceUrl ? `; tracker at ${server.announceUrl}` : ''}`);
    await new Promise<void>((resolve) => {
      if (context.signal.aborted) resolve();
      else context.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await server.close();
    return EXIT.ok;
  },
};
