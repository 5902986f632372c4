import { basename } from 'node:path';
import { pieceLengthFor } from '../bittorrent/piece-length.js';
import { formatBytes } from '../util/size.js';
import { checkFacts, label, type SeedFacts } from './entry.js';
import { takePending } from './handover.js';
import { admit } from './policy.js';
import type { Seeder } from './seeder.js';
import { linkIntoStore } from './store.js';

/**
 * A recorded candidate (handover.ts) as facts. Records from before the
 * name and piece length were kept fall back to the cache file's name and
 * the publisher's piece-length rule; the infohash check then decides.
 */
export function candidateFacts(raw: unknown): SeedFacts | string {
  if (raw === null || typeof raw !== 'object') return 'not an object';
  const candidate = raw as Record<string, unknown>;
  const name = typeof candidate.name === 'string' ? candidate.name : typeof candidate.path === 'string' ? basename(candidate.path) : undefined;
  const pieceLength = typeof candidate.pieceLength === 'number' ? candidate.pieceLength : typeof candidate.size === 'number' ? pieceLengthFor(candidate.size) : undefined;
  return checkFacts({ ...candidate, name, pieceLength });
}

/**
 * Take the files install recorded into the store: within the disk budget
 * (idle torrents make room, oldest first), hard-linked from APT's archive
 * cache, then handed to the seeder, which re-hashes each before seeding it.
 * @returns how many files were taken in
 */
export async function ingestPending(stateDir: string, store: string, seeder: Seeder, budget: number, log: (message: string) => void): Promise<number> {
  let taken = 0;
  // A take renames the pending file; installs that write meanwhile make a new one for the next round.
  for (let round = 0; round < 2; round += 1) {
    const { candidates, done } = await takePending(stateDir);
    if (candidates.length === 0) {
      await done();
      break;
    }
    for (const raw of candidates) {
      const facts = candidateFacts(raw);
      const path = (raw as { path?: unknown }).path;
      if (typeof facts === 'string' || typeof path !== 'string') {
        log(`not seeding a recorded file: ${typeof facts === 'string' ? facts : 'no path'}`);
        continue;
      }
      if (seeder.has(facts.infoHash)) continue;
      const room = admit(seeder.budgetViews(), facts.size, budget);
      if (!room.ok) {
        log(`${label(facts)}: not seeded: ${formatBytes(facts.size)} more would exceed seed.diskBudget (${formatBytes(budget)})`);
        continue;
      }
      for (const infoHash of room.evict) await seeder.remove(infoHash, 'idle, making room within seed.diskBudget');
      try {
        const how = await linkIntoStore(store, facts, path);
        if (how === 'copy') log(`${label(facts)}: copied into the store (it is on another filesystem than ${path}, so the disk holds it twice)`);
      } catch (error) {
        log(`${label(facts)}: not seeded: ${(error as Error).message}`);
        continue;
      }
      seeder.add(facts);
      taken += 1;
    }
    await done();
  }
  return taken;
}
