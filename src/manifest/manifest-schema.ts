/**
 * The manifest's rules as published: manifests/manifest.schema.json, read
 * and compiled once, on first use (so that commands that never meet a
 * manifest never read it).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AptTorrentError } from '../errors.js';
import { compileSchema, type SchemaCheck, type SchemaProblem } from './json-schema.js';

/** A data file, not a module: from dist/src/manifest/ up to the package root, where package.json's `files` ships manifests/. */
const SCHEMA_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'manifests', 'manifest.schema.json');

let compiled: SchemaCheck | undefined;

/**
 * Where a value breaks manifests/manifest.schema.json, one problem per place.
 * @example manifestSchemaProblems({ version: 1 }) // [{ path: ['generator'], message: 'expected a non-empty string, got nothing' }, ...]
 */
export function manifestSchemaProblems(json: unknown): SchemaProblem[] {
  compiled ??= compileSchema(readSchema());
  return compiled(json);
}

function readSchema(): unknown {
  try {
    return JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
  } catch (error) {
    throw new AptTorrentError('E_INTERNAL', `cannot read the manifest schema ${SCHEMA_FILE}: ${(error as Error).message}`, {
      cause: error,
      hint: 'the installation is incomplete: reinstall apt-torrent (its package ships manifests/manifest.schema.json)',
    });
  }
}
