import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AptTorrentError } from '../../src/errors.js';
import { compileSchema } from '../../src/manifest/json-schema.js';

/** The messages of checking `value` against `schema`, each as `path: message`. */
function problems(schema: unknown, value: unknown): string[] {
  return compileSchema(schema)(value).map((problem) => `${problem.path.join('.')}: ${problem.message}`);
}

describe('compileSchema: what a value is checked for', () => {
  it('types, with integers as JSON Schema counts them', () => {
    assert.deepEqual(problems({ type: 'string', minLength: 1 }, ''), [': expected a non-empty string, got ""']);
    assert.deepEqual(problems({ type: 'integer' }, 1.5), [': expected an integer, got 1.5']);
    assert.deepEqual(problems({ type: 'integer' }, JSON.parse('2.0')), []);
    assert.deepEqual(problems({ type: ['string', 'null'] }, 1), [': expected a string or null, got 1']);
    assert.deepEqual(problems({ type: 'object' }, []), [': expected a JSON object, got []']);
    assert.deepEqual(problems({ type: 'array' }, {}), [': expected an array, got {}']);
    assert.deepEqual(problems({ type: 'boolean' }, 0), [': expected true or false, got 0']);
  });

  it('ranges of numbers; the largest exact integer is left out of the phrase', () => {
    assert.deepEqual(problems({ type: 'number', minimum: 0, maximum: 1 }, 2), [': expected a number from 0 to 1, got 2']);
    assert.deepEqual(problems({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }, 2 ** 53), [': expected a non-negative integer, got 9007199254740992']);
    assert.deepEqual(problems({ type: 'integer', maximum: 5 }, 6), [': expected an integer of at most 5, got 6']);
    // minimum and maximum only judge numbers.
    assert.deepEqual(problems({ minimum: 3 }, 'a'), []);
  });

  it('const and enum compare by JSON value: true is not 1', () => {
    assert.deepEqual(problems({ const: 1 }, true), [': expected 1, got true']);
    assert.deepEqual(problems({ enum: ['size', 'popcon'] }, 'x'), [': expected "size" or "popcon", got "x"']);
    assert.deepEqual(problems({ enum: [1, 2, 4] }, 3), [': expected one of 1, 2, 4, got 3']);
    assert.deepEqual(problems({ enum: [null] }, null), []);
  });

  it('patterns are unanchored ECMA-262 with Unicode semantics; lengths count code points', () => {
    assert.deepEqual(problems({ type: 'string', pattern: 'b' }, 'abc'), []);
    assert.deepEqual(problems({ type: 'string', pattern: '^\\p{Lu}' }, 'a'), [': expected a string matching /^\\p{Lu}/, got "a"']);
    assert.deepEqual(problems({ type: 'string', maxLength: 2 }, '😀😀'), []);
    assert.deepEqual(problems({ type: 'string', maxLength: 2 }, '😀😀😀'), [': expected a string of at most 2 characters, got "😀😀😀"']);
    assert.deepEqual(problems({ type: 'string', minLength: 3 }, '😀😀'), [': expected a string of at least 3 characters, got "😀😀"']);
    assert.deepEqual(problems({ type: 'string', minLength: 2, maxLength: 2 }, 'x'.repeat(1_000_000)).length, 1);
  });

  it('a title is the phrase, but an object is always a JSON object', () => {
    assert.deepEqual(problems({ type: 'string', pattern: '^[0-9a-f]+$', title: 'hex digits' }, 'X'), [': expected hex digits, got "X"']);
    assert.deepEqual(problems({ type: 'object', title: 'a manifest' }, 1), [': expected a JSON object, got 1']);
  });

  it('anyOf gives one problem, naming every branch', () => {
    const schema = { anyOf: [{ type: 'string', title: 'a path' }, { type: 'integer', minimum: 0 }] };
    assert.deepEqual(problems(schema, 'p'), []);
    assert.deepEqual(problems(schema, -1), [': expected a path or a non-negative integer, got -1']);
  });
});

describe('compileSchema: objects, arrays and references', () => {
  const schema = {
    type: 'object',
    required: ['name', 'parts', 'owner'],
    properties: {
      name: { type: 'string', minLength: 1 },
      parts: { type: 'array', minItems: 1, maxItems: 2, items: { $ref: '#/$defs/part' } },
    },
    $defs: { part: { type: 'object', required: ['size'], properties: { size: { type: 'integer', minimum: 0 } } } },
  };

  it('a missing required field is named at its place, as "got nothing", in the order of properties', () => {
    assert.deepEqual(problems(schema, {}), [
      'name: expected a non-empty string, got nothing',
      'parts: expected an array of 1 to 2 items, got nothing',
      'owner: expected a value, got nothing',
    ]);
  });

  it('problems inside arrays and references carry their whole path', () => {
    const check = compileSchema(schema);
    assert.deepEqual(check({ name: 'n', owner: 1, parts: [{ size: 1 }, { size: -1 }] }), [{ path: ['parts', 1, 'size'], message: 'expected a non-negative integer, got -1' }]);
    assert.deepEqual(problems(schema, { name: 'n', owner: 1, parts: [{ size: 1 }, {}, 3] }), [
      'parts: expected an array of 1 to 2 items, got [{"size":1},{},3]',
      'parts.1.size: expected a non-negative integer, got nothing',
      'parts.2: expected a JSON object, got 3',
    ]);
  });

  it('unknown fields are allowed unless additionalProperties says otherwise; own fields only', () => {
    assert.deepEqual(problems(schema, JSON.parse('{"name":"n","owner":1,"parts":[{"size":0}],"more":1,"__proto__":{"size":-1}}')), []);
    const closed = { type: 'object', properties: { a: {} }, additionalProperties: false };
    assert.deepEqual(problems(closed, { a: 1, b: 2 }), ['b: expected nothing here, got 2']);
    assert.deepEqual(problems({ additionalProperties: { type: 'integer' } }, { a: 1, b: 'x' }), ['b: expected an integer, got "x"']);
    assert.deepEqual(problems({ required: ['toString'] }, {}), ['toString: expected a value, got nothing']);
  });

  it('a schema may refer to itself', () => {
    const tree = { type: 'object', properties: { children: { type: 'array', items: { $ref: '#' } }, id: { type: 'integer' } } };
    assert.deepEqual(problems(tree, { id: 1, children: [{ id: 2, children: [{ id: 'x' }] }] }), ['children.0.children.0.id: expected an integer, got "x"']);
  });

  it('values nested far deeper than the schema are no trouble', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    assert.deepEqual(problems(schema, { name: deep, owner: 1, parts: [{ size: 1 }] }), ['name: expected a non-empty string, got an array nested too deeply to show']);
  });
});

describe('compileSchema: a schema it cannot apply is refused, not half applied', () => {
  for (const [name, schema, words] of [
    ['a keyword it does not know', { type: 'object', properties: { a: { oneOf: [] } } }, /#\/properties\/a: the keyword oneOf is not supported/],
    ['a reference to nothing', { $ref: '#/$defs/missing' }, /#\/\$defs\/missing points to nothing/],
    ['a reference to another document', { $ref: 'https://example.org/other.json' }, /only references inside the schema/],
    ['items as a list (draft 2019 and before)', { items: [{ type: 'string' }] }, /#\/items: a schema must be an object or a boolean/],
    ['an unknown type', { type: 'text' }, /unknown type "text"/],
    ['a pattern that is no regular expression', { pattern: '(' }, /#\/pattern: /],
    ['an object as const', { const: { a: 1 } }, /only strings, numbers, booleans and null/],
    ['a negative length', { minLength: -1 }, /#\/minLength: expected a non-negative integer/],
  ] as Array<[string, unknown, RegExp]>) {
    it(name, () => {
      assert.throws(() => compileSchema(schema), (error: unknown) => error instanceof AptTorrentError && error.code === 'E_INTERNAL' && words.test(error.message));
    });
  }
});
