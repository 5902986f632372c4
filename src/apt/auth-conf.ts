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

/** A URI fit for messages: any user:password part replaced. */
export function redactUri(uri: string): string {
  return uri.replace(/^([a-z+]+:\/\/)[^/@]*@/i, '$1***@');
}
