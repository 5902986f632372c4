import { readlinkSync, writeSync } from 'node:fs';
import type { ReportLine } from '../config/method-options.js';

/**
 * The method's report to the apt-torrent command that started its apt-get:
 * one JSON line per .deb, on a descriptor the command opened and apt-get
 * passed down (APT::Keep-Fds). A descriptor, not a path: nothing names a
 * file another user could swap for a link, the sandbox user needs no
 * rights anywhere, and only the processes of that one run hold it. Only a
 * pipe or a socket is written to (never stdin, stdout or stderr, nor a
 * regular file an unrelated `-o` might point at), and a write that fails
 * ends the report, never the method. The command takes the lines as
 * figures for its closing line, nothing more.
 */
export class RunReport {
  private fd?: number;

  constructor(fd: number | undefined) {
    if (fd === undefined || fd < 3) return;
    try {
      // What the descriptor is, as the kernel names it (`pipe:[…]`, `socket:[…]`). Not fstatSync: in
      // Node 20, an fstatSync on an inherited pipe made the later import of webtorrent's CommonJS
      // dependencies come out empty (mime.getType is not a function), measured with APT's method start.
      if (/^(pipe|socket):\[\d+\]$/.test(readlinkSync(`/proc/self/fd/${fd}`))) this.fd = fd;
    } catch {
      // Not open: no one to tell.
    }
  }

  get active(): boolean {
    return this.fd !== undefined;
  }

  write(line: ReportLine): void {
    if (this.fd === undefined) return;
    const bytes = Buffer.from(`${JSON.stringify(line)}\n`);
    try {
      // Lines are far below PIPE_BUF: each write lands whole or not at all.
      for (let tries = 0; tries < 50; tries += 1) {
        try {
          writeSync(this.fd, bytes);
          return;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        }
      }
      throw new Error('the reader does not read');
    } catch {
      this.fd = undefined;
    }
  }
}
