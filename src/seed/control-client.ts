import { createConnection } from 'node:net';
import { AptTorrentError } from '../errors.js';
import { LineSplitter, parseResponse, ProtocolError, serialize, type Request, type Response } from './protocol.js';

type OkResponse = Extract<Response, { ok: true }>;

/**
 * Send one request to the seeding daemon and wait for its answer. The
 * daemon's own errors come back as AptTorrentError with its code; a socket
 * nobody listens on is E_NOT_RUNNING, one the user may not use E_SEED_DENIED.
 */
export function sendRequest(socket: string, request: Request, options: { timeoutMs?: number } = {}): Promise<OkResponse> {
  return new Promise((resolve, reject) => {
    const connection = createConnection(socket);
    const splitter = new LineSplitter(64 * 1024 * 1024);
    let settled = false;
    const finish = (error: Error | undefined, response?: OkResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      connection.destroy();
      if (error) reject(error);
      else resolve(response!);
    };
    const timer = setTimeout(() => finish(new AptTorrentError('E_NOT_RUNNING', `the seeding daemon did not answer on ${socket} within ${Math.round((options.timeoutMs ?? 10_000) / 1000)} s`, {
      hint: 'it may be hung: see `journalctl -u apt-torrent-seed`, or restart it with `systemctl restart apt-torrent-seed`',
    })), options.timeoutMs ?? 10_000);
    connection.setEncoding('utf8');
    connection.on('connect', () => connection.write(serialize(request)));
    connection.on('data', (chunk: string) => {
      let lines: string[];
      try {
        lines = splitter.push(chunk);
      } catch (error) {
        finish(error as Error);
        return;
      }
      const [line] = lines;
      if (line === undefined) return;
      try {
        const response = parseResponse(line);
        if (response.ok) finish(undefined, response);
        else finish(new AptTorrentError(response.error.code, response.error.message, { hint: response.error.hint }));
      } catch (error) {
        finish(error instanceof ProtocolError ? new AptTorrentError('E_INTERNAL', error.message) : (error as Error));
      }
    });
    connection.on('end', () => finish(new AptTorrentError('E_NOT_RUNNING', `the seeding daemon closed ${socket} without answering`, {
      hint: 'it may be stopping; see `journalctl -u apt-torrent-seed`',
    })));
    connection.on('error', (error: NodeJS.ErrnoException) => finish(socketError(socket, error)));
  });
}

function socketError(socket: string, error: NodeJS.ErrnoException): AptTorrentError {
  switch (error.code) {
    case 'ENOENT':
    case 'ECONNREFUSED':
    case 'ENOTSOCK':
      return new AptTorrentError('E_NOT_RUNNING', `the seeding daemon is not running (nothing listens on ${socket})`, {
        hint: 'start it with `systemctl start apt-torrent-seed` (seed.enabled must be true), or run `apt-torrent seed`',
        cause: error,
      });
    case 'EACCES':
    case 'EPERM':
      return new AptTorrentError('E_SEED_DENIED', `permission denied on the seeding daemon's control socket ${socket}`, {
        hint: 'only root, or members of the group named by seed.group, may control the seeder: use sudo',
        cause: error,
      });
    default:
      return new AptTorrentError('E_NOT_RUNNING', `cannot reach the seeding daemon on ${socket}: ${error.message}`, { cause: error });
  }
}
