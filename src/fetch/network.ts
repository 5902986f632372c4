import { readdir, readFile } from 'node:fs/promises';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { join } from 'node:path';
import type { Agents, BeforeRedirectHook, OptionsInit } from 'got';
import type { Apt, AptDirectories } from '../apt/apt.js';
import { credentialsFor, parseAuthConf, type AuthEntry } from '../apt/auth-conf.js';
import { proxyFor } from '../apt/proxy.js';
import { aptBoolean, authenticatesServer, methodSetting, tlsSettingsFor } from '../apt/tls-settings.js';
import { redirectProblem, RedirectRefusedError } from './redirect-policy.js';
import { tlsOptions, type HttpsOptions } from './tls-options.js';

/** What every got request takes from the network: agent (proxy), TLS, login, redirect rules. */
export type RequestOptions = Required<Pick<OptionsInit, 'agent' | 'headers' | 'https' | 'followRedirect' | 'hooks'>>;

/**
 * How each request reaches the mirror, as APT's own methods would make it.
 * Every got call of the client spreads `requestOptions(uri)` into its
 * options, so that no request (nor any redirect of one) escapes them.
 */
export interface Network {
  requestOptions(uri: string): RequestOptions;
  /** The proxy APT uses for this URI, undefined for a direct connection. */
  proxyFor(uri: string): string | undefined;
  /** True when the server behind this URI proves who it is: https with APT's certificate and host checks on. */
  authenticates(uri: string): boolean;
  /** What makes this network again, in plain data (for a worker thread: see networkFromRecipe). */
  recipe?(): NetworkRecipe;
}

/** A Network's making, as plain data a worker thread can be sent. */
export interface NetworkRecipe {
  maxSockets: number;
  config: Array<[string, readonly string[]]>;
  env: NodeJS.ProcessEnv;
  logins: readonly AuthEntry[];
}

/** The same network as the one the recipe was taken from, made anew (in a worker thread). */
export function networkFromRecipe(recipe: NetworkRecipe): Promise<Network> {
  return networkFrom(new Map(recipe.config), recipe.logins, recipe.env, recipe.maxSockets);
}

/** What a Network is made of; aptNetwork reads it from APT, tests give it directly. */
export interface NetworkSettings {
  maxSockets: number;
  /** APT's configuration (`apt-config dump`, keys lower-cased). */
  config?: ReadonlyMap<string, readonly string[]>;
  env?: NodeJS.ProcessEnv;
  /** Login entries, first match wins; read again at every request (sources add theirs as APT is asked). */
  logins?: () => readonly AuthEntry[];
}

/**
 * The network as APT would use it: its proxy settings, its login files and
 * the logins of its sources, its TLS settings and its redirect rules.
 * Plain HTTP goes through a proxy as absolute-URI requests (what
 * apt-cacher-ng and squid expect); HTTPS is tunnelled with CONNECT.
 */
export async function aptNetwork(apt: Apt, dirs: AptDirectories, env: NodeJS.ProcessEnv, maxSockets: number): Promise<Network> {
  const [config, fileLogins] = await Promise.all([apt.dump(), readLogins(dirs)]);
  // sources.list logins come first, as in APT (auth.conf only fills in a URI without one).
  const logins = () => [...apt.sourceLogins(), ...fileLogins];
  // The proxy agents' modules are loaded only when some proxy is configured at all.
  const anyProxy = [...config.keys()].some((key) => /^acquire::https?::proxy/.test(key)) || ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'].some((name) => env[name]);
  const proxyModules = anyProxy ? await Promise.all([import('http-proxy-agent'), import('https-proxy-agent')]) : undefined;
  return makeNetwork({ maxSockets, config, env, logins }, proxyModules);
}

/**
 * The same from settings already at hand: APT's configuration (keys
 * lower-cased, as `apt-config dump` or a method's `601 Configuration` give
 * it) and the logins read from its auth.conf files.
 */
export async function networkFrom(config: ReadonlyMap<string, readonly string[]>, logins: readonly AuthEntry[], env: NodeJS.ProcessEnv, maxSockets: number): Promise<Network> {
  const anyProxy = [...config.keys()].some((key) => /^acquire::https?::proxy/.test(key)) || ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'].some((name) => env[name]);
  const proxyModules = anyProxy ? await Promise.all([import('http-proxy-agent'), import('https-proxy-agent')]) : undefined;
  return makeNetwork({ maxSockets, config, env, logins: () => logins }, proxyModules);
}

/** No proxy, no logins, APT's defaults for TLS and redirects: for tests and tools outside APT. */
export function directNetwork(maxSockets: number, settings: Omit<NetworkSettings, 'maxSockets'> = {}): Network {
  return makeNetwork({ maxSockets, ...settings }, undefined);
}

type ProxyModules = [typeof import('http-proxy-agent'), typeof import('https-proxy-agent')];

function makeNetwork(settings: NetworkSettings, proxyModules: ProxyModules | undefined): Network {
  const config = settings.config ?? new Map<string, string[]>();
  const env = settings.env ?? {};
  const direct = keepAliveAgents(settings.maxSockets);
  const proxied = new Map<string, Agents>();
  const tlsByHost = new Map<string, HttpsOptions | Error>();

  const proxyOf = (uri: string) => (proxyModules ? proxyFor(uri, config, env) : undefined);
  const agentsFor = (uri: string): Agents => {
    const proxy = proxyOf(uri);
    if (!proxy || !proxyModules) return direct;
    let agents = proxied.get(proxy);
    if (!agents) {
      const [{ HttpProxyAgent }, { HttpsProxyAgent }] = proxyModules;
      const options = { keepAlive: true, maxSockets: settings.maxSockets };
      agents = { http: new HttpProxyAgent(proxy, options), https: new HttpsProxyAgent(proxy, options) };
      proxied.set(proxy, agents);
    }
    return agents;
  };
  /** TLS options for a https URI's host, read once; a setting APT would refuse fails every request to that host. */
  const httpsFor = (url: URL): HttpsOptions => {
    if (url.protocol !== 'https:') return {};
    const host = url.hostname.toLowerCase();
    let options = tlsByHost.get(host);
    if (!options) {
      try {
        options = tlsOptions(host, tlsSettingsFor(host, config));
      } catch (error) {
        options = error as Error;
      }
      tlsByHost.set(host, options);
    }
    if (options instanceof Error) throw options;
    return options;
  };
  const loginHeader = (uri: string): Record<string, string> => {
    const login = credentialsFor(uri, settings.logins?.() ?? []);
    return login ? { authorization: `Basic ${Buffer.from(`${login.login}:${login.password}`).toString('base64')}` } : {};
  };
  const allowRedirect = (url: URL) => {
    const scheme = url.protocol.replace(/:$/, '');
    return aptBoolean(methodSetting(config, url.hostname.toLowerCase(), 'AllowRedirect', scheme === 'https' ? ['https', 'http'] : ['http']), true);
  };

  /**
   * Every redirect: APT's rules first, then all that depends on the URI is
   * derived again for the new one. got itself would keep the login (the
   * Authorization header, or a user:password in the URI) across a redirect
   * to the same host and port under another scheme; here a login goes only
   * where auth.conf or the source names it.
   */
  const beforeRedirect: BeforeRedirectHook = (options, response) => {
    const target = new URL(String(options.url));
    const problem = redirectProblem(response.url, target.href);
    if (problem) throw new RedirectRefusedError(problem);
    options.username = '';
    options.password = '';
    delete options.headers.authorization;
    Object.assign(options.headers, loginHeader(target.href));
    options.agent = agentsFor(target.href);
    options.https = { ...options.https, ...NO_TLS_OPTIONS, ...httpsFor(target) };
  };

  return {
    requestOptions(uri) {
      const url = new URL(uri);
      return {
        agent: agentsFor(uri),
        headers: loginHeader(uri),
        https: httpsFor(url),
        followRedirect: allowRedirect(url),
        hooks: { beforeRedirect: [beforeRedirect] },
      };
    },
    proxyFor: proxyOf,
    recipe: () => ({ maxSockets: settings.maxSockets, config: [...config], env, logins: [...(settings.logins?.() ?? [])] }),
    authenticates: (uri) => authenticatesServer(uri, config),
  };
}

/**
 * Keep-alive agents: many small files from one mirror reuse their
 * connections. Here rather than beside the downloads: making a Network must
 * not load got (about 100 ms), which a run that fetches nothing never needs.
 */
function keepAliveAgents(maxSockets: number): Agents {
  return {
    http: new HttpAgent({ keepAlive: true, maxSockets }),
    https: new HttpsAgent({ keepAlive: true, maxSockets }),
  };
}

/** Every TLS option a redirect may change, unset: a new host's settings replace the old host's whole. */
const NO_TLS_OPTIONS: HttpsOptions = { certificateAuthority: undefined, certificate: undefined, key: undefined, certificateRevocationLists: undefined, rejectUnauthorized: undefined, checkServerIdentity: undefined };

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
