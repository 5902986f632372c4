/**
 * What vouches for a manifest's bytes. Content is never at stake (every
 * file is checked against APT's signed index), but the trackers are: a
 * manifest anyone on the path could change would let them choose the
 * trackers this machine tells what it installs, and the seeder would keep
 * telling them. Pure.
 */
export type TrustReason = 'release' | 'signature' | 'https' | 'local';

export const TRUST_PHRASES: Record<TrustReason, string> = {
  release: 'listed with its SHA256 in the suite\'s signed Release',
  signature: 'signed by a key of manifestKeyring',
  https: 'fetched over https with the certificate checked',
  local: 'a local file',
};

/** Why nothing vouches for a manifest, for messages. */
export const UNTRUSTED_PHRASE = 'not listed in the suite\'s signed Release, not signed, not fetched over checked https';

export interface TrustFacts {
  url: string;
  /** The suite's Release lists it with these very bytes. */
  inRelease: boolean;
  /** manifestKeyring is set and gpgv accepted its signature. */
  signed: boolean;
  /** Fetched over https with APT's certificate and host checks on. */
  authenticated: boolean;
}

/** The strongest reason to trust the manifest, or undefined when there is none. */
export function trustReason(facts: TrustFacts): TrustReason | undefined {
  if (facts.inRelease) return 'release';
  if (facts.signed) return 'signature';
  if (facts.authenticated && /^https:/i.test(facts.url)) return 'https';
  if (/^file:/i.test(facts.url)) return 'local';
  return undefined;
}
