/**
 * Whether a mirror's answer to a web seed's Range request is the range
 * asked for. Pure.
 *
 * A piece is only ever read into memory as long as it was asked for; an
 * answer that is not that range is refused before its body is read:
 * - 206 with `Content-Range: bytes START-END/TOTAL` naming exactly the range
 *   asked and the torrent's length (or `*`);
 * - 200 only when the whole file was asked for (a server may ignore Range);
 * - a Content-Length, when given, equal to the range's length;
 * - no content coding (the bytes of a range are the file's, not gzip's).
 * `wrong` marks the answers that can never become right by asking again (a
 * mirror that ignores Range, answers another range or file, or compresses);
 * other statuses (404, 5xx) may pass, and are left to the fetch policy.
 */

export interface RangeAsked {
  /** First and last byte, inclusive, within the file. */
  start: number;
  end: number;
  /** The file's length, as the torrent says. */
  total: number;
}

export interface RangeAnswerHead {
  status: number;
  contentRange?: string | null;
  contentLength?: string | null;
  contentEncoding?: string | null;
}

export type RangeVerdict = { ok: true } | { ok: false; wrong: boolean; reason: string };

const CONTENT_RANGE = /^bytes (\d{1,16})-(\d{1,16})\/(\d{1,16}|\*)$/;

export function checkRangeAnswer(head: RangeAnswerHead, asked: RangeAsked): RangeVerdict {
  const range = `bytes ${asked.start}-${asked.end}`;
  const wrong = (reason: string): RangeVerdict => ({ ok: false, wrong: true, reason });
  if (head.status === 200) {
    if (asked.start !== 0 || asked.end !== asked.total - 1) return wrong(`answered 200 (the whole file) to a Range request for ${range}: the mirror ignores Range`);
  } else if (head.status === 206) {
    const match = CONTENT_RANGE.exec(head.contentRange?.trim() ?? '');
    if (!match) return wrong(`answered 206 to ${range} with ${head.contentRange ? `Content-Range ${JSON.stringify(head.contentRange.slice(0, 80))}` : 'no Content-Range'}`);
    const [, start, end, total] = match;
    if (Number(start) !== asked.start || Number(end) !== asked.end) return wrong(`answered ${range} with bytes ${start}-${end}`);
    if (total !== '*' && Number(total) !== asked.total) return wrong(`says the file has ${total} bytes, the torrent ${asked.total}`);
  } else if (head.status >= 200 && head.status < 300) {
    return wrong(`answered ${head.status} to a Range request for ${range}`);
  } else {
    return { ok: false, wrong: false, reason: `HTTP status ${head.status}` };
  }
  const encoding = head.contentEncoding?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') return wrong(`sent ${range} with Content-Encoding ${JSON.stringify(encoding.slice(0, 40))}`);
  if (head.contentLength != null && head.contentLength.trim() !== String(asked.end - asked.start + 1)) {
    return wrong(`declared ${JSON.stringify(head.contentLength.slice(0, 40))} bytes for ${range} (${asked.end - asked.start + 1} bytes)`);
  }
  return { ok: true };
}
