import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { AptSettings } from './apt-settings.js';
import type { SandboxUser } from './privileges.js';
import { REPORT_FD_KEY } from '../config/method-options.js';
import { CHILD_FLAG, HANDED_FD, REPORT_FD, type Handed } from './sandbox-child.js';
import { acquireMessage, configurationMessage, MessageFramer } from './sandbox-messages.js';
import type { BatchEntry } from './torrent-batch.js';

const METHOD = fileURLToPath(new URL('./main.js', import.meta.url));

/**
 * The method's way to the sandbox user when node refuses to change its
 * own ids (see becomeUser): the rest of the run goes on in a child started
 * as the user, which libuv makes before it runs node (setgroups to none,
 * setgid, setuid), and this root process stays a relay that touches
 * neither the network nor the peers.
 *
 * Only on that refusal, not always: the drop in-process costs nothing and
 * keeps one process, while a child is one more node start-up (80-110 ms to
 * its first message as _apt, measured on 2 busy cores) and a second load of
 * the method's BitTorrent path (190-280 ms in all), once per run that takes
 * BitTorrent; a run that only redirects (apt-get update) never gets here.
 * Both ways are tested on every node: test/e2e/method-sandbox.test.ts fakes
 * the refusal on this one.
 *
 * This process keeps reading APT's messages and answering those it answers
 * without the network (redirects); every acquire bound for BitTorrent goes
 * to the child, after the settings as a 601 and what root read (`handed`,
 * over a pipe of its own). The child answers through this process, whole
 * message by whole message, so the two never write into each other's
 * messages; its greeting (100 Capabilities) is dropped, APT has had ours.
 * SIGINT and SIGTERM are passed on, and the child's end is this process's
 * end, with its status. The seed agent, when there is one, was started
 * here as root: the child gets the write end of its stdin and writes its
 * lines there itself, and the agent sees that stdin end when the child ends.
 */
export function continueAsUser(options: {
  user: SandboxUser;
  settings: AptSettings;
  env: NodeJS.ProcessEnv;
  handed: Omit<Handed, 'seeding'>;
  seedInput?: Writable;
  /** The report descriptor this process was given (run-report.ts): the child writes its lines for BitTorrent files there. */
  reportFd?: number;
  /** Answer an acquire that cannot reach the child (it could not be started): to the mirror, saying why. */
  fallback(entry: BatchEntry, warning: string): void;
}): { forward(entry: BatchEntry): void } {
  let failed: string | undefined;
  let child: ChildProcess | undefined;
  try {
    // Indexes are the child's descriptors: HANDED_FD, SEED_FD, REPORT_FD.
    const stdio: StdioOptions = ['pipe', 'pipe', 'inherit', 'pipe', options.seedInput ?? 'ignore', options.reportFd ?? 'ignore'];
    child = spawn(process.execPath, [...process.execArgv, METHOD, CHILD_FLAG], {
      uid: options.user.uid,
      gid: options.user.gid,
      // root's working directory may be closed to the user.
      cwd: '/',
      env: options.env,
      stdio,
    });
  } catch (error) {
    failed = (error as Error).message;
  }
  // The child holds its own copy; the agent must see the end of its stdin when the child ends.
  (options.seedInput as { destroy?: () => void } | undefined)?.destroy?.();
  if (!child) return { forward: (entry) => options.fallback(entry, cannotStart(options.user, failed)) };

  const running = child;
  // Until node says the child runs, acquires wait here: one that could not start gets them back.
  let queued: BatchEntry[] | undefined = [];
  running.once('spawn', () => {
    running.stdin!.write(configurationMessage(childSettings(options.settings, options.reportFd)));
    for (const entry of queued!) running.stdin!.write(acquireMessage(entry.acquire));
    queued = undefined;
  });
  running.on('error', (error) => {
    if (!queued) return;
    failed = error.message;
    for (const entry of queued.splice(0)) options.fallback(entry, cannotStart(options.user, failed));
  });
  running.stdin!.on('error', () => {});
  running.stdio[HANDED_FD]!.on('error', () => {});
  (running.stdio[HANDED_FD] as Writable).end(JSON.stringify({ ...options.handed, seeding: options.seedInput !== undefined } satisfies Handed));

  const framer = new MessageFramer();
  let greeted = false;
  running.stdout!.on('data', (chunk: Buffer) => {
    let messages: Buffer[];
    try {
      messages = framer.push(chunk);
    } catch {
      running.kill('SIGKILL');
      return;
    }
    for (const message of messages) {
      if (!greeted && message.subarray(0, 4).toString('latin1') === '100 ') {
        greeted = true;
        continue;
      }
      process.stdout.write(message);
    }
  });
  // Without the child, no acquire it was given can be answered: end as it did, and APT says so.
  // A child that never started has had its acquires back: this process goes on answering with redirects.
  running.on('close', (code) => {
    if (failed === undefined) process.exit(code ?? 100);
  });

  const pass = (signal: NodeJS.Signals) => () => {
    running.kill(signal);
  };
  process.prependListener('SIGINT', pass('SIGINT'));
  process.prependListener('SIGTERM', pass('SIGTERM'));
  process.on('exit', () => {
    if (running.exitCode === null && running.signalCode === null) running.kill('SIGINT');
  });

  return {
    forward(entry) {
      if (failed !== undefined) options.fallback(entry, cannotStart(options.user, failed));
      else if (queued) queued.push(entry);
      else running.stdin!.write(acquireMessage(entry.acquire));
    },
  };
}

/**
 * APT's settings as the child is to see them: the report descriptor is
 * REPORT_FD there, whatever number it had here (the child's own descriptor
 * 3 is the handed pipe), and none at all when this process had none.
 */
function childSettings(settings: AptSettings, reportFd: number | undefined): AptSettings {
  const copy = new Map(settings);
  if (reportFd === undefined) copy.delete(REPORT_FD_KEY);
  else copy.set(REPORT_FD_KEY, [String(REPORT_FD)]);
  return copy;
}

function cannotStart(user: SandboxUser, why: string | undefined): string {
  return `apt-torrent: cannot start the method as ${user.name} (${why ?? 'unknown error'}); fetching it from the mirror`;
}
