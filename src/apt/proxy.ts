/**
 * Which proxy a download goes through, decided as APT decides (apt.conf(5)):
 * `Acquire::<scheme>::Proxy::<host>` (a URL or DIRECT), then
 * `Acquire::<scheme>::Proxy`, and only when APT has no setting, the
 * `<scheme>_proxy` environment variable (minus `no_proxy` hosts). Pure.
 */
export function proxyFor(uri: string, aptConfig: ReadonlyMap<string, readonly string[]>, env: NodeJS.ProcessEnv): string | undefined {
  const target = httpTarget(uri);
  if (!target) return undefined;
  const { scheme, host } = target;
  const setting = (key: string) => aptConfig.get(key.toLowerCase())?.at(-1);
  const perHost = setting(`Acquire::${scheme}::Proxy::${host}`);
  if (perHost !== undefined) return direct(perHost) ? undefined : perHost;
  const general = setting(`Acquire::${scheme}::Proxy`);
  if (general !== undefined) return direct(general) ? undefined : general;
  const fromEnv = env[`${scheme}_proxy`] || env[`${scheme.toUpperCase()}_PROXY`];
  if (!fromEnv || bypassed(host, env.no_proxy ?? env.NO_PROXY ?? '')) return undefined;
  return fromEnv;
}

function direct(value: string): boolean {
  return value === '' || value.toUpperCase() === 'DIRECT';
}

/** `no_proxy=example.org,.internal,localhost` — exact hosts and domain suffixes; `*` for all. */
function bypassed(host: string, noProxy: string): boolean {
  return noProxy
    .split(',')
    .map((item) => item.trim().toLowerCase().replace(/^\*?\./, '.'))
    .filter((item) => item !== '')
    .some((item) => item === '*' || host === item.replace(/^\./, '') || (item.startsWith('.') && host.endsWith(item)) || host.endsWith(`.${item}`));
}

/**
 * The command APT runs to find this URI's proxy
 * (`Acquire::<scheme>::Proxy-Auto-Detect`, or its older spelling
 * `ProxyAutoDetect`), as APT's http method decides: only when no proxy is
 * set for the host itself. Undefined when APT would run none. Pure.
 */
export function proxyAutoDetectCommand(uri: string, aptConfig: ReadonlyMap<string, readonly string[]>): string | undefined {
  const target = httpTarget(uri);
  if (!target) return undefined;
  const { scheme, host } = target;
  const setting = (key: string) => aptConfig.get(key.toLowerCase())?.at(-1);
  if (setting(`Acquire::${scheme}::Proxy::${host}`)) return undefined;
  const command = setting(`Acquire::${scheme}::Proxy-Auto-Detect`) || setting(`Acquire::${scheme}::ProxyAutoDetect`);
  return command ? command : undefined;
}

/** The scheme and host APT's proxy settings are keyed by, for http and https URIs only. */
function httpTarget(uri: string): { scheme: 'http' | 'https'; host: string } | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https') return undefined;
  return { scheme, host: url.hostname.toLowerCase() };
}
