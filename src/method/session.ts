import { unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { debuglog } from 'node:util';
import { readAcquire, mirrorUri, type Acquire } from './acquire.js';
import { findDir, parseConfiguration, setting, type AptSettings } from './apt-settings.js';
import { choicesFromApt, type RunChoices } from '../config/method-options.js';
import { RunReport } from './run-report.js';
import { doneHashFields, hashFileAt, verifiedAt } from './file-hashes.js';
import type { MethodMessage } from './message.js';
import { formatMessage, type FieldValue } from './message-writer.js';
import { routeAcquire } from './route.js';
import type { BatchEntry } from './torrent-batch.js';
import type { TorrentSetup } from './torrent-setup.js';

const debug = debuglog('apt-torrent');

/**
 * One run of the method: APT's configuration, then every acquire answered
 * exactly once — 103 Redirect, 200 then 201, or 400. Sends through `send`,
 * one whole message at a time. Only light modules load up front: a redirect
 * needs nothing more, and the BitTorrent path is loaded on first use.
 */
export class MethodSession {
  private readonly settings: AptSettings = new Map();
  private torrents?: Promise<TorrentSetup | undefined>;
  /** Acquires not answered yet, by URI. */
  private readonly open = new Map<string, Acquire>();
  /** URIs that fell back or failed in this run: a retry from APT goes to the mirror at once. */
  private readonly fellBack = new Set<string>();
  /** The apt-torrent command's choices for this run (none under a plain apt-get), read once the configuration is in. */
  private run?: { choices: RunChoices; report: RunReport };

  constructor(private readonly send: (text: string) => void, private readonly env: NodeJS.ProcessEnv) {}

  handle(message: MethodMessage): void {
    if (message.code === 601) {
      parseConfiguration(message, this.settings);
    } else if (message.code === 600) {
      const acquire = readAcquire(message);
      if (!acquire) return this.say(101, 'Log', [['Message', 'apt-torrent: an acquire without URI was ignored']]);
      this.open.set(acquire.uri, acquire);
      this.acquire(acquire).catch((error: unknown) => this.fallback(acquire, `apt-torrent: ${(error as Error).message}; fetching it from the mirror`));
    }
  }

  private async acquire(acquire: Acquire): Promise<void> {
    const route = routeAcquire(acquire, {
      torrentEnabled: this.runChoices().choices.torrent !== false,
      archivesPartial: `${findDir(this.settings, 'Dir::Cache::archives', '/var/cache/apt/archives/')}partial/`,
      lists: findDir(this.settings, 'Dir::State::lists', '/var/lib/apt/lists/'),
    });
    if (route.kind === 'fail') return this.fail(acquire, `apt-torrent: ${route.message}`, false);
    if (route.kind === 'redirect' || this.fellBack.has(acquire.uri)) {
      debug('%s: redirect (%s)', acquire.uri, route.kind === 'redirect' ? route.reason : 'fell back before');
      return this.fallback(acquire);
    }
    const torrents = await (this.torrents ??= this.prepare());
    if (!torrents?.enabled) return this.fallback(acquire);
    const file = await torrents.manifests.match(route.file, route.source);
    if (!file) return this.fallback(acquire);
    torrents.batcher.add({ acquire, file });
  }

  /** The BitTorrent path, or undefined (said once) when it cannot be set up: then every file goes to the mirror. */
  private async prepare(): Promise<TorrentSetup | undefined> {
    const { prepareTorrents } = await import('./torrent-setup.js');
    return prepareTorrents(this.settings, this.env, this.runChoices().choices, {
      warn: (message) => this.say(104, 'Warning', [['Message', message]]),
      answers: {
        // APT's progress for the file then stays at 0 B until the 201: its worker measures the item in
        // flight by stat()ing Filename, and the torrent's data stays in OWN_DIR until the whole file is
        // verified. Writing pieces at Filename instead would leave a file with holes there, which APT's
        // own method, should the file fall back to it, would resume as if it were a prefix.
        start: (entry) => this.say(200, 'URI Start', [['URI', entry.acquire.uri], ['Size', entry.file.size]]),
        done: (entry) => this.done(entry),
        fallback: (entry, warning) => this.fallback(entry.acquire, warning),
        fail: (entry, message, transient) => this.fail(entry.acquire, message, transient),
      },
      unanswered: (entry) => this.fallback(entry.acquire, `apt-torrent: ${entry.file.cacheName} did not come over BitTorrent; fetching it from the mirror`),
    }).catch((error: unknown) => {
      this.say(104, 'Warning', [['Message', `apt-torrent: BitTorrent cannot be set up (${(error as Error).message}); every file comes from the mirror`]]);
      return undefined;
    });
  }

  /**
   * The file is at its Filename, verified by the download. Check it once
   * more where APT will read it, computing every hash APT expects, and only
   * then tell APT it is done. When the very inode the download hashed is
   * there, untouched, its SHA256 is taken as it is: a second read of every
   * byte cost 0.25 s per 256 MiB here, and proved nothing more.
   */
  private async done(entry: BatchEntry): Promise<void> {
    const { acquire } = entry;
    let problem: string;
    try {
      const types = this.reportedHashTypes();
      const check = (entry.verified && types.every((type) => type === 'sha256') && await verifiedAt(acquire.filename, entry.verified)) || await hashFileAt(acquire.filename, types);
      const mismatch = [...acquire.expected].find(([type, value]) => check.hashes.has(type) && check.hashes.get(type) !== value);
      if (check.size === acquire.size && !mismatch) {
        // Reported first: APT may end the run, and this method, as soon as it reads the 201. The seed agent
        // hears first too: its bridge opens the file where it is now and serves it on from there.
        this.runChoices().report.write({ file: entry.file.cacheName, size: check.size, via: 'torrent', peers: entry.bytes?.peers ?? 0, mirror: entry.bytes?.mirror ?? 0 });
        const torrent = entry.file.torrent;
        if (torrent) (await this.torrents)?.seeding?.record({ file: entry.file, infoHash: torrent.infoHash });
        this.say(201, 'URI Done', [['URI', acquire.uri], ['Filename', acquire.filename], ['Size', check.size], ...doneHashFields(check)], acquire.uri);
        return;
      }
      problem = mismatch ? `its ${mismatch[0]} at ${acquire.filename} is not the index's` : `it is ${check.size} bytes at ${acquire.filename}, not ${acquire.size}`;
    } catch (error) {
      problem = `it cannot be checked at ${acquire.filename} (${(error as Error).message})`;
    }
    await unlink(acquire.filename).catch(() => {});
    this.fallback(acquire, `apt-torrent: ${entry.file.cacheName} came over BitTorrent but ${problem}; fetching it from the mirror`);
  }

  /**
   * The hashes a 201 carries besides SHA256 (always computed, and checked).
   * APT compares the types both sides have, and needs one to match and none
   * to differ, so SHA256 is enough; only `Acquire::ForceHash` names another
   * type it must see. Hashing every type the index lists (SHA512, SHA1 and
   * MD5 too) took a second for 256 MiB here.
   */
  private reportedHashTypes(): string[] {
    const forced = setting(this.settings, 'Acquire::ForceHash').toLowerCase();
    return forced ? [forced] : [];
  }

  /** 103 Redirect to the URI without `torrent+`, after a warning saying why when there is one. */
  private fallback(acquire: Acquire, warning?: string): void {
    if (!this.open.has(acquire.uri)) return;
    const to = mirrorUri(acquire.uri);
    if (!to) return this.fail(acquire, `apt-torrent: ${acquire.uri}: not a torrent+http or torrent+https URI`, false);
    this.fellBack.add(acquire.uri);
    if (warning) this.say(104, 'Warning', [['URI', acquire.uri], ['Message', warning]]);
    if (acquire.size !== undefined && acquire.filename.endsWith('.deb')) {
      this.runChoices().report.write({ file: basename(acquire.filename), size: acquire.size, via: 'mirror' });
    }
    this.say(103, 'Redirect', [['URI', acquire.uri], ['New-URI', to]], acquire.uri);
  }

  /** Read on first use: APT sends its configuration before any acquire. */
  private runChoices(): { choices: RunChoices; report: RunReport } {
    if (!this.run) {
      const choices = choicesFromApt((key) => setting(this.settings, key) || undefined);
      this.run = { choices, report: new RunReport(choices.reportFd) };
    }
    return this.run;
  }

  private fail(acquire: Acquire, message: string, transient: boolean): void {
    if (!this.open.has(acquire.uri)) return;
    this.fellBack.add(acquire.uri);
    this.say(400, 'URI Failure', [['URI', acquire.uri], ['Message', message], ['Transient-Failure', transient ? 'true' : undefined]], acquire.uri);
  }

  /** Send one message; `answers` names the acquire it settles for good. */
  private say(code: number, text: string, fields: ReadonlyArray<readonly [string, FieldValue]>, answers?: string): void {
    if (answers !== undefined) this.open.delete(answers);
    this.send(formatMessage(code, text, fields));
  }
}
