import { oneLine } from '../util/terminal-text.js';

/** What one progress bar shows, already formatted. */
export interface BarFields {
  name: string;
  /** 0 to 1. */
  progress: number;
  done: string;
  total: string;
  speed: string;
  /** `http`, or `torrent 3 peers, 80% peers`. */
  via: string;
  /** `ETA 12s`, or '' when unknown or finished. */
  eta: string;
}

/** Parts that may go when the terminal is narrow, least useful first. */
const DROPPABLE = ['via', 'total', 'speed', 'bar'] as const;
type Droppable = (typeof DROPPABLE)[number];

const NAME_MIN = 12;
const NAME_MAX = 34;

/**
 * One bar's line, fitted to the terminal's width: the name, percentage and
 * ETA always stay (they answer "which file, how far, how long"); the source,
 * the total, the speed and the drawn bar go in that order when the line
 * would not fit, and the name shrinks between 34 and 12 columns before any
 * of them goes. A line longer than the terminal wraps, and every redraw
 * then adds a line: at 100 columns the full form did not fit.
 * @example progressLine({ name: 'x.deb', progress: 0.5, ... }, 80)
 */
export function progressLine(fields: BarFields, columns: number): string {
  const dropped = new Set<Droppable>();
  for (const next of [undefined, ...DROPPABLE]) {
    if (next) dropped.add(next);
    const line = layout(fields, dropped, columns);
    if (line.length <= columns) return line;
  }
  return layout(fields, dropped, columns).slice(0, Math.max(0, columns));
}

function layout(fields: BarFields, dropped: ReadonlySet<Droppable>, columns: number): string {
  const barWidth = columns >= 100 ? 20 : 10;
  const parts: string[] = [];
  if (!dropped.has('bar')) parts.push('█'.repeat(Math.round(fields.progress * barWidth)).padEnd(barWidth, '░'));
  parts.push(`${String(Math.floor(fields.progress * 100)).padStart(3)}%`);
  parts.push(dropped.has('total') ? fields.done.padStart(9) : `${fields.done.padStart(9)}/${fields.total.padEnd(9)}`);
  if (!dropped.has('speed') && fields.speed) parts.push(fields.speed.padStart(11));
  if (!dropped.has('via') && fields.via) parts.push(fields.via);
  if (fields.eta) parts.push(fields.eta);
  const rest = parts.join(' ');
  const nameWidth = Math.max(NAME_MIN, Math.min(NAME_MAX, columns - rest.length - 1));
  return `${fit(oneLine(fields.name), nameWidth)} ${rest}`;
}

/** Exactly `width` columns: padded, or cut with an ellipsis that keeps the name's end (the version). */
function fit(name: string, width: number): string {
  if (name.length <= width) return name.padEnd(width);
  return `…${name.slice(name.length - width + 1)}`;
}
