import { readFileSync } from 'node:fs';

/** A process's memory from /proc: its resident set now and its peak (VmHWM), in MiB. */
export function memoryOf(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** The peak RSS (VmHWM, MiB) of a process, looked at every 20 ms until stop(), which returns the highest seen. */
export function watchPeak(pid: number): { stop(): number } {
  let peak = 0;
  const look = () => {
    try {
      peak = Math.max(peak, memoryOf(pid).peakMiB);
    } catch {
      // exited between two looks
    }
  };
  const timer = setInterval(look, 20);
  look();
  return { stop: () => (clearInterval(timer), peak) };
}
