/**
 * The part of webtorrent 2.8 that apt-torrent uses. @types/webtorrent
 * describes the 0.x API, which 2.x no longer matches, so this small
 * declaration stands in.
 */
declare module 'webtorrent' {
  import type { EventEmitter } from 'node:events';

  export interface ClientOptions {
    dht?: boolean | object;
    lsd?: boolean;
    utp?: boolean;
    utPex?: boolean;
    natUpnp?: boolean;
    natPmp?: boolean;
    webSeeds?: boolean;
    tracker?: boolean | object;
    torrentPort?: number;
    maxConns?: number;
    downloadLimit?: number;
    uploadLimit?: number;
    blocklist?: string[];
    seedOutgoingConnections?: boolean;
  }

  export interface AddOptions {
    path?: string;
    announce?: string[];
    urlList?: string[];
    maxWebConns?: number;
    storeCacheSlots?: number;
    skipVerify?: boolean;
    paused?: boolean;
    private?: boolean;
    deselect?: boolean;
    /** A chunk store made by the caller, used as it is (abstract-chunk-store: get, put, close, destroy). */
    preloadedStore?: object;
  }

  export interface Wire extends EventEmitter {
    type: 'webSeed' | 'tcpIncoming' | 'tcpOutgoing' | 'utpIncoming' | 'utpOutgoing' | 'webrtc';
    remoteAddress: string;
    remotePort: number;
    downloaded: number;
    uploaded: number;
    destroyed: boolean;
    /** The peer wants pieces from us. */
    peerInterested: boolean;
    /** We refuse to send it pieces (BitTorrent's choke). */
    amChoking: boolean;
    destroy(): void;
  }

  export interface TorrentFile {
    name: string;
    path: string;
    length: number;
    downloaded: number;
  }

  export interface BitField {
    get(index: number): boolean;
  }

  export interface Torrent extends EventEmitter {
    infoHash: string;
    name: string;
    length: number;
    pieceLength: number;
    lastPieceLength: number;
    pieces: unknown[];
    files: TorrentFile[];
    path: string;
    ready: boolean;
    done: boolean;
    paused: boolean;
    destroyed: boolean;
    downloaded: number;
    uploaded: number;
    received: number;
    progress: number;
    downloadSpeed: number;
    uploadSpeed: number;
    numPeers: number;
    wires: Wire[];
    bitfield: BitField;
    addWebSeed(url: string): void;
    addPeer(peer: string): boolean;
    pause(): void;
    resume(): void;
    destroy(options?: { destroyStore?: boolean }, callback?: (error?: Error) => void): void;
  }

  export interface IPSet {
    add(address: string): void;
    contains(address: string): boolean;
  }

  export default class WebTorrent extends EventEmitter {
    constructor(options?: ClientOptions);
    torrents: Torrent[];
    torrentPort: number;
    peerId: string;
    listening: boolean;
    blocked?: IPSet;
    add(torrent: Uint8Array | string, options?: AddOptions, onTorrent?: (torrent: Torrent) => void): Torrent;
    seed(input: string | string[], options?: AddOptions & { name?: string; pieceLength?: number; announceList?: string[][]; urlList?: string[] }, onSeed?: (torrent: Torrent) => void): Torrent;
    get(infoHash: string): Promise<Torrent | null>;
    remove(torrent: Torrent | string, options?: { destroyStore?: boolean }, callback?: (error?: Error) => void): Promise<void>;
    destroy(callback?: (error?: Error) => void): void;
    address(): { address: string; family: string; port: number } | null;
    throttleDownload(rate: number): boolean | void;
    throttleUpload(rate: number): boolean | void;
  }
}
