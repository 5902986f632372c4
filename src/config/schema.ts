import { parseDuration, parseSize } from '../util/size.js';

/**
 * The one configuration schema. Each key has a default, a description (the
 * man page apt-torrent.conf(5) is checked against these) and a parser that
 * either returns the value or says what is wrong with it.
 */
export interface KeyDefinition<T> {
  default: T;
  description: string;
  /** The accepted form, for error messages: "a whole number from 1 to 64". */
  expects: string;
  parse(value: unknown): T | undefined;
}

const integer = (min: number, max: number, fallback: number, description: string): KeyDefinition<number> => ({
  default: fallback,
  description,
  expects: `a whole number from ${min} to ${max}`,
  parse: (value) => {
    const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    return typeof number === 'number' && Number.isInteger(number) && number >= min && number <= max ? number : undefined;
  },
});

const size = (fallback: number, description: string): KeyDefinition<number> => ({
  default: fallback,
  description,
  expects: 'a size such as 10MB, 10MiB, 512k or a number of bytes',
  parse: (value) => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : typeof value === 'string' ? parseSize(value) : undefined),
});

const text = (fallback: string, description: string, check: (value: string) => boolean = () => true, expects = 'a string'): KeyDefinition<string> => ({
  default: fallback,
  description,
  expects,
  parse: (value) => (typeof value === 'string' && check(value) ? value : undefined),
});

const flag = (fallback: boolean, description: string): KeyDefinition<boolean> => ({
  default: fallback,
  description,
  expects: 'true or false',
  parse: (value) => (typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : undefined),
});

const decimal = (min: number, max: number, fallback: number, description: string): KeyDefinition<number> => ({
  default: fallback,
  description,
  expects: `a number from ${min} to ${max}`,
  parse: (value) => {
    const number = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    return typeof number === 'number' && Number.isFinite(number) && number >= min && number <= max ? number : undefined;
  },
});

const duration = (fallback: number, description: string): KeyDefinition<number> => ({
  default: fallback,
  description,
  expects: 'a duration such as 90m, 12h, 30d or a number of seconds',
  parse: (value) => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : typeof value === 'string' ? parseDuration(value) : undefined),
});

const choice = <T extends string>(values: readonly T[], fallback: T, description: string): KeyDefinition<T> => ({
  default: fallback,
  description,
  expects: `one of ${values.map((value) => JSON.stringify(value)).join(', ')}`,
  parse: (value) => (typeof value === 'string' && (values as readonly string[]).includes(value) ? (value as T) : undefined),
});

const urlList = (description: string, schemes: RegExp): KeyDefinition<string[]> => ({
  default: [],
  description,
  expects: `a list of URLs (${schemes.source})`,
  parse: (value) => {
    const list = typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : value;
    return Array.isArray(list) && list.every((item) => typeof item === 'string' && schemes.test(item)) ? [...list] : undefined;
  },
});

export const schema = {
  'http.parallel': integer(1, 64, 16, 'How many files are downloaded over HTTP at the same time, each on its own keep-alive connection. APT keeps up to 10 requests in flight on one connection (pipelining); got cannot pipeline, so this many connections hide the round trips instead.'),
  'http.retries': integer(0, 20, 5, 'How many times a failed transfer is tried again (resuming where it stopped) before the file counts as failed. Waits grow from 0.5 s to 8 s.'),
  'http.timeout': integer(1, 3600, 30, 'Seconds a connection may stay silent (connecting, waiting for headers, or mid-body) before the attempt counts as failed and is retried.'),
  'http.lowSpeedLimit': size(1024, 'A transfer slower than this many bytes per second for http.lowSpeedTime seconds counts as stalled and is retried (0 turns the check off).'),
  'http.lowSpeedTime': integer(5, 3600, 60, 'Seconds a transfer may stay under http.lowSpeedLimit before it counts as stalled.'),
  manifest: text('', 'URL (http, https or file) of a manifest to use for every source instead of discovering `dists/<suite>/apt-torrent/manifest.json` beside each; empty to discover.', (value) => value === '' || /^(https?|file):/.test(value), 'an http, https or file URL, or ""'),
  manifestKeyring: text('', 'An OpenPGP keyring (as for gpgv). When set, a manifest is used only if `<manifest URL>.gpg` is a valid detached signature by a key in it.', (value) => value === '' || value.startsWith('/'), 'an absolute path, or ""'),
  'torrent.enabled': flag(true, 'Fetch the files a manifest lists over BitTorrent. false (or --no-torrent) fetches everything over HTTP.'),
  'torrent.trackers': urlList('Trackers to announce to besides those the manifest names.', /^(https?|udp|wss?):\/\//),
  'torrent.untrustedManifests': choice(['own-trackers', 'http', 'all'], 'own-trackers', 'What a manifest nothing vouches for may do. A manifest is trusted when the suite\'s signed Release lists it with its SHA256, when manifestKeyring verifies its signature, when it came over https with APT\'s certificate checks on, or when it is a local file; otherwise (plain http) whoever can change it on the way could choose the trackers this machine tells what it installs. "own-trackers": its files go by BitTorrent announcing only to torrent.trackers, and over HTTP when that list is empty; "http": its files always come over HTTP; "all": it is used as published, trackers included.'),
  'torrent.withProxy': choice(['off', 'on'], 'off', 'When APT reaches a source through a proxy (Acquire::http(s)::Proxy, http_proxy; through the APT method also one found by Acquire::http(s)::Proxy-Auto-Detect): "off" fetches its files over HTTP through the proxy and not by BitTorrent, whose peers, web seed and trackers cannot go through an HTTP proxy; "on" uses BitTorrent anyway, connecting to peers and trackers directly.'),
  'torrent.port': integer(0, 65535, 0, 'TCP port for incoming peers while downloading (0: any free port). apt-torrent listens on all interfaces.'),
  'torrent.dht': flag(false, 'Find peers through the mainline DHT too. Off by default: it reaches beyond the mirror\'s swarm.'),
  'torrent.lsd': flag(false, 'Find peers on the local network (BEP 14, multicast 239.192.152.143:6771), while downloading and, for every seeded package, in the seeding daemon. Off by default: it tells everyone on the network segment, in clear text, the infohash of every package this machine holds or fetches. Turn it on for a home or lab network whose machines share packages.'),
  'torrent.utp': flag(false, 'Also use uTP. Off by default: 20-30x slower than TCP in webtorrent 2.8.'),
  'torrent.maxActive': integer(1, 64, 4, 'How many files are downloaded over BitTorrent at the same time.'),
  'torrent.maxWebConns': integer(1, 32, 8, 'Parallel HTTP connections per file to the mirror acting as web seed.'),
  'torrent.scrape': flag(false, 'Ask the trackers (one scrape each) who is in the swarms before starting BitTorrent, and fetch files of empty swarms over plain HTTP without starting it: saves BitTorrent\'s start-up on a fast, idle mirror, but machines arriving meanwhile cannot see this one and go to the mirror too.'),
  'torrent.webSeedDelay': integer(0, 600, 3, 'Seconds peers get before the mirror is first asked for a file (the mirror sends it at once when the tracker knows nobody else; no peer connected within this long counts as nobody). After that the mirror only tops up what peers cannot deliver before the time plain HTTP would need.'),
  'torrent.minPeerRate': size(1024 * 1024, 'A file still slower than this many bytes per second torrent.stallSeconds past the time plain HTTP would have needed gets its missing pieces over plain HTTP.'),
  'torrent.stallSeconds': integer(1, 3600, 10, 'Seconds without new verified bytes (and no peer connected) before HTTP fills what is missing; with peers connected, four times this.'),
  'torrent.peerWaitSeconds': integer(1, 86400, 120, 'When the mirror cannot serve a file, seconds to keep waiting on silent peers before giving up.'),
  'seed.enabled': flag(false, 'Run the seeding daemon (`apt-torrent seed`) and hand it the files that came by torrent. Off unless you opt in: seeding uploads to other machines.'),
  'seed.socket': text('/run/apt-torrent.sock', 'The seeding daemon\'s control socket (a unix socket), used by `seeding`, `clean` and `install`.', (value) => value.startsWith('/'), 'an absolute path'),
  'seed.group': text('', 'A group whose members may use the control socket besides root (mode 0660); empty: root only (mode 0600).', (value) => value === '' || /^[a-z_][a-z0-9_-]*\$?$/i.test(value), 'a group name, or ""'),
  'seed.uploadLimit': size(1024 * 1024, 'Upload rate of the seeding daemon, in bytes per second over all torrents (0: no limit).'),
  'seed.listenPort': integer(0, 65535, 6881, 'TCP port the seeding daemon listens on for peers, on all interfaces (0: any free port).'),
  'seed.maxActive': integer(1, 10000, 50, 'How many seeded torrents may be awake (loaded in the BitTorrent client, their file open) at once. Every seeded package is announced and available whatever this is: a torrent sleeps until a peer asks for it, and sleeps again a minute after its last peer left.'),
  'seed.maxPeers': integer(1, 500, 20, 'Peer connections per seeded torrent.'),
  'seed.ratio': decimal(0, 1000, 2, 'A torrent goes idle once it has uploaded this many times its size (0: no ratio target).'),
  'seed.seedTime': duration(0, 'A torrent goes idle once it has been seeded this long, e.g. 30d (0: no time target).'),
  'seed.diskBudget': size(10 * 1024 ** 3, 'Most bytes the seeding store may hold. New files that would exceed it first push out idle ones, oldest first, and are not seeded if that is not enough (0: no budget).'),
  'seed.pauseOnMetered': flag(true, 'Pause every upload while the default route goes over a connection NetworkManager marks metered (a phone\'s hotspot, a mobile modem); resume when it no longer does. Checked every 30 s; without NetworkManager nothing counts as metered.'),
  'seed.pauseOnBattery': flag(true, 'Pause every upload while the machine runs on battery (it has one, and no mains or USB supply is online); resume on mains. Checked every 30 s.'),
  'seed.prometheusFile': text('', 'A file the seeding daemon writes its numbers to in Prometheus\'s text format, at start, every minute and at stop, atomically: for node_exporter\'s textfile collector (a name ending in .prom in its directory). Empty: none.', (value) => value === '' || value.startsWith('/'), 'an absolute path, or ""'),
  stateDir: text('/var/lib/apt-torrent', 'Where apt-torrent keeps its own state: the seeding store and its state file, the manifest cache, files waiting for the seeder, and the sources files as they were before `apt-torrent enable`.', (value) => value.startsWith('/'), 'an absolute path'),
} as const;

export type ConfigKey = keyof typeof schema;
export type Config = { [K in ConfigKey]: (typeof schema)[K]['default'] };

export function defaults(): Config {
  return Object.fromEntries(Object.entries(schema).map(([key, definition]) => [key, definition.default])) as Config;
}
