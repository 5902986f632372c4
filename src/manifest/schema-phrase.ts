/**
 * What a JSON Schema asks for, as the noun phrase of a problem message
 * ("expected <phrase>, got ..."). Pure.
 *
 * A `title` is that phrase when the derived one would only repeat a regular
 * expression ("64 lower-case hex digits" reads better than the pattern);
 * objects are always "a JSON object", since their titles name the thing, not
 * its shape.
 */

type Schema = Readonly<Record<string, unknown>>;

/**
 * The phrase for one schema. `branches` are the phrases of its `anyOf`, `ref`
 * gives the phrase of the schema its `$ref` points to.
 * @example phraseOf({ type: 'number', minimum: 0, maximum: 1 }) === 'a number from 0 to 1'
 */
export function phraseOf(schema: Schema, branches?: readonly string[], ref?: () => string): string {
  const types = typeList(schema.type);
  if (types.length === 1 && types[0] === 'object') return 'a JSON object';
  if (typeof schema.title === 'string') return schema.title;
  if (branches) return branches.join(' or ');
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return choice(schema.enum.map((value) => JSON.stringify(value)));
  if (types.length > 0) return types.map((type) => typePhrase(type, schema)).join(' or ');
  if (ref) return ref();
  return 'any value';
}

function typeList(type: unknown): string[] {
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? type.filter((item): item is string => typeof item === 'string') : [];
}

function choice(values: readonly string[]): string {
  if (values.length <= 2) return values.join(' or ');
  return `one of ${values.join(', ')}`;
}

function typePhrase(type: string, schema: Schema): string {
  switch (type) {
    case 'string': {
      const pattern = typeof schema.pattern === 'string' ? ` matching /${schema.pattern}/` : '';
      if (schema.minLength === 1 && schema.maxLength === undefined) return `a non-empty string${pattern}`;
      return `a string${range(schema.minLength, schema.maxLength, ' characters')}${pattern}`;
    }
    case 'integer':
    case 'number': {
      const noun = type === 'integer' ? 'integer' : 'number';
      // The largest integer a JSON number holds exactly is a technical bound, not the rule a reader needs.
      const maximum = type === 'integer' && schema.maximum === Number.MAX_SAFE_INTEGER ? undefined : schema.maximum;
      if (schema.minimum === 0 && maximum === undefined) return `a non-negative ${noun}`;
      return `${type === 'integer' ? 'an' : 'a'} ${noun}${range(schema.minimum, maximum, '')}`;
    }
    case 'array':
      return `an array${range(schema.minItems, schema.maxItems, ' items')}`;
    case 'object':
      return 'a JSON object';
    case 'boolean':
      return 'true or false';
    default:
      return type;
  }
}

/** " of 1 to 3 characters", " of at least 2 items" for counts; " from 0 to 1", " of at most 5" for values. */
function range(min: unknown, max: unknown, unit: string): string {
  const counting = unit !== '';
  const low = typeof min === 'number' && (!counting || min > 0) ? min : undefined;
  const high = typeof max === 'number' ? max : undefined;
  if (low !== undefined && high !== undefined) {
    if (low === high) return ` of ${low}${unit}`;
    return counting ? ` of ${low} to ${high}${unit}` : ` from ${low} to ${high}`;
  }
  if (low !== undefined) return ` of at least ${low}${unit}`;
  if (high !== undefined) return ` of at most ${high}${unit}`;
  return '';
}
