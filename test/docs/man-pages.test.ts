import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { shellNames, shells } from '../../src/cli/completion/scripts.js';
import { schema } from '../../src/config/schema.js';
import { errorCodes, EXIT } from '../../src/errors.js';
import { hasWord, items, readRoff, sections, subsections } from './helpers/roff.js';
import { programTree } from './helpers/tree.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const page = (name: string) => readRoff(`${ROOT}man/${name}`);

describe('man/apt-torrent.1', () => {
  const text = page('apt-torrent.1');
  const parts = sections(text);
  const section = (name: string) => parts.get(name) ?? assert.fail(`no section ${name}`);
  const nodes = programTree();
  const commands = subsections(section('COMMANDS'));
  /**
   * The subsection of a command, by its full name: `.SS "upgrade, full-upgrade [options]"`
   * serves both, `.SS "seeding list [options]"` serves `seeding list`.
   */
  const subsectionOf = (path: string[]) => commands.find((sub) => hasWord(sub.heading, path.join(' ')));

  it('has the sections a Debian user looks for', () => {
    for (const name of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'COMMANDS', 'CONFIGURATION', 'FILES', 'ENVIRONMENT', 'EXIT STATUS', 'SECURITY', 'EXAMPLES', 'SEE ALSO']) {
      assert.ok(parts.has(name), name);
    }
  });

  it('describes every command in its own subsection, with every option it takes', () => {
    const missing: string[] = [];
    for (const node of nodes.filter((candidate) => candidate.path.length > 0)) {
      const name = node.path.join(' ');
      const sub = subsectionOf(node.path);
      if (!sub) {
        missing.push(`command ${name}`);
        continue;
      }
      // --help is on every command; OPTIONS describes it once.
      for (const flag of node.longs.filter((long) => long !== '--help')) if (!hasWord(sub.body, flag)) missing.push(`${name} ${flag}`);
      if (!node.path.every((word) => hasWord(section('SYNOPSIS'), word))) missing.push(`${name} in SYNOPSIS`);
    }
    assert.deepEqual(missing, []);
  });

  it('describes no option a command does not have', () => {
    const stale: string[] = [];
    for (const sub of commands) {
      const named = nodes.filter((node) => node.path.length > 0 && hasWord(sub.heading, node.path.join(' ')));
      if (named.length === 0) {
        stale.push(`subsection ${sub.heading}`);
        continue;
      }
      const longs = new Set(named.flatMap((node) => node.longs));
      for (const item of items(sub.body)) {
        for (const flag of item.tag.match(/--[a-z][a-z-]*/g) ?? []) if (!longs.has(flag)) stale.push(`${sub.heading}: ${flag}`);
      }
    }
    assert.deepEqual(stale, []);
  });

  it('describes the options before the command (and --help) under OPTIONS', () => {
    const top = nodes.find((node) => node.path.length === 0)!;
    const options = section('OPTIONS');
    assert.deepEqual(top.flags.filter((flag) => !hasWord(options, flag)), []);
  });

  it('lists every error code under EXIT STATUS, beside its exit status', () => {
    const byStatus = new Map(items(section('EXIT STATUS')).map((item) => [item.tag, item.body]));
    for (const status of Object.values(EXIT)) assert.ok(byStatus.has(String(status)), `exit status ${status}`);
    for (const { code, exitCode } of errorCodes()) assert.ok(hasWord(byStatus.get(String(exitCode)) ?? '', code), `${code} under ${exitCode}`);
  });

  it('says where each completion script goes', () => {
    for (const shell of shellNames) {
      assert.ok(hasWord(section('FILES'), shells[shell].installPath), shell);
      assert.ok(hasWord(subsectionOf(['completion'])!.body, shells[shell].installPath), shell);
    }
  });

  it('describes the environment it reads', () => {
    for (const name of ['APT_CONFIG', 'XDG_CONFIG_HOME', 'APT_TORRENT_SYSCONFDIR']) assert.ok(hasWord(section('ENVIRONMENT'), name), name);
  });
});

/** A default as the page writes it: `Default: 6`, `Default: true`, `Default: empty`. */
function spelled(value: unknown): string {
  if (value === '' || (Array.isArray(value) && value.length === 0)) return 'empty';
  return String(value);
}

describe('man/apt-torrent.conf.5', () => {
  const parts = sections(page('apt-torrent.conf.5'));
  const keys = new Map(items(parts.get('KEYS') ?? '').map((item) => [item.tag, item.body]));

  it('describes every configuration key with its default', () => {
    for (const [key, definition] of Object.entries(schema)) {
      const body = keys.get(key);
      assert.ok(body !== undefined, `key ${key}`);
      assert.ok(hasWord(body.replace(/\s+/g, ' '), `Default: ${spelled(definition.default)}`), `default of ${key}: ${JSON.stringify(definition.default)}`);
    }
  });

  it('describes no key the schema does not have', () => {
    assert.deepEqual([...keys.keys()].filter((key) => !(key in schema)), []);
  });

  it('gives the file locations in merge order and examples in JSON and YAML', () => {
    const description = parts.get('DESCRIPTION') ?? '';
    const order = ['/etc/apt-torrent/config.json', '$XDG_CONFIG_HOME/apt-torrent/config.json', '--config', '--parallel'].map((word) => description.indexOf(word));
    assert.ok(order.every((index, i) => index >= 0 && (i === 0 || index > order[i - 1]!)), `merge order: ${order}`);
    assert.match(parts.get('EXAMPLES') ?? '', /"http": \{/);
    assert.match(parts.get('EXAMPLES') ?? '', /^http:\n {2}parallel:/m);
  });
});

describe('man/apt-torrent-manifest.5', () => {
  const schemaFile = `${ROOT}manifests/manifest.schema.json`;
  const manifestSchema = JSON.parse(readFileSync(schemaFile, 'utf8'));
  const text = page('apt-torrent-manifest.5');
  const tags = items(sections(text).get('FIELDS') ?? '').flatMap((item) => item.tag.split(/\s*,\s*/));

  it('names the JSON Schema, which exists', () => {
    assert.ok(existsSync(schemaFile));
    assert.ok(hasWord(text, 'manifests/manifest.schema.json'));
  });

  it('describes every field of the schema', () => {
    const fields = [
      ...Object.keys(manifestSchema.properties),
      ...Object.keys(manifestSchema.properties.selection.properties),
      ...Object.keys(manifestSchema.$defs.file.properties),
    ];
    assert.deepEqual(fields.filter((field) => !tags.includes(field)), []);
  });
});
