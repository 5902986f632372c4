import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** What was seen of one process, last look first. */
export interface SeenProcess {
  pid: number;
  cmdline: string[];
  /** The `Uid:`, `Gid:` and `Groups:` lines of /proc/PID/status, as numbers. */
  uids: number[];
  gids: number[];
  groups: number[];
  /** True when any look found a TCP socket (v4 or v6) among its descriptors. */
  tcp: boolean;
}

/**
 * Looks at every process `match` picks, every `everyMs`, until stop():
 * who it runs as and whether it holds a TCP socket. For processes that
 * live only as long as a command under test.
 */
export function watchProcesses(match: (pid: number, cmdline: string[], environ: string[]) => boolean, everyMs = 10): { stop(): SeenProcess[] } {
  const seen = new Map<number, SeenProcess>();
  const look = () => {
    let tcpInodes: Set<string> | undefined;
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const pid = Number(name);
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
        if (!match(pid, cmdline, readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0'))) continue;
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const numbers = (line: string) => (new RegExp(`^${line}:(.*)$`, 'm').exec(status)?.[1] ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
        const sockets = readdirSync(`/proc/${pid}/fd`).map((fd) => {
          try {
            return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
          } catch {
            return undefined;
          }
        }).filter((inode): inode is string => inode !== undefined);
        tcpInodes ??= readTcpInodes();
        const before = seen.get(pid);
        seen.set(pid, {
          pid,
          cmdline,
          uids: numbers('Uid'),
          gids: numbers('Gid'),
          groups: numbers('Groups'),
          tcp: (before?.tcp ?? false) || sockets.some((inode) => tcpInodes!.has(inode)),
        });
      } catch {
        // gone meanwhile
      }
    }
  };
  const timer = setInterval(look, everyMs);
  look();
  return {
    stop() {
      clearInterval(timer);
      return [...seen.values()];
    },
  };
}

/** The inodes of this network namespace's TCP sockets. */
function readTcpInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
        const inode = line.trim().split(/\s+/)[9];
        if (inode && inode !== '0') inodes.add(inode);
      }
    } catch {
      // no IPv6
    }
  }
  return inodes;
}
