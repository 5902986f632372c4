/**
 * One message of APT's method protocol: a status line (`600 URI Acquire`)
 * and `Field: value` lines, ended by an empty line. Field names compare
 * without regard to case, as APT's own lookup does; a name may repeat
 * (`Config-Item` lines of `601 Configuration`).
 */
export interface MethodMessage {
  code: number;
  text: string;
  fields: Array<[name: string, value: string]>;
}

/** The first value of a field, or undefined. */
export function field(message: MethodMessage, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return message.fields.find(([key]) => key.toLowerCase() === wanted)?.[1];
}

/** Every value of a field, in order. */
export function fieldValues(message: MethodMessage, name: string): string[] {
  const wanted = name.toLowerCase();
  return message.fields.filter(([key]) => key.toLowerCase() === wanted).map(([, value]) => value);
}

/** APT's own spelling of a true flag: `true`, `yes`, `on`, `1`… */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on|with|enable)$/i.test(value.trim());
}
