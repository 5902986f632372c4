import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './net.js';
import { track } from './proc.js';
import { removeTempDir, tempDir } from './temp.js';
import { poll } from './wait.js';

/**
 * nginx serving a directory, as a real mirror does: Range, keep-alive, and
 * an access log with the body bytes of every request. `rateLimit` (e.g.
 * '2m') caps each connection, like a busy mirror. With `netns` it runs in
 * that network namespace on `host`:`port` (80 unless given).
 */
export class Nginx {
  private child?: ChildProcess;
  readonly dir = tempDir('nginx');
  url = '';

  constructor(private readonly root: string, private readonly options: { host?: string; rateLimit?: string; netns?: string; port?: number } = {}) {}

  async start(): Promise<string> {
    const host = this.options.host ?? '127.0.0.1';
    const netns = this.options.netns;
    const port = this.options.port ?? (netns ? 80 : await freePort(host));
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
    // nginx cannot report a port it picked: it gets a free one.
    const args = ['-c', join(this.dir, 'nginx.conf'), '-p', this.dir];
    // `ip netns exec` execs nginx itself: the child is nginx's master, as without it.
    this.child = track(netns ? spawn('ip', ['netns', 'exec', netns, 'nginx', ...args], { stdio: 'ignore' }) : spawn('nginx', args, { stdio: 'ignore' }), 'SIGTERM');
    this.url = `http://${host}:${port}/`;
    // In another namespace this process cannot reach it; nginx writes its pid file once it listens.
    const ready = netns ? () => existsSync(join(this.dir, 'nginx.pid')) : () => reachable(this.url);
    if (await poll(ready, 5000)) return this.url;
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

  /** Stop it and remove its configuration and logs. */
  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child!.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    removeTempDir(this.dir);
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
