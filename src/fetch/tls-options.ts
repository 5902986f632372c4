import { readFileSync } from 'node:fs';
import type { OptionsInit } from 'got';
import type { TlsSettings } from '../apt/tls-settings.js';
import { AptTorrentError } from '../errors.js';

export type HttpsOptions = NonNullable<OptionsInit['https']>;

/**
 * got's TLS options for one host from APT's settings: the CAs of CaInfo
 * instead of the system's, a client certificate and key, revocation lists,
 * and the peer and host checks switched as Verify-Peer and Verify-Host say.
 * A file that cannot be read, or a setting APT refuses, is an error here
 * as in APT: the request is not made with weaker settings instead.
 */
export function tlsOptions(host: string, settings: TlsSettings): HttpsOptions {
  if (settings.refused) {
    throw new AptTorrentError('E_APT_CONFIG', `TLS to ${host}: ${settings.refused}`, { hint: 'change APT\'s configuration (apt-config dump | grep -i acquire::http) as apt-get would need it changed' });
  }
  const read = (path: string, option: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new AptTorrentError('E_APT_CONFIG', `TLS to ${host}: cannot read ${path} (${option} option): ${(error as Error).message}`, {
        hint: `fix Acquire::https::${option} (or Acquire::https::${host}::${option}) in APT's configuration`,
      });
    }
  };
  const options: HttpsOptions = {};
  if (settings.caInfo) options.certificateAuthority = read(settings.caInfo, 'CaInfo');
  if (settings.sslCert) {
    options.certificate = read(settings.sslCert, 'SslCert');
    options.key = read(settings.sslKey ?? settings.sslCert, settings.sslKey ? 'SslKey' : 'SslCert');
  }
  if (settings.crlFile) options.certificateRevocationLists = read(settings.crlFile, 'CrlFile');
  if (!settings.verifyPeer) options.rejectUnauthorized = false;
  // The chain is still checked; only the name in the certificate is not.
  else if (!settings.verifyHost) options.checkServerIdentity = () => undefined;
  return options;
}
