/**
 * Validators and conditional requests (RFC 9110, 8.8 and 13). Pure.
 * Files are identified by size and mtime, as nginx does, so an ETag changes
 * whenever a file is replaced (e.g. a .torrent rewritten by publish).
 */

export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/** A strong ETag from size and mtime, e.g. `"4a1c2-18c3f2a9b10"`. */
export function etagOf(file: FileStamp): string {
  return `"${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}"`;
}

export function lastModifiedOf(file: FileStamp): string {
  return new Date(Math.floor(file.mtimeMs / 1000) * 1000).toUTCString();
}

/**
 * True when the client's copy is current and 304 Not Modified is the answer.
 * If-None-Match wins over If-Modified-Since when both are present.
 */
export function notModified(headers: { 'if-none-match'?: string; 'if-modified-since'?: string }, file: FileStamp): boolean {
  const etag = etagOf(file);
  const noneMatch = headers['if-none-match'];
  if (noneMatch !== undefined) {
    // Weak comparison: W/ prefixes do not matter here.
    return noneMatch.split(',').map((tag) => tag.trim().replace(/^W\//, '')).some((tag) => tag === '*' || tag === etag);
  }
  const since = headers['if-modified-since'];
  if (since === undefined) return false;
  const date = Date.parse(since);
  return !Number.isNaN(date) && Math.floor(file.mtimeMs / 1000) * 1000 <= date;
}

/**
 * True when a Range request may be honoured: no If-Range, or one that
 * names the current file (strong ETag or its exact Last-Modified date).
 * Otherwise the file changed since the client's partial copy: send it whole.
 */
export function rangeAllowed(ifRange: string | undefined, file: FileStamp): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === etagOf(file);
  return value === lastModifiedOf(file);
}
