/**
 * APT's login files (apt_auth.conf(5)): /etc/apt/auth.conf and
 * auth.conf.d/*.conf, netrc-like. Pure: text in, entries out; matching as
 * APT does it. Credentials found here are sent, never printed or logged.
 */
export interface AuthEntry {
  /** `http`, `https`…; undefined means the entry only applies to https (as in APT). */
  scheme?: string;
  host: string;
  port?: string;
  /** Path prefix the URI must start with ('' for any). */
  path: string;
  login: string;
  password: string;
}

/** Parse one file: tokens separated by any white space; unknown tokens ignored. */
export function parseAuthConf(text: string): AuthEntry[] {
  const tokens = text.split(/\s+/).filter((token) => token !== '');
  const entries: AuthEntry[] = [];
  let current: AuthEntry | undefined;
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index]!;
    const value = tokens[index + 1];
    if (token === 'machine' && value !== undefined) {
      current = { ...parseMachine(value), login: '', password: '' };
      entries.push(current);
      index += 1;
    } else if ((token === 'login' || token === 'password') && value !== undefined && current) {
      current[token] = value;
      index += 1;
    }
  }
  return entries;
}

function parseMachine(text: string): Omit<AuthEntry, 'login' | 'password'> {
  const match = /^(?:([a-z+]+):\/\/)?([^/:]+)(?::(\d+))?(\/.*)?$/i.exec(text);
  if (!match) return { host: text, path: '' };
  return { scheme: match[1]?.toLowerCase(), host: match[2]!.toLowerCase(), port: match[3], path: match[4] ?? '' };
}

/** The first entry that matches the URI, the way APT looks them up. */
export function credentialsFor(uri: string, entries: readonly AuthEntry[]): { login: string; password: string } | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  const scheme = url.protocol.replace(/:$/, '');
  const port = url.port || (scheme === 'https' ? '443' : '80');
  for (const entry of entries) {
    if (entry.scheme ? entry.scheme !== scheme : scheme !== 'https' && scheme !== 'tor+https') continue;
    if (entry.host !== url.hostname.toLowerCase()) continue;
    if (entry.port && entry.port !== port) continue;
    if (entry.path && !url.pathname.startsWith(entry.path)) continue;
    return { login: entry.login, password: entry.password };
  }
  return undefined;
}

/**
 * A URI without its `user:password@` part, and that login as an entry
 * matching the URI's scheme, host, port and path (and what lies below it):
 * sources.list may embed a login in a source's URI, which must then be sent
 * as APT sends it, but never printed or stored with the URI.
 * @example splitLogin('http://u:p@host/debian/') // { uri: 'http://host/debian/', entry: { scheme: 'http', host: 'host', port: '80', path: '/debian/', login: 'u', password: 'p' } }
 */
export function splitLogin(uri: string): { uri: string; entry?: AuthEntry } {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@/i.exec(uri);
  if (!match) return { uri };
  const bare = match[1]! + uri.slice(match[0].length);
  let url: URL;
  try {
    url = new URL(bare);
  } catch {
    return { uri: bare };
  }
  const [login = '', ...rest] = match[2]!.split(':');
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  const entry: AuthEntry = {
    scheme,
    host: url.hostname.toLowerCase(),
    port: url.port || (scheme === 'https' ? '443' : '80'),
    path: url.pathname,
    login: decodeLogin(login),
    password: decodeLogin(rest.join(':')),
  };
  return { uri: bare, entry };
}

function decodeLogin(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A URI fit for messages: any user:password part replaced. */
export function redactUri(uri: string): string {
  return uri.replace(/^([a-z+]+:\/\/)[^/@]*@/i, '$1***@');
}
