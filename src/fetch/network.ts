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
export async function aptNetwork(apt: Apt, dirs: AptDirectories, env: NodeJS.ProcessEnv, maxSockets: number): Promise<Network> {
  const [config, logins] = await Promise.all([apt.dump(), readLogins(dirs)]);
  return networkFrom(config, logins, env, maxSockets);
}

/**
 * The same from settings already at hand: APT's configuration (keys
 * lower-cased, as `apt-config dump` or a method's `601 Configuration` give
 * it) and the logins read from its auth.conf files.
 */
export async function networkFrom(config: ReadonlyMap<string, readonly string[]>, logins: readonly AuthEntry[], env: NodeJS.ProcessEnv, maxSockets: number): Promise<Network> {
  const direct = keepAliveAgents(maxSockets);
  // The proxy agents' modules are loaded only when some proxy is configured at all.
  const anyProxy = [...config.keys()].some((key) => /^acquire::https?::proxy/.test(key)) || ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'].some((name) => env[name]);
  const modules = anyProxy ? await Promise.all([import('http-proxy-agent'), import('https-proxy-agent')]) : undefined;
  const proxied = new Map<string, Agents>();
  return {
    agentsFor(uri) {
      const proxy = proxyFor(uri, config, env);
      if (!proxy || !modules) return direct;
      let agents = proxied.get(proxy);
      if (!agents) {
        const [{ HttpProxyAgent }, { HttpsProxyAgent }] = modules;
        const options = { keepAlive: true, maxSockets };
        agents = { http: new HttpProxyAgent(proxy, options), https: new HttpsProxyAgent(proxy, options) };
        proxied.set(proxy, agents);
      }
      return agents;
    },
    headersFor(uri): Record<string, string> {
      const login = credentialsFor(uri, logins);
      if (!login) return {};
      return { authorization: `Basic ${Buffer.from(`${login.login}:${login.password}`).toString('base64')}` };
    },
  };
}

/** auth.conf, then auth.conf.d/*.conf in name order; unreadable files are skipped like APT does. */
export async function readLogins(dirs: Pick<AptDirectories, 'netrc' | 'netrcParts'>): Promise<AuthEntry[]> {
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
