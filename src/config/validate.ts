import { schema, type Config, type ConfigKey } from './schema.js';

/** A problem with one key of one file, worded for the user. */
export interface ConfigProblem {
  source: string;
  key: string;
  message: string;
}

/** Nested objects → dotted keys: `{http: {parallel: 4}}` → `http.parallel`. */
export function flatten(value: unknown, prefix = ''): Map<string, unknown> {
  const flat = new Map<string, unknown>();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (prefix) flat.set(prefix, value);
    return flat;
  }
  for (const [key, inner] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const isSection = inner !== null && typeof inner === 'object' && !Array.isArray(inner) && !(path in schema);
    if (isSection) for (const [innerKey, innerValue] of flatten(inner, path)) flat.set(innerKey, innerValue);
    else flat.set(path, inner);
  }
  return flat;
}

/**
 * Check one layer (a file's contents, or the flags) against the schema.
 * Returns the values it sets and every problem at once; unknown keys are
 * problems too, since a misspelt key silently ignored is a setting lost.
 */
export function validateLayer(raw: unknown, source: string): { values: Partial<Config>; problems: ConfigProblem[] } {
  const values: Partial<Record<ConfigKey, unknown>> = {};
  const problems: ConfigProblem[] = [];
  if (raw === null || raw === undefined) return { values: values as Partial<Config>, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ source, key: '(top level)', message: 'expected an object of settings' });
    return { values: values as Partial<Config>, problems };
  }
  for (const [key, value] of flatten(raw)) {
    if (!(key in schema)) {
      problems.push({ source, key, message: `unknown key; known keys: ${Object.keys(schema).join(', ')}` });
      continue;
    }
    const definition = schema[key as ConfigKey];
    const parsed = definition.parse(value);
    if (parsed === undefined) {
      problems.push({ source, key, message: `expected ${definition.expects}, got ${JSON.stringify(value)}` });
      continue;
    }
    values[key as ConfigKey] = parsed;
  }
  return { values: values as Partial<Config>, problems };
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((problem) => `  ${problem.source}: ${problem.key}: ${problem.message}`).join('\n');
}
