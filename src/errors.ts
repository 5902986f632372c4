/**
 * The one error type of apt-torrent. Every failure a user can meet carries a
 * stable `code` (for scripts and the man page), an exit status, and a hint that
 * names the object at fault and the fix. Only src/main.ts turns it into an exit.
 */

/** Exit statuses; documented in man/apt-torrent.1 under EXIT STATUS. */
export const EXIT = {
  ok: 0,
  /** Bad command line or configuration. */
  usage: 2,
  /** APT could not resolve the request (apt-get said no). */
  resolve: 3,
  /** A download failed after all retries. */
  download: 4,
  /** A downloaded file did not match the SHA256/size in APT's index. */
  verify: 5,
  /** Another apt-torrent run, or APT itself, holds the lock on the archive cache (or it cannot be written). */
  locked: 6,
  /** publish: the archive is incomplete or inconsistent (Release, Packages, pool files), or the output cannot be written. */
  archive: 7,
  /** serve: the server could not start (address in use, no such archive root). */
  serve: 8,
  /** The seeding daemon is not running (nothing listens on its control socket). */
  notRunning: 9,
  /** Seeding: the daemon cannot start (disabled, already running, socket trouble), the control socket refused the user, or the packages named are not seeded. */
  seed: 10,
  /** enable/disable: a sources or apt.conf.d file cannot be read or written, or APT's method for torrent+http is nowhere. */
  sources: 11,
  /** Interrupted by a signal. */
  interrupted: 130,
  /** Anything unexpected: a bug. */
  internal: 70,
} as const;

export type ErrorCode =
  | 'E_USAGE'
  | 'E_CONFIG'
  | 'E_APT_RESOLVE'
  | 'E_APT_PARSE'
  | 'E_APT_CONFIG'
  | 'E_NO_SHA256'
  | 'E_DOWNLOAD'
  | 'E_DISK_FULL'
  | 'E_VERIFY'
  | 'E_LOCKED'
  | 'E_ARCHIVE'
  | 'E_PUBLISH'
  | 'E_SERVE'
  | 'E_NOT_RUNNING'
  | 'E_SEED_DISABLED'
  | 'E_SEED_RUNNING'
  | 'E_SEED_SOCKET'
  | 'E_SEED_DENIED'
  | 'E_NOT_SEEDED'
  | 'E_SOURCES'
  | 'E_NO_METHOD'
  | 'E_INTERRUPTED'
  | 'E_INTERNAL';

const exitFor: Record<ErrorCode, number> = {
  E_USAGE: EXIT.usage,
  E_CONFIG: EXIT.usage,
  E_APT_RESOLVE: EXIT.resolve,
  E_APT_PARSE: EXIT.resolve,
  E_APT_CONFIG: EXIT.resolve,
  E_NO_SHA256: EXIT.verify,
  E_DOWNLOAD: EXIT.download,
  E_DISK_FULL: EXIT.download,
  E_VERIFY: EXIT.verify,
  E_LOCKED: EXIT.locked,
  E_ARCHIVE: EXIT.archive,
  E_PUBLISH: EXIT.archive,
  E_SERVE: EXIT.serve,
  E_NOT_RUNNING: EXIT.notRunning,
  E_SEED_DISABLED: EXIT.seed,
  E_SEED_RUNNING: EXIT.seed,
  E_SEED_SOCKET: EXIT.seed,
  E_SEED_DENIED: EXIT.seed,
  E_NOT_SEEDED: EXIT.seed,
  E_SOURCES: EXIT.sources,
  E_NO_METHOD: EXIT.sources,
  E_INTERRUPTED: EXIT.interrupted,
  E_INTERNAL: EXIT.internal,
};

export class AptTorrentError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown; exitCode?: number } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AptTorrentError';
    this.code = code;
    this.exitCode = options.exitCode ?? exitFor[code];
    this.hint = options.hint;
  }
}

/** Every code with its exit status, for the man page test and `--help`. */
export function errorCodes(): Array<{ code: ErrorCode; exitCode: number }> {
  return (Object.keys(exitFor) as ErrorCode[]).map((code) => ({ code, exitCode: exitFor[code] }));
}
