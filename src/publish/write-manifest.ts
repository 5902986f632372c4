/**
 * Writing manifest.json and manifest.json.gz. An unchanged manifest (all but
 * its `generated` time) is left as it is: an operator who lists the manifest
 * in a re-signed Release then only needs to re-sign when something changed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';
import { writeFileAtomic } from '../util/atomic-write.js';
import { type Manifest, MANIFEST_NAME, sameContent, serializeManifest } from '../manifest/manifest.js';
import { validateManifest } from '../manifest/validate.js';

const gzipAsync = promisify(gzip);

export interface ManifestWrite {
  path: string;
  changed: boolean;
  manifest: Manifest;
}

/** Write (or keep) the manifest in `dir`; returns what is on disk afterwards. */
export async function writeManifest(dir: string, manifest: Manifest): Promise<ManifestWrite> {
  const path = join(dir, MANIFEST_NAME);
  const existing = await readExisting(path);
  const gzPresent = await readFile(`${path}.gz`).then(() => true, () => false);
  if (existing && sameContent(existing, manifest) && gzPresent) return { path, changed: false, manifest: existing };

  const text = serializeManifest(manifest);
  // Node's gzip header carries no name and mtime 0: same JSON, same .gz bytes.
  const compressed = await gzipAsync(text, { level: constants.Z_BEST_COMPRESSION });
  // The .gz first: a client that sees the new manifest.json finds its copy already there.
  await writeFileAtomic(`${path}.gz`, compressed);
  await writeFileAtomic(path, text);
  return { path, changed: true, manifest };
}

async function readExisting(path: string): Promise<Manifest | undefined> {
  try {
    const check = validateManifest(JSON.parse(await readFile(path, 'utf8')));
    // A manifest with any problem is rewritten, not compared: validation drops bad entries.
    return check.problems.length === 0 ? check.manifest : undefined;
  } catch {
    return undefined;
  }
}
