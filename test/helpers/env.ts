/**
 * Variables of the caller's shell that would change what APT or apt-torrent
 * do: proxies (a `no_proxy` or `http_proxy` there reroutes the loopback
 * mirror), another APT configuration, apt-torrent's own, locale settings
 * (APT's messages are matched in English), Node options.
 */
const DROPPED = /^(?:(?:http|https|ftp|all|no)_proxy|APT_CONFIG|APT_TORRENT_.*|LANGUAGE|LC_.*|NODE_OPTIONS)$/i;

/** Where a test's apt-torrent looks for configuration unless the test says otherwise: nowhere. */
const NO_CONFIG = '/nonexistent/apt-torrent-tests';

/**
 * The environment for every program a test starts: the caller's, minus
 * DROPPED, with a fixed locale, no system or user apt-torrent
 * configuration, and a seeding daemon that finds no battery and no
 * NetworkManager (so the machine running the tests cannot pause its
 * uploads); `extra` on top.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!DROPPED.test(name)) env[name] = value;
  return {
    ...env,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    APT_TORRENT_SYSCONFDIR: `${NO_CONFIG}/etc`,
    XDG_CONFIG_HOME: `${NO_CONFIG}/xdg`,
    APT_TORRENT_SYS: `${NO_CONFIG}/sys`,
    APT_TORRENT_NMCLI: `${NO_CONFIG}/nmcli`,
    ...extra,
  };
}
