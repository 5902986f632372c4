import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BridgeOrders } from './handoff-agent.js';

const BRIDGE = fileURLToPath(new URL('./seed-bridge.js', import.meta.url));

/** Who the bridge runs as, and what bounds its uploads. */
export interface BridgeSpec {
  /** The method's sandbox user; absent when the method itself keeps its ids (APT's `APT::Sandbox::User` root). */
  user?: { uid: number; gid: number };
  /** seed.uploadLimit, bytes per second (0: none). */
  uploadLimit: number;
  /** seed.maxPeers. */
  maxPeers: number;
  /** seed.pauseOnBattery and seed.pauseOnMetered: when they hold now, the bridge serves nothing, as the daemon would not. */
  pauseOnBattery?: boolean;
  pauseOnMetered?: boolean;
}

/** The bridge's niceness: below apt-get's downloads, which it must not slow. */
const BRIDGE_NICE = 10;

/**
 * The seed agent's way to the bridge (seed-bridge.ts): started at once (the
 * agent starts with the method's BitTorrent path, so the bridge has its
 * client up before the first file is done), as the method's user (libuv drops the supplementary groups
 * and sets the ids before node runs), in the agent's process group. Orders
 * go down its stdin; nothing is read back. A bridge that cannot be started
 * costs only its serving.
 */
export function bridgeOrders(spec: BridgeSpec, env: NodeJS.ProcessEnv = process.env): BridgeOrders {
  let child: ChildProcess | undefined;
  // Never a bridge as root (a method APT keeps as root, Debug::NoDropPrivs): it would talk to peers.
  let failed = !spec.user && process.getuid?.() === 0;
  // Orders wait for the one look at power and network the first one brings.
  let gate: Promise<boolean> | undefined;
  let chain: Promise<void> = Promise.resolve();
  const open = () => (gate ??= uploadsAllowed(spec, env));
  const send = (order: object) => {
    chain = chain.then(async () => {
      if (await open()) write(order);
    });
  };
  send({ warm: true });
  const write = (order: object) => {
    if (failed) return;
    if (!child) {
      try {
        child = spawn(process.execPath, [BRIDGE, JSON.stringify({ uploadLimit: spec.uploadLimit, maxPeers: spec.maxPeers })], {
          ...(spec.user ? { uid: spec.user.uid, gid: spec.user.gid } : {}),
          // The agent's working directory may be closed to the user.
          cwd: '/',
          stdio: ['pipe', 'ignore', 'ignore'],
        });
      } catch {
        failed = true;
        return;
      }
      child.on('error', () => (failed = true));
      child.stdin!.on('error', () => (failed = true));
      // It starts while apt-get downloads (loading BitTorrent takes 300 ms of CPU): the download comes first.
      if (child.pid !== undefined) {
        try {
          setPriority(child.pid, BRIDGE_NICE);
        } catch {
          // Only its priority: it still serves.
        }
      }
    }
    child.stdin!.write(`${JSON.stringify(order)}\n`);
  };
  return {
    serve: (file) => send({ serve: file }),
    drop: (infoHash) => send({ drop: infoHash }),
    end: () => {
      chain = chain.then(() => void child?.stdin?.end());
    },
  };
}

async function uploadsAllowed(spec: BridgeSpec, env: NodeJS.ProcessEnv): Promise<boolean> {
  if (!spec.pauseOnBattery && !spec.pauseOnMetered) return true;
  const { sensorsFromEnv, UploadWatch } = await import('../seed/upload-watch.js');
  const watch = new UploadWatch({ pauseOnBattery: spec.pauseOnBattery === true, pauseOnMetered: spec.pauseOnMetered === true }, sensorsFromEnv(env), async () => {}, () => {});
  return (await watch.check().catch(() => ['unknown'])).length === 0;
}
