import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Temporary directories made by this process. Each is removed when the
 * process exits, however its tests ended (a failed assertion skips the rest
 * of a test, not this), so no run leaves one behind; removeTempDir frees one
 * earlier.
 */
const made = new Set<string>();
let hooked = false;

/** A fresh directory `apt-torrent-<name>-XXXXXX` in the temporary directory, removed at exit at the latest. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `apt-torrent-${name}-`));
  if (!hooked) process.once('exit', removeAll);
  hooked = true;
  made.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  made.delete(dir);
}

function removeAll(): void {
  for (const dir of made) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      // A mount point still in use: say so; test/run.sh names what is left.
      process.stderr.write(`cannot remove ${dir}: ${(error as Error).message}\n`);
    }
  }
  made.clear();
}
