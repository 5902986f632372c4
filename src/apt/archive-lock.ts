import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { debuglog } from 'node:util';
import { AptTorrentError } from '../errors.js';
import { runStreaming, type StreamingChild } from '../util/run.js';

const debug = debuglog('apt-torrent');

/**
 * Holds APT's lock the way apt-get does (GetLock in apt-pkg): open with
 * O_CREAT|O_NOFOLLOW, mode 0640, and an fcntl write lock on the whole file.
 * struct flock begins with l_type on every Linux ABI, so a zeroed buffer
 * with only l_type set means "from byte 0 to the end". Named apt-torrent, so
 * that apt-get's "It is held by process N (NAME)" names us. Lets go when
 * its stdin closes: when apt-torrent releases it, exits or is killed.
 */
const HOLDER = `
use strict; use Fcntl;
$0 = 'apt-torrent';
sysopen(my $fh, $ARGV[0], O_RDWR | O_CREAT | O_NOFOLLOW, 0640) or do { print "error $!\\n"; exit 1 };
my $lock = pack('s', F_WRLCK) . ("\\0" x 62);
fcntl($fh, F_SETLK, $lock) or do { print(($!{EAGAIN} || $!{EACCES}) ? "busy\\n" : "error $!\\n"); exit 2 };
$| = 1;
print "locked\\n";
1 while sysread(STDIN, my $byte, 1);
`;

export interface AptLock {
  release(): Promise<void>;
}

/**
 * Take APT's lock on its archive cache (`Dir::Cache::archives/lock`) for as
 * long as apt-torrent writes there, so that apt-get (or unattended-upgrades)
 * and apt-torrent never write into the cache at the same time. Release it
 * before running apt-get, which takes it itself. Refuses at once, naming the
 * holder, when another program has it (apt-get does not wait either).
 * Node has no fcntl locks: a perl child holds it (perl-base is Essential on
 * Debian); without perl, apt-torrent goes on with its own lock only.
 */
export async function lockAptArchives(archives: string, timeoutMs = 10_000): Promise<AptLock> {
  const path = join(archives, 'lock');
  const holder = runStreaming('perl', ['-e', HOLDER, path]);
  // Not unref'd: while release() waits for the holder's exit, nothing else may keep the process alive.
  const answer = await firstLine(holder, timeoutMs);
  if (answer === 'locked') {
    return {
      release: async () => {
        holder.stdin.end();
        await holder.exited.catch(() => {});
      },
    };
  }
  holder.kill();
  if (answer === 'no-perl') {
    debug('perl not found: APT\'s lock on %s is not taken', path);
    return { release: async () => {} };
  }
  if (answer === 'busy') {
    const owner = await lockHolder(path);
    throw new AptTorrentError('E_LOCKED', `could not get APT's lock ${path}: it is held by ${owner ?? 'another process'}`, {
      hint: 'another APT program (apt-get, apt, unattended-upgrades) is using APT\'s archive cache; wait for it to finish, then run apt-torrent again',
    });
  }
  throw new AptTorrentError('E_LOCKED', `could not get APT's lock ${path}: ${answer.replace(/^error /, '')}`, {
    hint: 'apt-torrent writes into APT\'s archive cache: it must be writable (run as root)',
  });
}

/**
 * The holder's answer: its first line (`locked`, `busy`, `error REASON`),
 * `no-perl` when perl cannot be started, or an error when it says nothing in time.
 */
function firstLine(holder: StreamingChild, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    let output = '';
    const timer = setTimeout(() => resolve('error no answer from the lock holder'), timeoutMs);
    const answer = (line: string) => {
      clearTimeout(timer);
      resolve(line);
    };
    holder.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('\n')) answer(output.split('\n')[0]!);
    });
    holder.exited.then(
      () => answer(output.split('\n')[0] || 'error the lock holder exited'),
      (error: NodeJS.ErrnoException) => answer(error.code === 'ENOENT' ? 'no-perl' : `error ${error.message}`),
    );
  });
}

/** "process 1234 (apt-get)", from /proc/locks, as apt-get names the holder of a lock. */
async function lockHolder(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path, { bigint: true });
    const major = ((info.dev >> 8n) & 0xfffn) | ((info.dev >> 32n) & ~0xfffn);
    const minor = (info.dev & 0xffn) | ((info.dev >> 12n) & ~0xffn);
    const id = `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}:${info.ino}`;
    const line = (await readFile('/proc/locks', 'utf8')).split('\n').find((entry) => /\bPOSIX\b/.test(entry) && entry.split(/\s+/)[5] === id);
    const pid = line?.split(/\s+/)[4];
    if (!pid || !/^\d+$/.test(pid)) return undefined;
    const name = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
    return name ? `process ${pid} (${name})` : `process ${pid}`;
  } catch {
    return undefined;
  }
}
