import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/**
 * Check `condition` every `everyMs` until it holds (true) or `timeoutMs`
 * has passed (false): the caller decides whether running out is a failure.
 */
export async function poll(condition: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
}
