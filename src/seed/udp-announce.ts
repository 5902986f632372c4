/**
 * Announces to udp:// trackers (BEP 15) for the seeding daemon: one UDP
 * socket for every tracker (one file descriptor however many torrents),
 * opened on first use; each exchange answered within a deadline or failed
 * (announcer.ts backs off); connection ids kept for their minute.
 */
import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import type { AnnounceAnswer, AnnounceRequest } from '../bittorrent/announce.js';
import { announceRequest, connectRequest, parseConnect, parseUdpAnnounce, transactionOf } from '../bittorrent/udp-tracker.js';

const TIMEOUT_MS = 15_000;
/** BEP 15: a connection id may be used for a minute; a little less, for the clocks. */
const CONNECTION_MS = 55_000;

interface Waiting {
  /** Only the tracker asked may answer: `address:port`. */
  from: string;
  resolve(datagram: Buffer): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class UdpAnnouncer {
  private socket?: Socket;
  private readonly waiting = new Map<number, Waiting>();
  private readonly connections = new Map<string, { id: Buffer; until: number }>();
  private readonly key = randomInt(2 ** 31);

  async announce(tracker: string, request: AnnounceRequest): Promise<AnnounceAnswer> {
    const url = new URL(tracker);
    const port = Number(url.port);
    if (!port) throw new Error('no port in the tracker URL');
    const { address } = await lookup(url.hostname.replace(/^\[|\]$/g, ''), { family: 4 });
    const where = `${address}:${port}`;
    let connection = this.connections.get(where);
    if (!connection || connection.until <= Date.now()) {
      const id = parseConnect(await this.exchange(address, port, (transaction) => connectRequest(transaction)));
      connection = { id, until: Date.now() + CONNECTION_MS };
      this.connections.set(where, connection);
      if (this.connections.size > 100) this.connections.clear();
    }
    const id = connection.id;
    return parseUdpAnnounce(await this.exchange(address, port, (transaction) => announceRequest(id, transaction, request, this.key)));
  }

  close(): void {
    for (const waiting of this.waiting.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(new Error('closed'));
    }
    this.waiting.clear();
    this.socket?.close();
    this.socket = undefined;
  }

  private open(): Socket {
    if (this.socket) return this.socket;
    const socket = createSocket('udp4');
    socket.on('error', () => {});
    socket.on('message', (datagram, from) => {
      const transaction = transactionOf(datagram);
      const waiting = transaction === undefined ? undefined : this.waiting.get(transaction);
      if (!waiting || waiting.from !== `${from.address}:${from.port}` || datagram.length > 2048) return;
      this.waiting.delete(transaction!);
      clearTimeout(waiting.timer);
      waiting.resolve(datagram);
    });
    socket.unref();
    this.socket = socket;
    return socket;
  }

  private exchange(address: string, port: number, packet: (transaction: number) => Buffer): Promise<Buffer> {
    const socket = this.open();
    let transaction = randomInt(2 ** 32);
    while (this.waiting.has(transaction)) transaction = randomInt(2 ** 32);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(transaction);
        reject(new Error(`no answer in ${TIMEOUT_MS / 1000} s`));
      }, TIMEOUT_MS);
      this.waiting.set(transaction, { from: `${address}:${port}`, resolve, reject, timer });
      socket.send(packet(transaction), port, address, (error) => {
        if (!error) return;
        clearTimeout(timer);
        this.waiting.delete(transaction);
        reject(error);
      });
    });
  }
}
