import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Certificates {
  /** The test CA's certificate, as a file (for Acquire::https::CaInfo). */
  caFile: string;
  /** A server certificate for `names`, signed by the CA, and its key (PEM). */
  cert: string;
  key: string;
}

/**
 * A CA of the test's own and a server certificate it signed, made with
 * openssl in `dir` (the caller's temporary directory): nothing of the
 * system's trust store is used or touched.
 * @param altNames subjectAltName entries, e.g. ['IP:127.0.0.1']
 */
export function makeCertificates(dir: string, altNames: readonly string[], prefix = 'server'): Certificates {
  const caFile = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    readFileSync(caFile);
  } catch {
    openssl('req', '-x509', ...ec, '-keyout', caKey, '-out', caFile, '-days', '2', '-subj', '/CN=apt-torrent test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  }
  const key = join(dir, `${prefix}.key`);
  const request = join(dir, `${prefix}.csr`);
  const cert = join(dir, `${prefix}.pem`);
  const extensions = join(dir, `${prefix}.ext`);
  writeFileSync(extensions, `subjectAltName=${altNames.join(',')}\nbasicConstraints=CA:FALSE\n`);
  openssl('req', ...ec, '-keyout', key, '-out', request, '-subj', `/CN=${prefix}`);
  openssl('x509', '-req', '-in', request, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', extensions);
  return { caFile, cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}
