import { fieldValues, type MethodMessage } from './message.js';

/**
 * APT's configuration as `601 Configuration` hands it over: keys lower-cased,
 * each with its values (list items, `Key::`, collect under the key with the
 * trailing `::`) — the shape `apt-config dump` gives the rest of apt-torrent,
 * so APT's proxy and directory settings are read the same way. Pure.
 */
export type AptSettings = Map<string, string[]>;

/** Undo APT's %XX quoting of a Config-Item key or value (bytes, then UTF-8). */
export function dequote(text: string): string {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  const raw = Buffer.from(text, 'utf8');
  for (let index = 0; index < raw.length; index += 1) {
    const byte = raw[index]!;
    if (byte === 0x25 && index + 2 < raw.length && isHex(raw[index + 1]!) && isHex(raw[index + 2]!)) {
      bytes.push(parseInt(String.fromCharCode(raw[index + 1]!, raw[index + 2]!), 16));
      index += 2;
    } else {
      bytes.push(byte);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function isHex(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

/** The `Config-Item: Key=Value` lines of a 601 message; items without `=` are skipped. */
export function parseConfiguration(message: MethodMessage, into: AptSettings = new Map()): AptSettings {
  for (const item of fieldValues(message, 'Config-Item')) {
    const equals = item.indexOf('=');
    if (equals <= 0) continue;
    const key = dequote(item.slice(0, equals)).toLowerCase();
    const value = dequote(item.slice(equals + 1));
    if (key.endsWith('::')) {
      const list = into.get(key);
      if (list) list.push(value);
      else into.set(key, [value]);
    } else {
      into.set(key, [value]);
    }
  }
  return into;
}

/** The last value of a key, or the fallback. */
export function setting(settings: AptSettings, key: string, fallback = ''): string {
  return settings.get(key.toLowerCase())?.at(-1) ?? fallback;
}

/** A boolean the way APT reads one (`true`, `yes`, `1`…), or the fallback. */
export function flagSetting(settings: AptSettings, key: string, fallback: boolean): boolean {
  const value = settings.get(key.toLowerCase())?.at(-1)?.trim().toLowerCase();
  if (value === undefined) return fallback;
  if (/^(1|true|yes|on|with|enable)$/.test(value)) return true;
  if (/^(0|false|no|off|without|disable)$/.test(value)) return false;
  return fallback;
}

/**
 * A file path as APT's FindFile builds it: a relative value is resolved
 * against the values of its parent keys (`Dir::State::lists` = `lists/`
 * under `Dir::State` under `Dir`), an absolute one stands alone, and
 * `RootDir` goes in front of the result.
 */
export function findFile(settings: AptSettings, key: string, fallback = ''): string {
  const rootDir = setting(settings, 'RootDir');
  const root = rootDir === '' || rootDir.endsWith('/') ? rootDir : `${rootDir}/`;
  let value = setting(settings, key);
  if (value === '') return root + fallback;
  const parts = key.split('::');
  for (let depth = parts.length - 1; depth > 0; depth -= 1) {
    const parent = setting(settings, parts.slice(0, depth).join('::'));
    if (parent === '') continue;
    if (value.startsWith('/')) {
      if (value.startsWith('/dev/null')) value = '/dev/null';
      break;
    }
    if (/^([~.]\/|\.\.\/)/.test(value)) break;
    value = `${parent}${parent.endsWith('/') ? '' : '/'}${value}`;
  }
  return (root + value).replace(/\/\.\//g, '/').replace(/\/{2,}/g, '/');
}

/** A directory as APT's FindDir gives it: FindFile with a trailing slash. */
export function findDir(settings: AptSettings, key: string, fallback = ''): string {
  const path = findFile(settings, key, fallback);
  return path === '' || path.endsWith('/') ? path : `${path}/`;
}
