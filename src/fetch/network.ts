import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Agents } from 'got';
import type { Apt, AptDirectories } from '../apt/apt.js';
import { credentialsFor, parseAuthConf, type AuthEntry } from '../apt/auth-conf.js';
import { proxyFor } from '../apt/proxy.js';
import { keepAliveAgents } from './http.js';

/** How each request reaches the mirror: through which agent (proxy) and with which credentials. */
export interface Network {
  agentsFor(uri: string): Agents;
  headersFor(uri: string): Record<string, string>;
}

/**
 * The network as APT would use it: its proxy settings and its login files.
 * Plain HTTP goes through a proxy as absolute-URI requests (what
 * apt-cacher-ng and squid expect); HTTPS is tunnelled with CONNECT.
 */
export async function aptNetwork(apt: Apt, dirs: AptDirectories, env: NodeJS.ProcessEnv, maxSockets: number, uris: readonly string[]): Promise<Network> {
  const [config, logins] = await Promise.all([apt.dump(), readLogins(dirs)]);
  const direct = keepAliveAgents(maxSockets);
  // Proxy agents are made up front for the URIs of this run, so their modules load only when a proxy is used.
  const proxied = new Map<string, Agents>();
  const proxies = new Set(uris.map((uri) => proxyFor(uri, config, env)).filter((proxy): proxy is string => proxy !== undefined));
  if (proxies.size > 0) {
    const [{ HttpProxyAgent }, { HttpsProxyAgent }] = await Promise.all([import('http-proxy-agent'), import('https-proxy-agent')]);
    const options = { keepAlive: true, maxSockets };
    for (const proxy of proxies) proxied.set(proxy, { http: new HttpProxyAgent(proxy, options), https: new HttpsProxyAgent(proxy, options) });
  }
  return {
    agentsFor(uri) {
      const proxy = proxyFor(uri, config, env);
      return (proxy && proxied.get(proxy)) || direct;
    },
    headersFor(uri): Record<string, string> {
      const login = credentialsFor(uri, logins);
      if (!login) return {};
      return { authorization: `Basic ${Buffer.from(`${login.login}:${login.password}`).toString('base64')}` };
    },
  };
}

/** auth.conf, then auth.conf.d/*.conf in name order; unreadable files are skipped like APT does. */
async function readLogins(dirs: AptDirectories): Promise<AuthEntry[]> {
  const files = [dirs.netrc];
  try {
    const names = (await readdir(dirs.netrcParts)).filter((name) => name.endsWith('.conf')).sort();
    files.push(...names.map((name) => join(dirs.netrcParts, name)));
  } catch {
    // no auth.conf.d
  }
  const entries: AuthEntry[] = [];
  for (const file of files) {
    try {
      entries.push(...parseAuthConf(await readFile(file, 'utf8')));
    } catch {
      // missing or unreadable
    }
  }
  return entries;
}
