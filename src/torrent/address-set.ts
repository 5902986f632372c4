import { isIP } from 'node:net';

/**
 * Peer addresses shut out of a client, as webtorrent's `client.blocked`
 * (it asks `contains(host)` before it connects to a peer; harden.ts makes
 * it ask for peers that connect to us too). webtorrent's own IPSet reads
 * addresses as IPv4 only: an IPv6 address, or an IPv4 one as a dual-stack
 * listener reports it (`::ffff:192.0.2.1`), became an unrelated number, so
 * a ban missed the peer and could hit others. This keeps exact addresses,
 * with IPv4-mapped IPv6 read as the IPv4 address it is.
 */
export class AddressSet {
  private readonly addresses = new Set<string>();

  add(address: string): void {
    const key = canonicalAddress(address);
    if (key) this.addresses.add(key);
  }

  contains(address: string): boolean {
    const key = canonicalAddress(address);
    return key !== undefined && this.addresses.has(key);
  }

  get size(): number {
    return this.addresses.size;
  }
}

/** One spelling per address: IPv4 dotted, IPv4-mapped IPv6 as IPv4, IPv6 lower case; undefined for what is no address. */
export function canonicalAddress(address: string): string | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(bare);
  if (mapped && isIP(mapped[1]!) === 4) return mapped[1];
  const family = isIP(bare);
  if (family === 4) return bare;
  if (family === 6) return bare.toLowerCase();
  return undefined;
}
