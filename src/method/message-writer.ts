import { AptTorrentError } from '../errors.js';

/** What APT accepts in a status text and a field name: letters, digits, space and hyphen. */
const NAME = /^[A-Za-z0-9 -]+$/;
/** Control characters: a newline would end the field (or the message) early and let text forge fields. */
const CONTROL = /[\u0000-\u001f\u007f]/g;
/** Half of a UTF-16 pair: it cannot be written as UTF-8, so it goes as U+FFFD, which is what APT would read. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export type FieldValue = string | number | boolean | undefined;

/**
 * One message to APT. Values are made safe here, whatever their origin (a
 * URI, a server's error text): every control character becomes a space, so
 * no value can end its line and inject a field or a message. Empty and
 * undefined values are left out, as APT's own methods do. A bad status text
 * or field name is a programming error and throws. Pure.
 */
export function formatMessage(code: number, text: string, fields: ReadonlyArray<readonly [string, FieldValue]> = []): string {
  if (!Number.isInteger(code) || code < 100 || code > 999) throw new AptTorrentError('E_INTERNAL', `not a method message code: ${code}`);
  if (!NAME.test(text)) throw new AptTorrentError('E_INTERNAL', `not a method message text: ${JSON.stringify(text)}`);
  let message = `${code} ${text}\n`;
  for (const [name, raw] of fields) {
    if (!NAME.test(name) || name.trim() !== name) throw new AptTorrentError('E_INTERNAL', `not a method field name: ${JSON.stringify(name)}`);
    if (raw === undefined) continue;
    const value = safeValue(String(raw));
    if (value === '') continue;
    message += `${name}: ${value}\n`;
  }
  return `${message}\n`;
}

/** A value as it travels: one line of valid UTF-8, no control characters, no surrounding blanks (APT trims them anyway). */
export function safeValue(value: string): string {
  return value.replace(CONTROL, ' ').replace(LONE_SURROGATE, '\uFFFD').trim();
}
