/**
 * Packages indexes come plain, gzip- or xz-compressed. gzip is built into
 * Node; xz is not, and `xz -dc` (xz-utils, priority required on Debian) is
 * faster than any JavaScript decoder, so it is spawned.
 */
import { spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { AptTorrentError } from '../errors.js';

const gunzipAsync = promisify(gunzip);

/**
 * The text of an index whose bytes are already in memory (they were needed
 * for the Release check); `path` names the format by its suffix and the file in errors.
 */
export async function decompressIndex(path: string, bytes: Buffer): Promise<string> {
  try {
    if (path.endsWith('.gz')) return (await gunzipAsync(bytes)).toString('utf8');
    if (path.endsWith('.xz')) return (await unxz(bytes)).toString('utf8');
    return bytes.toString('utf8');
  } catch (error) {
    if (error instanceof AptTorrentError) throw error;
    throw new AptTorrentError('E_ARCHIVE', `cannot decompress ${path}: ${(error as Error).message}`, {
      hint: 'the file is damaged or not what its name says; regenerate the index',
      cause: error,
    });
  }
}

function unxz(bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('xz', ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT'
        ? new AptTorrentError('E_ARCHIVE', 'xz is needed to read Packages.xz but is not installed', { hint: 'apt-get install xz-utils' })
        : error);
    });
    // xz exits early on bad input; the write error that follows is expected.
    child.stdin.on('error', () => {});
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`xz -dc exited with ${code}: ${Buffer.concat(err).toString('utf8').trim()}`));
    });
    child.stdin.end(bytes);
  });
}
