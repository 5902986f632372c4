import { chmod, chown, lstat, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { AptTorrentError } from '../errors.js';
import { runCapture } from '../util/run.js';
import { LineSplitter, parseRequest, ProtocolError, serialize, type Request, type Response } from './protocol.js';

export type Handler = (request: Request) => Promise<Response>;

export interface ControlServer {
  close(): Promise<void>;
}

/** Connections at once: each holds at most one line of MAX_LINE, so memory stays bounded. */
const MAX_CONNECTIONS = 16;

/**
 * Listen on the control socket: mode 0600 (root only), or 0660 with group
 * `group` when one is configured. Access is decided by the file's mode
 * alone, as with docker's and libvirt's sockets. The socket is created
 * under a umask that leaves it closed to everyone until its mode is set.
 */
export async function listenControl(path: string, group: string, handler: Handler, log: (message: string) => void): Promise<ControlServer> {
  await clearStaleSocket(path);
  const gid = group ? await groupId(group) : undefined;
  const server = createServer((connection) => serve(connection, handler, log));
  server.maxConnections = MAX_CONNECTIONS;
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
  } catch (error) {
    throw new AptTorrentError('E_SEED_SOCKET', `cannot listen on the control socket ${path}: ${(error as Error).message}`, {
      hint: 'check seed.socket: its directory must exist and be writable by the daemon (root)',
      cause: error,
    });
  } finally {
    process.umask(umask);
  }
  if (gid !== undefined) {
    await chown(path, process.getuid?.() ?? 0, gid);
    await chmod(path, 0o660);
  } else {
    await chmod(path, 0o600);
  }
  return {
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      unlink(path).catch(() => {});
    }),
  };
}

function serve(connection: Socket, handler: Handler, log: (message: string) => void): void {
  const splitter = new LineSplitter();
  connection.setEncoding('utf8');
  // One request at a time per connection, answered in order.
  let queue = Promise.resolve();
  connection.on('data', (chunk: string) => {
    let lines: string[];
    try {
      lines = splitter.push(chunk);
    } catch (error) {
      connection.end(serialize({ ok: false, error: { code: 'E_USAGE', message: (error as Error).message } }));
      return;
    }
    for (const line of lines) {
      queue = queue.then(async () => {
        let response: Response;
        try {
          response = await handler(parseRequest(line));
        } catch (error) {
          response = errorResponse(error, log);
        }
        if (!connection.destroyed) connection.write(serialize(response));
      });
    }
  });
  connection.on('error', () => {});
}

function errorResponse(error: unknown, log: (message: string) => void): Response {
  if (error instanceof AptTorrentError) return { ok: false, error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) } };
  if (error instanceof ProtocolError) return { ok: false, error: { code: 'E_USAGE', message: `bad request: ${error.message}` } };
  log(`internal error: ${(error as Error)?.stack ?? String(error)}`);
  return { ok: false, error: { code: 'E_INTERNAL', message: (error as Error)?.message ?? String(error) } };
}

/**
 * A socket file left by a daemon that died is removed; one a live daemon
 * answers on means this one must not start; anything that is not a socket
 * is left alone.
 */
async function clearStaleSocket(path: string): Promise<void> {
  let info;
  try {
    info = await lstat(path);
  } catch {
    return;
  }
  if (!info.isSocket()) {
    throw new AptTorrentError('E_SEED_SOCKET', `${path} exists and is not a socket`, { hint: 'seed.socket names a file that is something else: choose another path, or remove it' });
  }
  const alive = await new Promise<boolean>((resolve) => {
    const probe: Server | Socket = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) {
    throw new AptTorrentError('E_SEED_RUNNING', `a seeding daemon already answers on ${path}`, { hint: 'only one `apt-torrent seed` runs at a time: `apt-torrent seeding list` talks to it' });
  }
  await unlink(path);
}

/** The group's id, as NSS knows it (files, LDAP...). */
async function groupId(group: string): Promise<number> {
  const result = await runCapture('getent', ['group', group]).catch(() => undefined);
  const gid = Number(result?.stdout.split(':')[2]);
  if (!result || result.code !== 0 || !Number.isInteger(gid)) {
    throw new AptTorrentError('E_CONFIG', `seed.group: there is no group ${JSON.stringify(group)}`, { hint: 'create it (addgroup --system NAME) or set seed.group to ""' });
  }
  return gid;
}
