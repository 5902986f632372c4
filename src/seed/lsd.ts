/**
 * Local Service Discovery (BEP 14) for the seeding daemon: every available
 * torrent is announced to the LAN's multicast group, many infohashes per
 * datagram, every few minutes; and when another machine announces a torrent
 * this one holds (a download starting), this one answers at once with its
 * own announce of it, so the downloader need not wait minutes. Sent with a
 * multicast TTL of 1: the announces stay on the local network segment.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { LSD_HOST, LSD_PORT, lsdAnnounces, parseLsd } from '../bittorrent/lsd-message.js';

/** BEP 14 asks for no more than one announce per torrent per minute; five is plenty for seeds. */
const EVERY_MS = 5 * 60_000;
/** An answer to another machine's announce, per torrent, at most this often. */
const ANSWER_EVERY_MS = 10_000;
/** At most this many answer datagrams a second, whatever is heard. */
const ANSWERS_PER_S = 20;
const GATHER_MS = 1000;
/** The cookie of a seeding daemon's announces. */
const COOKIE_PREFIX = 'apt-torrent-seed-';

export interface LsdOptions {
  /** The port peers reach the daemon on. */
  port: number;
  /** The torrents to announce now (hex infohashes). */
  available(): string[];
  /** True when this torrent is available now. */
  holds(infoHash: string): boolean;
  log(message: string): void;
}

export interface Lsd {
  /** Announce these soon: gathered for a moment, so a start-up's thousand go in a few datagrams. */
  announce(infoHashes: readonly string[]): void;
  close(): Promise<void>;
}

export async function startLsd(options: LsdOptions): Promise<Lsd> {
  const cookie = `${COOKIE_PREFIX}${randomBytes(6).toString('hex')}`;
  const socket: Socket = createSocket({ type: 'udp4', reuseAddr: true });
  const answered = new Map<string, number>();
  let second = 0;
  let answersThisSecond = 0;
  const send = (infoHashes: readonly string[]) => {
    for (const datagram of lsdAnnounces(infoHashes, options.port, cookie)) socket.send(datagram, LSD_PORT, LSD_HOST, () => {});
  };
  socket.on('error', (error) => options.log(`LSD: ${error.message}`));
  socket.on('message', (datagram) => {
    const heard = parseLsd(datagram);
    // Not our own, and not another seeding daemon's: two daemons answering each other would never stop
    // (their periodic announces reach each other anyway).
    if (!heard || heard.cookie?.startsWith(COOKIE_PREFIX)) return;
    const now = Date.now();
    const wanted = heard.infoHashes.filter((infoHash) => options.holds(infoHash) && now - (answered.get(infoHash) ?? 0) >= ANSWER_EVERY_MS);
    if (wanted.length === 0) return;
    if (Math.floor(now / 1000) !== second) {
      second = Math.floor(now / 1000);
      answersThisSecond = 0;
    }
    if (answersThisSecond >= ANSWERS_PER_S) return;
    answersThisSecond += 1;
    for (const infoHash of wanted) answered.set(infoHash, now);
    if (answered.size > 10_000) answered.clear();
    send(wanted);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(LSD_PORT, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.setMulticastTTL(1);
  try {
    socket.addMembership(LSD_HOST);
  } catch (error) {
    // No multicast route (no network yet, say): announces still go out once there is one.
    options.log(`LSD: cannot join ${LSD_HOST} (${(error as Error).message}); announcing only`);
  }
  const timer = setInterval(() => send(options.available()), EVERY_MS);
  timer.unref();
  const gathered = new Set<string>();
  let gathering: NodeJS.Timeout | undefined;
  return {
    announce: (infoHashes) => {
      for (const infoHash of infoHashes) gathered.add(infoHash);
      gathering ??= setTimeout(() => {
        gathering = undefined;
        send([...gathered].filter((infoHash) => options.holds(infoHash)));
        gathered.clear();
      }, GATHER_MS);
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(gathering);
        clearInterval(timer);
        socket.close(() => resolve());
      }),
  };
}
