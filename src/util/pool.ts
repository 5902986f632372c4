/**
 * The one bounded worker pool: a few runners, each taking the next item as
 * soon as it is free, so that one long item never holds up the short ones.
 */

/**
 * Call `fn` on every item, at most `limit` calls at a time, items taken in
 * order. After the first failure no further item is started; the calls
 * already running are awaited (so nothing runs on behind the caller's back),
 * then the first failure is thrown. An abort of `signal` likewise starts no
 * further item; when an item was left out because of it, the signal's reason
 * is thrown (unless a failure came first).
 *
 * `items` may be an async iterable that waits for items to come (a queue
 * that grows while the pool runs): runners wait for it in turn.
 */
export async function forEachBounded<T>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  fn: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const iterator: Iterator<T> | AsyncIterator<T> = Symbol.asyncIterator in items
    ? (items as AsyncIterable<T>)[Symbol.asyncIterator]()
    : (items as Iterable<T>)[Symbol.iterator]();
  let failure: { error: unknown } | undefined;
  let exhausted = false;
  const fail = (error: unknown) => {
    failure ??= { error };
  };
  const runner = async () => {
    while (!failure && !exhausted) {
      let next: IteratorResult<T>;
      try {
        next = await iterator.next();
      } catch (error) {
        fail(error);
        return;
      }
      if (next.done) {
        exhausted = true;
        return;
      }
      if (failure) return;
      if (signal?.aborted) {
        fail(signal.reason);
        return;
      }
      try {
        await fn(next.value);
      } catch (error) {
        fail(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(limit)) }, runner));
  // Stopped early: let the source clean up (a generator's finally blocks).
  if (!exhausted) await Promise.resolve(iterator.return?.()).catch(() => {});
  if (failure) throw failure.error;
}

/**
 * The items of a queue, each taken off its front as it is handed out, so
 * that what stays in the queue is what was not started; items pushed
 * meanwhile are handed out too.
 */
export function* drain<T>(queue: T[]): Generator<T> {
  while (queue.length > 0) yield queue.shift()!;
}
