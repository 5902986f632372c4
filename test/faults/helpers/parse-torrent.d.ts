/** The part of parse-torrent (webtorrent's reader of .torrent files) the fault suite compares against. */
declare module 'parse-torrent' {
  interface ParsedFile {
    path: string;
    name: string;
    length: number;
    offset: number;
  }
  interface Parsed {
    infoHash: string;
    name: string;
    files: ParsedFile[];
    length: number;
  }
  export default function parseTorrent(torrent: Uint8Array): Promise<Parsed>;
}
