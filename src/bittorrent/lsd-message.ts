/**
 * Local Service Discovery messages (BEP 14): `BT-SEARCH` announces sent to
 * the multicast group 239.192.152.143:6771. One message may carry several
 * infohashes, so a machine seeding a thousand files announces them in a few
 * dozen datagrams, each kept under a typical LAN MTU.
 */
export const LSD_HOST = '239.192.152.143';
export const LSD_PORT = 6771;
/** Below 1,500 bytes of Ethernet minus IP and UDP headers, with room to spare. */
export const MAX_DATAGRAM = 1400;
const HEAD = 'BT-SEARCH * HTTP/1.1\r\n';

/** Announces for `infoHashes` (hex), as few datagrams as fit under MAX_DATAGRAM. */
export function lsdAnnounces(infoHashes: readonly string[], port: number, cookie: string): Buffer[] {
  const head = `${HEAD}Host: ${LSD_HOST}:${LSD_PORT}\r\nPort: ${port}\r\n`;
  const tail = `cookie: ${cookie}\r\n\r\n\r\n`;
  const messages: Buffer[] = [];
  let lines: string[] = [];
  const flush = () => {
    if (lines.length > 0) messages.push(Buffer.from(head + lines.join('') + tail, 'latin1'));
    lines = [];
  };
  for (const infoHash of infoHashes) {
    const line = `Infohash: ${infoHash}\r\n`;
    if (head.length + tail.length + (lines.length + 1) * line.length > MAX_DATAGRAM) flush();
    lines.push(line);
  }
  flush();
  return messages;
}

export interface LsdAnnounce {
  port: number;
  infoHashes: string[];
  cookie?: string;
}

/** Read a datagram heard on the group; undefined when it is not a BT-SEARCH announce. */
export function parseLsd(datagram: Uint8Array): LsdAnnounce | undefined {
  if (datagram.length > 8192) return undefined;
  const lines = Buffer.from(datagram).toString('latin1').split('\r\n');
  if (lines[0] !== HEAD.trimEnd()) return undefined;
  let port: number | undefined;
  let cookie: string | undefined;
  const infoHashes: string[] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'port' && /^\d{1,5}$/.test(value) && Number(value) > 0 && Number(value) < 65536) port = Number(value);
    else if (name === 'infohash' && /^[0-9a-f]{40}$/i.test(value)) infoHashes.push(value.toLowerCase());
    else if (name === 'cookie') cookie = value;
  }
  if (port === undefined || infoHashes.length === 0) return undefined;
  return { port, infoHashes: infoHashes.slice(0, 64), ...(cookie !== undefined ? { cookie } : {}) };
}
