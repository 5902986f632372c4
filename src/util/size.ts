/**
 * Sizes as users write them: `10MB` (decimal), `10MiB` (binary), `512k`
 * (binary, as dd and APT users expect of a lone letter) or plain bytes.
 */
const units: Record<string, number> = {
  '': 1, b: 1,
  k: 1024, kb: 1000, kib: 1024,
  m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3,
  t: 1024 ** 4, tb: 1000 ** 4, tib: 1024 ** 4,
};

/**
 * Parse a size with an optional unit; returns undefined when it is not one.
 * @example parseSize('10MiB') === 10485760; parseSize('1.5k') === 1536
 */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!match) return undefined;
  const factor = units[match[2]!.toLowerCase()];
  if (factor === undefined) return undefined;
  const bytes = Math.round(Number(match[1]) * factor);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

const seconds: Record<string, number> = { '': 1, s: 1, m: 60, min: 60, h: 3600, d: 86400, w: 604800 };

/**
 * Parse a duration with an optional unit (s, m, h, d, w); returns seconds,
 * or undefined when it is not one.
 * @example parseDuration('12h') === 43200; parseDuration('90') === 90
 */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!match) return undefined;
  const factor = seconds[match[2]!.toLowerCase()];
  if (factor === undefined) return undefined;
  const value = Math.round(Number(match[1]) * factor);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Human-readable bytes in binary units, the way apt prints them (`1,234 kB` aside). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const names = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let index = 0;
  while (value >= 1024 && index < names.length - 1) {
    value /= 1024;
    index += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${names[index]}`;
}

/** Seconds as `1.2 s` or `3m04s`. */
export function formatDuration(ms: number): string {
  const seconds = ms / 1000;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}
