/**
 * Checking a manifest read from anywhere (the network, a file). Pure, but
 * for reading the schema once.
 *
 * The rules are those of manifests/manifest.schema.json and live only there
 * (json-schema.ts applies them). What a JSON Schema cannot say is checked
 * here: that URLs parse, that `generated` is a date, that a filename appears
 * once. Unknown fields are allowed so later versions can add some without
 * breaking older clients.
 */
import type { SchemaPath, SchemaProblem } from './json-schema.js';
import type { Manifest, ManifestFile } from './manifest.js';
import { manifestSchemaProblems } from './manifest-schema.js';
import { show } from './show-value.js';

const URL_FORM = /^https?:\/\//;

export interface ManifestCheck {
  /**
   * The manifest, when its top level is sound. Entries with problems are
   * left out of `files` (and named in `problems`): a bad entry only means
   * that file comes over HTTP, which is always safe.
   */
  manifest?: Manifest;
  /** One message per problem, each naming the field, e.g. `files[2].sha256: ...`. */
  problems: string[];
}

/**
 * Validate parsed JSON as a version 1 manifest.
 * @example const { manifest, problems } = validateManifest(JSON.parse(text));
 */
export function validateManifest(json: unknown): ManifestCheck {
  const schemaProblems = manifestSchemaProblems(json);
  // Another version's other rules do not apply: say only that.
  const version = schemaProblems.find((problem) => problem.path[0] === 'version');
  if (version) return { problems: [`${describe(version)} (a newer manifest format needs a newer apt-torrent)`] };

  const ofFile = new Map<number, string[]>();
  const topLevel: SchemaProblem[] = [];
  for (const problem of schemaProblems) {
    const [field, index] = problem.path;
    if (field !== 'files' || typeof index !== 'number') topLevel.push(problem);
    else if (ofFile.has(index)) ofFile.get(index)!.push(describe(problem));
    else ofFile.set(index, [describe(problem)]);
  }
  const problems = topLevel.map(describe);
  const flagged = new Set(topLevel.map((problem) => where(problem.path)));
  if (flagged.has(where([]))) return { problems };
  const top = json as Record<string, unknown>;
  problems.push(...topLevelMeaning(top, flagged));
  if (problems.length > 0) return { problems };

  const files: ManifestFile[] = [];
  const seen = new Set<string>();
  (top.files as unknown[]).forEach((item, index) => {
    const own = ofFile.get(index);
    if (own) {
      problems.push(...own);
      return;
    }
    const file = item as ManifestFile;
    // A torrent given in the schema's URL form (not as a path inside the archive) must also parse.
    if (URL_FORM.test(file.torrent) && !parsesAsUrl(file.torrent)) {
      problems.push(`files[${index}].torrent: expected a well-formed URL, got ${show(file.torrent)}`);
      return;
    }
    if (seen.has(file.filename)) {
      problems.push(`files[${index}].filename: ${file.filename} is listed twice`);
      return;
    }
    seen.add(file.filename);
    files.push(file);
  });
  return { manifest: { ...(top as unknown as Manifest), files }, problems };
}

/** What the schema cannot say about the top level; fields it already found at fault (`flagged`) are left alone. */
function topLevelMeaning(top: Record<string, unknown>, flagged: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  if (!flagged.has('generated') && Number.isNaN(Date.parse(top.generated as string))) {
    problems.push(`generated: expected an ISO 8601 date, got ${show(top.generated)}`);
  }
  if (!flagged.has('archive') && !parsesAsUrl(top.archive as string)) problems.push(`archive: expected a well-formed URL, got ${show(top.archive)}`);
  if (Array.isArray(top.trackers)) {
    top.trackers.forEach((url: string, index) => {
      if (!flagged.has(`trackers[${index}]`) && !parsesAsUrl(url)) problems.push(`trackers[${index}]: expected a well-formed URL, got ${show(url)}`);
    });
  }
  return problems;
}

/**
 * Whether the WHATWG parser reads the text as an absolute URL. Not
 * `URL.canParse`: on Node 20 its optimised form answers false for a string
 * like "http://é" once called often enough, where `new URL` parses it.
 */
function parsesAsUrl(text: string): boolean {
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

/** `files[2].sha256: expected 64 lower-case hex digits, got "ABC"`; the manifest itself is `manifest`. */
function describe(problem: SchemaProblem): string {
  return `${where(problem.path)}: ${problem.message}`;
}

function where(path: SchemaPath): string {
  if (path.length === 0) return 'manifest';
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
}
