/**
 * Packages indexes come plain, gzip- or xz-compressed. gzip is built into
 * Node; xz is not, and `xz -dc` (xz-utils, priority required on Debian) is
 * faster than any JavaScript decoder, so it is spawned.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { AptTorrentError } from '../errors.js';
import { runCapture } from '../util/run.js';

const gunzipAsync = promisify(gunzip);

/**
 * The text of an index whose bytes are already in memory (they were needed
 * for the Release check); `path` names the format by its suffix and the file in errors.
 */
export async function decompressIndex(path: string, bytes: Buffer): Promise<string> {
  try {
    if (path.endsWith('.gz')) return (await gunzipAsync(bytes)).toString('utf8');
    if (path.endsWith('.xz')) return await unxz(bytes);
    return bytes.toString('utf8');
  } catch (error) {
    if (error instanceof AptTorrentError) throw error;
    throw new AptTorrentError('E_ARCHIVE', `cannot decompress ${path}: ${(error as Error).message}`, {
      hint: 'the file is damaged or not what its name says; regenerate the index',
      cause: error,
    });
  }
}

async function unxz(bytes: Buffer): Promise<string> {
  let result;
  try {
    result = await runCapture('xz', ['-dc'], { input: bytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new AptTorrentError('E_ARCHIVE', 'xz is needed to read Packages.xz but is not installed', { hint: 'apt-get install xz-utils' });
  }
  if (result.code !== 0) throw new Error(`xz -dc exited with ${result.code}: ${result.stderr.trim()}`);
  return result.stdout;
}
