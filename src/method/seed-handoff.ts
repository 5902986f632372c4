import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { PlannedFile } from '../fetch/plan.js';
import type { BridgeSpec } from './bridge-process.js';
import { HandoffAgent, type AgentPlaces } from './handoff-agent.js';

/** A file the method answered with 201, as it tells the agent. */
export interface HandedFile {
  file: PlannedFile;
  infoHash: string;
}

const AGENT = fileURLToPath(new URL('./seed-agent.js', import.meta.url));

/**
 * Start the agent (see seed-agent.ts) while still root. It lives on after
 * the method is ended: it takes each file as the method reports it, and
 * its stdin closing tells it the method is gone. `bridge`: start the bridge
 * (seed-bridge.ts) that serves the files until the daemon announces them.
 */
export function startSeedAgent(where: AgentPlaces & { bridge?: BridgeSpec }): { record(handed: HandedFile): void; input?: Writable } {
  let child: ChildProcess | undefined;
  try {
    const args = [AGENT, where.stateDir, where.socket, where.archives, ...(where.bridge ? [JSON.stringify(where.bridge)] : [])];
    child = spawn(process.execPath, args, { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    child.on('error', () => (child = undefined));
    child.stdin!.on('error', () => (child = undefined));
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
  } catch {
    child = undefined;
  }
  return {
    record(handed) {
      child?.stdin?.write(`${JSON.stringify(handed)}\n`);
    },
    // For a method that goes on in a child as the sandbox user (see sandbox-parent.ts), which writes there itself.
    ...(child?.stdin ? { input: child.stdin } : {}),
  };
}

/** The agent's work over the whole of what a method said, without a bridge: how many files were recorded. */
export async function handOverFromMethod(text: string, where: AgentPlaces): Promise<number> {
  const agent = new HandoffAgent(where);
  for (const line of text.split('\n')) agent.line(line);
  return agent.end();
}
