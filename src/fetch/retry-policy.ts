import { HTTPError, RequestError } from 'got';
import { AptTorrentError } from '../errors.js';
import { TooLargeError } from './hashing-writer.js';
import { RedirectRefusedError } from './redirect-policy.js';

/**
 * What a failed attempt means for the next one:
 * - `retry`: may pass (5xx, 408, 429, resets, timeouts, a body cut short); resume from where we are;
 * - `restart`: keep trying, but from byte zero (the server ignored our Range);
 * - `fatal`: trying again cannot help (404, 403, too many bytes, disk full).
 */
export type FailureKind = 'retry' | 'restart' | 'fatal';

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export function classifyFailure(error: unknown): { kind: FailureKind } {
  if (error instanceof TooLargeError) return { kind: 'fatal' };
  // A redirect APT would refuse, a certificate not accepted, a setting that cannot be used: the same next time.
  if (redirectRefusal(error) || tlsRefusal(error) || error instanceof AptTorrentError) return { kind: 'fatal' };
  if (error instanceof Error && error.name === 'RangeIgnoredError') return { kind: 'restart' };
  if (error instanceof HTTPError) {
    const status = error.response.statusCode;
    if (status === 416) return { kind: 'restart' };
    return { kind: RETRY_STATUS.has(status) ? 'retry' : 'fatal' };
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EROFS' || code === 'EACCES' || code === 'EDQUOT') return { kind: 'fatal' };
  if (error instanceof Error && error.name === 'AbortError') return { kind: 'fatal' };
  if (error instanceof RequestError) return { kind: 'retry' };
  return { kind: 'retry' };
}

/**
 * Exponential backoff: 0.5 s, 1 s, 2 s, 4 s, then 8 s per attempt, so five
 * retries ride out about 15 s of a mirror's trouble.
 */
export function retryDelay(attempt: number): number {
  return Math.min(8000, 500 * 2 ** attempt);
}

/** The refused redirect behind an error (got wraps what its hooks throw), if that is what it is. */
export function redirectRefusal(error: unknown): RedirectRefusedError | undefined {
  if (error instanceof RedirectRefusedError) return error;
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause instanceof RedirectRefusedError ? cause : undefined;
}

/** OpenSSL's codes for a certificate that does not verify (or not for this host, or revoked). */
const CERTIFICATE_CODES = /CERT|SELF_SIGNED|ISSUER|LEAF_SIGNATURE|CRL|ALTNAME|HOSTNAME_MISMATCH/;

/** The certificate check that failed behind an error, if that is what it is: no retry makes it pass. */
export function tlsRefusal(error: unknown): { code: string; message: string } | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !CERTIFICATE_CODES.test(code)) return undefined;
  return { code, message: (error as Error).message };
}
