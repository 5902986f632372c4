import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on a loopback address (nginx cannot report the one it picked). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * nginx serving a directory, as a real mirror does: Range, keep-alive, and
 * an access log with the body bytes of every request. `rateLimit` (e.g.
 * '2m') caps each connection, like a busy mirror.
 */
export class Nginx {
  private child?: ChildProcess;
  readonly dir = mkdtempSync(join(tmpdir(), 'apt-torrent-nginx-'));
  url = '';

  constructor(private readonly root: string, private readonly options: { host?: string; rateLimit?: string } = {}) {}

  async start(): Promise<string> {
    const host = this.options.host ?? '127.0.0.1';
    const port = await freePort(host);
    mkdirSync(join(this.dir, 'tmp'), { recursive: true });
    const config = `
daemon off;
user root;
worker_processes 1;
pid ${this.dir}/nginx.pid;
error_log ${this.dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log ${this.dir}/access.log;
  log_format bytes '$request_uri $status $body_bytes_sent';
  client_body_temp_path ${this.dir}/tmp;
  proxy_temp_path ${this.dir}/tmp;
  fastcgi_temp_path ${this.dir}/tmp;
  uwsgi_temp_path ${this.dir}/tmp;
  scgi_temp_path ${this.dir}/tmp;
  sendfile on;
  types { application/vnd.debian.binary-package deb; }
  default_type application/octet-stream;
  server {
    listen ${host}:${port};
    root ${this.root};
    access_log ${this.dir}/bytes.log bytes;
    ${this.options.rateLimit ? `limit_rate ${this.options.rateLimit};` : ''}
    autoindex on;
  }
}
`;
    writeFileSync(join(this.dir, 'nginx.conf'), config);
    this.child = spawn('nginx', ['-c', join(this.dir, 'nginx.conf'), '-p', this.dir], { stdio: 'ignore' });
    this.url = `http://${host}:${port}/`;
    for (let tries = 0; tries < 100; tries += 1) {
      if (await reachable(this.url)) return this.url;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`nginx did not start; see ${this.dir}/error.log`);
  }

  /** Body bytes nginx sent for request paths ending in `suffix`. */
  bytesServed(suffix = ''): number {
    let total = 0;
    let log = '';
    try {
      log = readFileSync(join(this.dir, 'bytes.log'), 'utf8');
    } catch {
      return 0;
    }
    for (const line of log.split('\n')) {
      const [uri, , bytes] = line.split(' ');
      if (uri && uri.endsWith(suffix)) total += Number(bytes) || 0;
    }
    return total;
  }

  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child!.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

async function reachable(url: string): Promise<boolean> {
  try {
    await fetch(url, { method: 'HEAD' });
    return true;
  } catch {
    return false;
  }
}
