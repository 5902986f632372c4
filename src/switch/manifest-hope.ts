/**
 * Which sources an apt-torrent command's apt-get run switches to torrent+:
 * those whose manifest the method would look for, decided as the method
 * decides it (manifest-prospect.ts) from the same files, before apt-get
 * starts. A source the method could only redirect stays on APT's own
 * method, and a run with none such is a plain apt-get run.
 */
import { readFile } from 'node:fs/promises';
import { releaseFilesOf } from '../apt/list-name.js';
import { uriKind } from '../apt/source-entry.js';
import { parseSources } from '../apt/sources-file.js';
import { authenticatesServer } from '../apt/tls-settings.js';
import { manifestUrlFor } from '../fetch/discover.js';
import { methodMayFetchManifest, type MethodManifestSettings } from '../fetch/manifest-prospect.js';
import { manifestInRelease } from '../fetch/release-check.js';
import type { SourcesSnapshot } from './plan-enable.js';
import type { ManifestHope } from './run-copy.js';

export interface HopeSettings extends MethodManifestSettings {
  /** torrent.enabled (false with --no-torrent): the method then redirects every file before any manifest. */
  torrentEnabled: boolean;
  /** APT's lists directory (Dir::State::lists, ending in `/`). */
  lists: string;
  /** APT's configuration (its TLS settings), asked only for an https source. */
  aptConfig(): Promise<ReadonlyMap<string, readonly string[]>>;
}

/** The answer for every plain http(s) source of these files, read once each. */
export async function manifestHope(snapshots: readonly SourcesSnapshot[], settings: HopeSettings): Promise<ManifestHope> {
  const key = (uri: string, suite: string) => `${uri}\0${suite}`;
  const answers = new Map<string, Promise<boolean>>();
  for (const file of snapshots) {
    for (const entry of parseSources(file.text, file.format)) {
      if (entry.problem || uriKind(entry.uri) !== 'http') continue;
      for (const suite of entry.suites) {
        if (!answers.has(key(entry.uri, suite))) answers.set(key(entry.uri, suite), mayHave(entry.uri, suite, settings));
      }
    }
  }
  const known = new Map<string, boolean>();
  for (const [name, answer] of answers) known.set(name, await answer);
  // A source not read here (none is) is switched: the method decides then.
  return (uri, suite) => known.get(key(uri, suite)) ?? true;
}

async function mayHave(uri: string, suite: string, settings: HopeSettings): Promise<boolean> {
  if (!settings.torrentEnabled) return false;
  if (settings.manifestUrl) return true;
  const release = await readFirst(releaseFilesOf(uri, suite, settings.lists));
  // No Release to read (no `apt-get update` yet, a flat repository): switched, and the method decides.
  if (release === undefined) return true;
  const url = manifestUrlFor({ repoUri: uri, release: suite, releaseFiles: [] });
  const authenticated = url.startsWith('https:') && authenticatesServer(url, await settings.aptConfig());
  return methodMayFetchManifest(settings, { listed: manifestInRelease(release) !== undefined, authenticated });
}

/** The first of these files that can be read, as the method reads the suite's InRelease, else its Release. */
async function readFirst(files: readonly string[]): Promise<string | undefined> {
  for (const file of files) {
    try {
      return await readFile(file, 'utf8');
    } catch {
      // the next name
    }
  }
  return undefined;
}
