import { redactUri } from '../apt/auth-conf.js';

/**
 * Which redirects a download may follow: the rules of APT's http and https
 * methods. The same scheme, or http to https, is followed; anything else
 * (https to http above all: a downgrade that would send the request, and
 * any login, in clear) is refused, as is a redirect back to the same URI
 * or to a scheme naming an implementation (`torrent+http:`). Pure.
 * @returns why the redirect is refused, or undefined to follow it
 * @example redirectProblem('https://m/a.deb', 'http://m/a.deb')
 *   // "redirection from https to 'http://m/a.deb' is forbidden (asked for https://m/a.deb)"
 */
export function redirectProblem(from: string, to: string): string | undefined {
  let source: URL;
  let target: URL;
  try {
    source = new URL(from);
    target = new URL(to);
  } catch {
    return `the server redirected ${redactUri(from)} to an address that is not a URL`;
  }
  const fromScheme = source.protocol.replace(/:$/, '');
  const toScheme = target.protocol.replace(/:$/, '');
  const asked = `(asked for ${redactUri(from)})`;
  if (toScheme.includes('+')) return `the server tried to choose an implementation (${toScheme}) by redirecting to '${redactUri(to)}' ${asked}`;
  if (withoutLogin(source) === withoutLogin(target)) return `redirection loop: ${redactUri(from)} redirects to itself`;
  if (toScheme === fromScheme || (fromScheme === 'http' && toScheme === 'https')) return undefined;
  return `redirection from ${fromScheme} to '${redactUri(to)}' is forbidden ${asked}`;
}

/**
 * A redirect answer that reached the caller because redirects are off
 * (Acquire::http::AllowRedirect false): an error, as in APT, not a body.
 */
export function unfollowedRedirect(status: number, location: string | undefined, uri: string): RedirectRefusedError | undefined {
  if (status < 300 || status >= 400 || status === 304) return undefined;
  return new RedirectRefusedError(`HTTP ${status}: ${redactUri(uri)} redirects to '${redactUri(location ?? '')}', and APT's AllowRedirect is off`);
}

function withoutLogin(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

/** A redirect the rules above refuse: no retry can make it acceptable. */
export class RedirectRefusedError extends Error {
  readonly code = 'ERR_REDIRECT_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'RedirectRefusedError';
  }
}
