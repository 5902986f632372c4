import { Socket } from 'node:net';
import type { AuthEntry } from '../apt/auth-conf.js';
import type { Config } from '../config/schema.js';
import type { HandedFile } from './seed-handoff.js';

/**
 * The half of the method that runs as the sandbox user when node could not
 * drop in-process (see sandbox-parent.ts). It is the method's own main.js,
 * started with CHILD_FLAG, speaking APT's protocol with its root parent; it
 * is not root, so it drops nothing itself, and what only root could read
 * comes from the parent over a pipe, never argv or the environment (other
 * users read those in /proc).
 */
export const CHILD_FLAG = '--sandbox-child';
/** The pipe the parent writes Handed to, as JSON, and then closes. */
export const HANDED_FD = 3;
/** The write end of the seed agent's stdin (see seed-agent.ts), when seeding. */
export const SEED_FD = 4;
/** The apt-torrent command's report descriptor (see run-report.ts), when its run has one. */
export const REPORT_FD = 5;
/** Configuration and logins are a few kilobytes; anything past this is not the parent's. */
const MAX_HANDED_BYTES = 4 * 1024 * 1024;

/** What the root parent read for the child. */
export interface Handed {
  config: Config;
  logins: AuthEntry[];
  /** True when SEED_FD is the seed agent's stdin. */
  seeding: boolean;
}

export function isSandboxChild(): boolean {
  return process.argv.slice(2).includes(CHILD_FLAG);
}

/** Read what the parent handed over; rejects when it did not (then the child fetches nothing over BitTorrent). */
export function readHanded(): Promise<Handed> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const pipe = new Socket({ fd: HANDED_FD, readable: true, writable: false });
    pipe.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_HANDED_BYTES) pipe.destroy(new Error('the root parent handed over too much'));
      else chunks.push(chunk);
    });
    pipe.on('error', reject);
    pipe.on('end', () => {
      try {
        const handed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Handed;
        if (typeof handed?.config !== 'object' || handed.config === null || !Array.isArray(handed.logins)) throw new Error('the root parent handed over no configuration');
        resolve({ config: handed.config, logins: handed.logins, seeding: handed.seeding === true });
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}

/** Tells the seed agent the parent started, as startSeedAgent's record does. */
export function seedRecorder(): { record(handed: HandedFile): void } | undefined {
  let pipe: Socket | undefined;
  try {
    pipe = new Socket({ fd: SEED_FD, readable: false, writable: true });
    pipe.on('error', () => (pipe = undefined));
    pipe.unref();
  } catch {
    return undefined;
  }
  return {
    record(handed) {
      pipe?.write(`${JSON.stringify(handed)}\n`);
    },
  };
}
