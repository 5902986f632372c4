/**
 * APT's TLS settings for one host (apt-transport-https(1), apt.conf(5)),
 * looked up as APT's https method looks them up: for `KEY`,
 * `Acquire::https::HOST::KEY`, then `Acquire::http::HOST::KEY`, then
 * `Acquire::https::KEY`, then `Acquire::http::KEY` (the https method
 * answers to both names); the first that is set and not empty wins. Pure.
 */
export interface TlsSettings {
  /** A PEM file of the CAs to trust instead of the system's. */
  caInfo?: string;
  /** Check the server's certificate at all (false: any certificate, no name check). */
  verifyPeer: boolean;
  /** With verifyPeer: check that the certificate names the host. */
  verifyHost: boolean;
  /** A client certificate (PEM), and its key (the certificate file when not given). */
  sslCert?: string;
  sslKey?: string;
  /** A PEM file of certificate revocation lists to check against. */
  crlFile?: string;
  /** Why APT would refuse every TLS connection to this host, if it would. */
  refused?: string;
}

type AptConfig = ReadonlyMap<string, readonly string[]>;

/** The value APT's https method finds for `key` on `host`, or undefined. */
export function methodSetting(config: AptConfig, host: string, key: string, schemes: readonly string[] = ['https', 'http']): string | undefined {
  const names = [...schemes.map((scheme) => `${scheme}::${host}`), ...schemes];
  for (const name of names) {
    const value = config.get(`acquire::${name}::${key}`.toLowerCase())?.at(-1);
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/** APT's StringToBool: yes/true/with/on/enable and no/false/without/off/disable, or a number; anything else is the default. */
export function aptBoolean(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const text = value.trim().toLowerCase();
  if (/^\d+$/.test(text)) return Number(text) !== 0;
  if (['yes', 'true', 'with', 'on', 'enable'].includes(text)) return true;
  if (['no', 'false', 'without', 'off', 'disable'].includes(text)) return false;
  return fallback;
}

export function tlsSettingsFor(host: string, config: AptConfig): TlsSettings {
  const find = (key: string) => methodSetting(config, host.toLowerCase(), key);
  const settings: TlsSettings = {
    caInfo: find('CaInfo'),
    verifyPeer: aptBoolean(find('Verify-Peer'), true),
    verifyHost: aptBoolean(find('Verify-Host'), true),
    sslCert: find('SslCert'),
    sslKey: find('SslKey'),
    crlFile: find('CrlFile'),
  };
  // Refused as APT refuses them, rather than silently doing something else.
  if (!aptBoolean(config.get('acquire::allowtls')?.at(-1), true)) settings.refused = 'TLS support has been disabled: Acquire::AllowTLS is false';
  for (const unsupported of ['IssuerCert', 'SslForceVersion']) {
    if (find(unsupported) !== undefined) settings.refused = `the option '${unsupported}' is not supported anymore (APT refuses it too)`;
  }
  return settings;
}

/** True when the server behind this URI proves who it is: https with APT's certificate and host checks on. */
export function authenticatesServer(uri: string, config: AptConfig): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:') return false;
  const tls = tlsSettingsFor(url.hostname.toLowerCase(), config);
  return tls.verifyPeer && tls.verifyHost && tls.refused === undefined;
}
