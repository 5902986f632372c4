/**
 * `--listen HOST:PORT` for `serve`. Pure.
 * Accepted: `HOST:PORT`, `[IPv6]:PORT`, `:PORT` and `PORT` (all interfaces),
 * `HOST` alone (port 8080). Port 0 asks the system for a free port; the URL
 * printed on stdout then tells it.
 */

export interface ListenAddress {
  host: string;
  port: number;
}

export const DEFAULT_LISTEN: ListenAddress = { host: '0.0.0.0', port: 8080 };

/**
 * @example parseListen('127.0.0.1:0') // { host: '127.0.0.1', port: 0 }
 * @example parseListen('[::1]:8080') // { host: '::1', port: 8080 }
 */
export function parseListen(text: string): ListenAddress | undefined {
  const trimmed = text.trim();
  let host: string;
  let port: string | undefined;
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(trimmed);
  if (bracketed) {
    host = bracketed[1]!;
    port = bracketed[2];
  } else if (/^\d+$/.test(trimmed)) {
    host = DEFAULT_LISTEN.host;
    port = trimmed;
  } else {
    const colon = trimmed.lastIndexOf(':');
    // More than one colon without brackets would be an ambiguous IPv6 address.
    if (colon !== trimmed.indexOf(':')) return undefined;
    host = colon === -1 ? trimmed : trimmed.slice(0, colon) || DEFAULT_LISTEN.host;
    port = colon === -1 ? undefined : trimmed.slice(colon + 1);
    if (!/^[a-zA-Z0-9.-]+$/.test(host)) return undefined;
  }
  const number = port === undefined ? DEFAULT_LISTEN.port : Number(port);
  if (port !== undefined && !/^\d+$/.test(port)) return undefined;
  if (!Number.isInteger(number) || number < 0 || number > 65535) return undefined;
  return { host, port: number };
}

/** The host part of a URL for an address (IPv6 in brackets). */
export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** True for the "every interface" addresses, which are no use in a URL. */
export function isUnspecified(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}
