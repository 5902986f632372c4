import fc from 'fast-check';
import { after } from 'node:test';

/**
 * Property runs per check: the quick count in CI, FULL_FACTOR times it with
 * FAULTS_FULL=1 (`npm run test:faults`). FAULTS_SEED replays a failure.
 */
export const FULL = process.env.FAULTS_FULL === '1';
export const FULL_FACTOR = 40;
const seed = process.env.FAULTS_SEED === undefined ? undefined : Number(process.env.FAULTS_SEED);

/** Longest one parser call may take on fuzzed input before it counts as a hang. */
const SLOW_MS = 1000;

let total = 0;
const perName = new Map<string, number>();

/** Print how many inputs this file tried, once its tests are done. */
export function reportRuns(file: string): void {
  after(() => {
    const detail = [...perName].map(([name, count]) => `${name} ${count}`).join(', ');
    process.stdout.write(`fuzz ${file}: ${total} runs${FULL ? ' (full)' : ''}: ${detail}\n`);
  });
}

/**
 * Check a property over `quick` (CI) inputs; the predicate throws to fail.
 * Every call is timed: a parser that takes more than a second on a few
 * kilobytes is a hang waiting for a bigger input.
 */
export function check<T>(name: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void, quick: number): void {
  const numRuns = FULL ? quick * FULL_FACTOR : quick;
  fc.assert(
    fc.property(arbitrary, (value) => {
      const started = performance.now();
      predicate(value);
      const took = performance.now() - started;
      if (took > SLOW_MS) throw new Error(`took ${Math.round(took)} ms`);
    }),
    { numRuns, ...(seed === undefined ? {} : { seed }) },
  );
  count(name, numRuns);
}

/** The same for a promise-returning predicate. */
export async function checkAsync<T>(name: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => Promise<void>, quick: number): Promise<void> {
  const numRuns = FULL ? quick * FULL_FACTOR : quick;
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      const started = performance.now();
      await predicate(value);
      const took = performance.now() - started;
      if (took > SLOW_MS) throw new Error(`took ${Math.round(took)} ms`);
    }),
    { numRuns, ...(seed === undefined ? {} : { seed }) },
  );
  count(name, numRuns);
}

function count(name: string, runs: number): void {
  total += runs;
  perName.set(name, (perName.get(name) ?? 0) + runs);
}

/** Run `fn`; an error that `allowed` does not accept fails the property with the error itself. */
export function onlyThrows<T>(fn: () => T, allowed: (error: unknown) => boolean): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (allowed(error)) return undefined;
    throw error;
  }
}

/** Strings that have broken parsers before: numbers at and past the limits, path parts, NULs, quotes, escapes. */
export const NASTY = [
  '', ' ', '\t', '\n', '\r', '\r\n', '\0', 'a\0b', '\x1b[31m', '\u202e', '\uFFFD', '\uD800', 'é', '𝄞',
  '0', '-0', '-1', '00', '01', '1.5', '1e3', '0x10', 'NaN', 'Infinity',
  '9007199254740991', '9007199254740992', '18446744073709551616', '9'.repeat(400),
  '.', '..', '/', '../', '../../etc/passwd', 'a/b', '/etc/shadow', '\\', 'C:\\x', '%2e%2e', '%2F', '%00', '%zz',
  "'", '"', ':', '::', '#', '=', '\\\'', "'\\''",
  '__proto__', 'constructor', 'toString', 'hasOwnProperty',
  'x'.repeat(300),
];

/** Bytes that are not UTF-8, decoded the way the program decodes what it reads. */
export const invalidUtf8 = fc
  .uint8Array({ maxLength: 24 })
  .map((bytes) => Buffer.concat([Buffer.from([0xff, 0xc3]), Buffer.from(bytes), Buffer.from([0xe2, 0x82])]).toString('utf8'));

/**
 * Text made of the given structural tokens, nasty strings, random text and
 * broken UTF-8: random enough to reach odd corners, structured enough to
 * get past the first check.
 */
export function soup(tokens: readonly string[], maxParts = 40): fc.Arbitrary<string> {
  return fc
    .array(
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...tokens) },
        { weight: 2, arbitrary: fc.constantFrom(...NASTY) },
        { weight: 1, arbitrary: fc.string({ maxLength: 8, unit: 'binary' }) },
        { weight: 1, arbitrary: invalidUtf8 },
      ),
      { maxLength: maxParts },
    )
    .map((parts) => parts.join(''));
}

/** A string from the nasty list, a plain word, or random text. */
export const anyText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9+.~_-]{0,12}$/) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12, unit: 'binary' }) },
  { weight: 1, arbitrary: invalidUtf8 },
);

/** Time one call on a big input: a guard against quadratic work that small fuzz inputs do not show. */
export function timed<T>(fn: () => T, limitMs: number): T {
  const started = performance.now();
  const result = fn();
  const took = performance.now() - started;
  if (took > limitMs) throw new Error(`took ${Math.round(took)} ms (limit ${limitMs} ms)`);
  return result;
}
