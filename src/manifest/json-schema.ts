/**
 * A small JSON Schema (draft 2020-12) interpreter: the keywords the manifest
 * schema uses, so that manifests/manifest.schema.json is the one statement of
 * the manifest's rules. Pure.
 *
 * A general validator library (ajv) costs about 100 ms to import and compile
 * at start-up; this costs well under one. A keyword it does not know makes
 * `compileSchema` throw, so the schema cannot grow a rule that is silently
 * ignored here.
 *
 * Problems come one per failing place, in the order of the schema's
 * `properties`, each as "expected <what the schema asks for>, got <value>".
 * A missing required field is reported at the field, as "got nothing".
 */
import { AptTorrentError } from '../errors.js';
import { phraseOf } from './schema-phrase.js';
import { show } from './show-value.js';

export type SchemaPath = ReadonlyArray<string | number>;
export interface SchemaProblem {
  /** Where, from the checked value: `['files', 2, 'sha256']`; `[]` is the value itself. */
  path: SchemaPath;
  /** `expected 64 lower-case hex digits, got "ABC"` */
  message: string;
}
export type SchemaCheck = (value: unknown) => SchemaProblem[];

type Schema = Readonly<Record<string, unknown>>;
type Path = Array<string | number>;
/** Checks a value at `path`, adds its problems to `out`, and says whether it was sound. */
type Check = (value: unknown, path: Path, out: SchemaProblem[]) => boolean;
interface Node { check: Check; phrase: () => string }

/**
 * Keywords that only describe. `format` is one: draft 2020-12 makes it an
 * annotation unless a validator is asked to assert it, and Debian's
 * python3-jsonschema, which checks the same schema in the tests, does not
 * assert `date-time` either.
 */
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', '$defs', 'title', 'description', 'default', 'examples', 'format']);
const ASSERTIONS = new Set([
  '$ref', 'type', 'const', 'enum', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum',
  'minItems', 'maxItems', 'anyOf', 'properties', 'required', 'additionalProperties', 'items',
]);
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'array', 'object']);

/**
 * Compile a schema once; the returned function checks values against it.
 * @example const check = compileSchema({ type: 'string', minLength: 1 });
 *   check('') // [{ path: [], message: 'expected a non-empty string, got ""' }]
 */
export function compileSchema(root: unknown): SchemaCheck {
  const byPointer = new Map<string, Node>();

  const resolve = (pointer: string, at: string): Node => {
    const known = byPointer.get(pointer);
    if (known) return known;
    if (!pointer.startsWith('#')) broken(at, `only references inside the schema are supported, not ${pointer}`);
    let target: unknown = root;
    for (const part of pointer.slice(1).split('/').slice(1)) {
      const key = decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~');
      target = isObject(target) && Object.hasOwn(target, key) ? target[key] : broken(at, `${pointer} points to nothing`);
    }
    // Registered before compiling, so a schema that refers to itself ends.
    let node: Node | undefined;
    const lazy: Node = { check: (value, path, out) => node!.check(value, path, out), phrase: () => node!.phrase() };
    byPointer.set(pointer, lazy);
    node = compile(target, pointer);
    return lazy;
  };

  const compile = (schema: unknown, at: string): Node => {
    if (schema === true) return { check: () => true, phrase: () => 'any value' };
    if (schema === false) return { check: (value, path, out) => fail(out, path, 'expected nothing here', value), phrase: () => 'nothing' };
    if (!isObject(schema)) broken(at, 'a schema must be an object or a boolean');
    for (const key of Object.keys(schema)) {
      if (!ANNOTATIONS.has(key) && !ASSERTIONS.has(key)) broken(at, `the keyword ${key} is not supported`);
    }
    const tests = localTests(schema, at);
    const branches = Array.isArray(schema.anyOf) ? schema.anyOf.map((branch, index) => compile(branch, `${at}/anyOf/${index}`)) : undefined;
    if (schema.anyOf !== undefined && (!branches || branches.length === 0)) broken(at, 'anyOf must be a non-empty array');
    if (branches) tests.push((value) => branches.some((branch) => branch.check(value, [], [])));
    const ref = schema.$ref === undefined ? undefined : resolve(text(schema.$ref, `${at}/$ref`), at);
    const parts = [...(ref ? [ref.check] : []), ...structure(schema, at, compile)];
    let phrase: string | undefined;
    const node: Node = {
      phrase: () => (phrase ??= phraseOf(schema, branches?.map((branch) => branch.phrase()), ref?.phrase)),
      check: (value, path, out) => {
        let sound = tests.every((test) => test(value)) || fail(out, path, `expected ${node.phrase()}`, value);
        for (const part of parts) sound = part(value, path, out) && sound;
        return sound;
      },
    };
    return node;
  };

  const top = compile(root, '#');
  return (value) => {
    const out: SchemaProblem[] = [];
    top.check(value, [], out);
    return out;
  };
}

/** The keywords that judge the value itself (its type, its text, its size). */
function localTests(schema: Schema, at: string): Array<(value: unknown) => boolean> {
  const tests: Array<(value: unknown) => boolean> = [];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    for (const type of types) if (typeof type !== 'string' || !TYPES.has(type)) broken(`${at}/type`, `unknown type ${JSON.stringify(type)}`);
    tests.push((value) => types.some((type) => hasType(value, type as string)));
  }
  if ('const' in schema) {
    const expected = primitive(schema.const, `${at}/const`);
    tests.push((value) => value === expected);
  }
  if (schema.enum !== undefined) {
    if (!Array.isArray(schema.enum)) broken(`${at}/enum`, 'enum must be an array');
    const allowed = schema.enum.map((value, index) => primitive(value, `${at}/enum/${index}`));
    tests.push((value) => allowed.includes(value as never));
  }
  if (schema.pattern !== undefined) {
    let pattern: RegExp;
    try {
      // JSON Schema patterns are ECMA-262 regular expressions, unanchored, with Unicode semantics.
      pattern = new RegExp(text(schema.pattern, `${at}/pattern`), 'u');
    } catch (error) {
      return broken(`${at}/pattern`, (error as Error).message);
    }
    tests.push((value) => typeof value !== 'string' || pattern.test(value));
  }
  const minLength = count(schema.minLength, `${at}/minLength`);
  const maxLength = count(schema.maxLength, `${at}/maxLength`);
  if (minLength !== undefined || maxLength !== undefined) {
    tests.push((value) => typeof value !== 'string' || lengthWithin(value, minLength, maxLength));
  }
  const minimum = number(schema.minimum, `${at}/minimum`);
  const maximum = number(schema.maximum, `${at}/maximum`);
  if (minimum !== undefined || maximum !== undefined) tests.push((value) => typeof value !== 'number' || within(value, minimum, maximum));
  const minItems = count(schema.minItems, `${at}/minItems`);
  const maxItems = count(schema.maxItems, `${at}/maxItems`);
  if (minItems !== undefined || maxItems !== undefined) tests.push((value) => !Array.isArray(value) || within(value.length, minItems, maxItems));
  return tests;
}

/** The keywords that look inside objects and arrays. */
function structure(schema: Schema, at: string, compile: (schema: unknown, at: string) => Node): Check[] {
  const parts: Check[] = [];
  const properties = schema.properties === undefined ? {} : schema.properties;
  if (!isObject(properties)) broken(`${at}/properties`, 'properties must be an object');
  const required = schema.required === undefined ? [] : schema.required;
  if (!Array.isArray(required) || !required.every((key) => typeof key === 'string')) broken(`${at}/required`, 'required must be an array of names');
  const named = Object.entries(properties).map(([key, sub]) => ({ key, node: compile(sub, `${at}/properties/${key}`), required: required.includes(key) }));
  const unnamed = (required as string[]).filter((key) => !Object.hasOwn(properties, key));
  const extra = schema.additionalProperties === undefined ? undefined : compile(schema.additionalProperties, `${at}/additionalProperties`);
  if (named.length > 0 || unnamed.length > 0 || extra) {
    parts.push((value, path, out) => {
      if (!isObject(value)) return true;
      let sound = true;
      for (const { key, node, required: needed } of named) {
        if (!Object.hasOwn(value, key) && !needed) continue;
        // A missing required field is checked as `undefined`: "expected <what it should be>, got nothing".
        path.push(key);
        sound = node.check(Object.hasOwn(value, key) ? value[key] : undefined, path, out) && sound;
        path.pop();
      }
      for (const key of unnamed) {
        if (!Object.hasOwn(value, key)) sound = fail(out, [...path, key], 'expected a value', undefined);
      }
      if (extra) {
        for (const key of Object.keys(value)) {
          if (Object.hasOwn(properties, key)) continue;
          path.push(key);
          sound = extra.check(value[key], path, out) && sound;
          path.pop();
        }
      }
      return sound;
    });
  }
  if (schema.items !== undefined) {
    const items = compile(schema.items, `${at}/items`);
    parts.push((value, path, out) => {
      if (!Array.isArray(value)) return true;
      let sound = true;
      value.forEach((item, index) => {
        path.push(index);
        sound = items.check(item, path, out) && sound;
        path.pop();
      });
      return sound;
    });
  }
  return parts;
}

function fail(out: SchemaProblem[], path: SchemaPath, expected: string, value: unknown): false {
  out.push({ path: [...path], message: `${expected}, got ${show(value)}` });
  return false;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null': return value === null;
    case 'array': return Array.isArray(value);
    case 'object': return isObject(value);
    // JSON Schema counts 1.0 as an integer; JSON.parse has already made it 1.
    case 'integer': return Number.isInteger(value);
    default: return typeof value === type;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether a string's length in code points (as JSON Schema counts) is within
 * bounds. A string has between length/2 and length code points, which
 * settles most cases without walking a long string.
 */
function lengthWithin(value: string, min: number | undefined, max: number | undefined): boolean {
  const units = value.length;
  if ((max !== undefined && units / 2 > max) || (min !== undefined && units < min)) return false;
  if ((max === undefined || units <= max) && (min === undefined || units / 2 >= min)) return true;
  let points = 0;
  for (const _ of value) points += 1;
  return within(points, min, max);
}

function within(value: number, min: number | undefined, max: number | undefined): boolean {
  return (min === undefined || value >= min) && (max === undefined || value <= max);
}

function primitive(value: unknown, at: string): string | number | boolean | null {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value as string | number | boolean | null;
  return broken(at, 'only strings, numbers, booleans and null are supported as const and enum values');
}

function text(value: unknown, at: string): string {
  return typeof value === 'string' ? value : broken(at, 'expected a string');
}

function number(value: unknown, at: string): number | undefined {
  if (value === undefined || typeof value === 'number') return value;
  return broken(at, 'expected a number');
}

function count(value: unknown, at: string): number | undefined {
  if (value === undefined || (Number.isSafeInteger(value) && (value as number) >= 0)) return value as number | undefined;
  return broken(at, 'expected a non-negative integer');
}

/** The schema itself is wrong: a bug in what apt-torrent ships, never the user's doing. */
function broken(at: string, problem: string): never {
  throw new AptTorrentError('E_INTERNAL', `JSON Schema ${at}: ${problem}`);
}
