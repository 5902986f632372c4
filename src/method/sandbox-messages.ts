import { AptTorrentError } from '../errors.js';
import type { Acquire } from './acquire.js';
import type { AptSettings } from './apt-settings.js';
import { MAX_MESSAGE_BYTES } from './message-reader.js';
import { formatMessage, type FieldValue } from './message-writer.js';

/**
 * What the root half of the method tells the child it starts as the
 * sandbox user (see sandbox-parent.ts), in APT's own words: the child
 * reads them with the same reader and session as messages from APT. Pure.
 */

/** APT's settings as a `601 Configuration`, read back by parseConfiguration into the same map. */
export function configurationMessage(settings: AptSettings): string {
  const items: Array<readonly [string, string]> = [];
  for (const [key, values] of settings) {
    for (const value of values) items.push(['Config-Item', `${quote(key, true)}=${quote(value, false)}`]);
  }
  return formatMessage(601, 'Configuration', items);
}

/** An acquire as the `600 URI Acquire` readAcquire reads it from. */
export function acquireMessage(acquire: Acquire): string {
  const fields: Array<readonly [string, FieldValue]> = [['URI', acquire.uri], ['Filename', acquire.filename]];
  for (const [type, value] of acquire.expected) fields.push([`Expected-${type === 'md5sum' ? 'MD5Sum' : type.toUpperCase()}`, value]);
  fields.push(
    ['Expected-Checksum-FileSize', acquire.size],
    ['Target-Repo-URI', acquire.repoUri],
    ['Target-Release', acquire.release],
    ['Target-Type', acquire.type],
    ['Index-File', acquire.indexFile ? 'true' : undefined],
  );
  return formatMessage(600, 'URI Acquire', fields);
}

/**
 * APT's %XX quoting (undone by dequote): `%`, spaces and control characters,
 * and `=` in a key, which would end it. A value keeps its leading and
 * trailing blanks and its newlines, which a field would lose.
 */
function quote(text: string, key: boolean): string {
  return text.replace(key ? /[%=\u0000-\u0020\u007f]/g : /[%\u0000-\u0020\u007f]/g, (char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Cuts the child's stdout into whole messages (each ends with an empty
 * line), so that the root half passes them on one at a time and never
 * splits one of its own into another. It looks for nothing but the empty
 * line: what the child says is passed on as it is, bounded like APT's
 * messages to the method.
 */
export class MessageFramer {
  private held: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    let bytes = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    const whole: Buffer[] = [];
    for (;;) {
      const end = bytes.indexOf('\n\n');
      if (end === -1) break;
      whole.push(bytes.subarray(0, end + 2));
      bytes = bytes.subarray(end + 2);
    }
    if (bytes.length > MAX_MESSAGE_BYTES) throw new AptTorrentError('E_APT_PARSE', `the method's sandboxed child sent a message larger than ${MAX_MESSAGE_BYTES} bytes`);
    this.held = Buffer.from(bytes);
    return whole;
  }
}
