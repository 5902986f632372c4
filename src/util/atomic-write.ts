import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Write a whole file so that readers see the old bytes or the new ones,
 * never a half-written file: a web server may hand out a .torrent or a
 * manifest at any moment. The temporary name is unique per call, so two
 * writers of the same path do not trample each other's temp file.
 * @example await writeFileAtomic('/srv/x.deb.torrent', bytes);
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temporary, data, { mode: 0o644 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
