/**
 * The folders of src/ are layers, numbered in the README's code map: a file
 * may import from its own folder or from a lower layer, never upward or
 * sideways. This reads the map and every import in src/, so the map and the
 * code cannot drift apart, and no import cycle between folders can return.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');

/** `| 3 | \`src/apt/\` | ... |` rows of the README's code map: unit name -> layer. */
function readLayers(readme: string): Map<string, number> {
  const section = readme.slice(readme.indexOf('### Code map'));
  assert.ok(section.length > 0, 'README.md has no "### Code map" section');
  const layers = new Map<string, number>();
  for (const match of section.matchAll(/^\| (\d+) \| `src\/([^`/]+)\/?` \|/gm)) {
    layers.set(match[2]!.replace(/\.ts$/, ''), Number(match[1]));
  }
  return layers;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative specifiers of static imports, re-exports, dynamic imports and worker URLs. */
export function relativeImports(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)'(\.\.?\/[^']+)'/g)) found.push(match[1]!);
  // A worker's module is code; a data file found the same way (a schema, a man page) is not.
  for (const match of text.matchAll(/\bnew URL\(\s*'(\.\.?\/[^']+\.js)'/g)) found.push(match[1]!);
  return found;
}

/** The code-map unit a path under src/ belongs to: its top folder, or the file itself. */
function unitOf(path: string): string {
  return relative(SRC, path).split('/')[0]!.replace(/\.(ts|js)$/, '');
}

describe('layers', () => {
  const layers = readLayers(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  const files = sourceFiles(SRC);

  it('the code map names every folder and top-level file of src/, and nothing else', () => {
    const units = new Set(files.map(unitOf));
    assert.deepEqual([...units].sort(), [...layers.keys()].sort());
  });

  it('every import points to the same folder or a lower layer', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = unitOf(file);
      for (const specifier of relativeImports(readFileSync(file, 'utf8'))) {
        const target = resolve(dirname(file), specifier);
        const to = unitOf(target);
        if (to === from) continue;
        if (!layers.has(to)) violations.push(`${relative(ROOT, file)} imports ${specifier}, outside the code map`);
        else if (layers.get(to)! >= layers.get(from)!) {
          violations.push(`${relative(ROOT, file)} (layer ${layers.get(from)}) imports ${specifier} (${to}, layer ${layers.get(to)})`);
        }
      }
    }
    assert.deepEqual(violations, []);
  });

  it('finds static, dynamic and worker imports alike', () => {
    const text = "import { a } from '../x/a.js';\nconst b = await import('./b.js');\nnew Worker(new URL('./w.js', import.meta.url));\nexport * from '../y/c.js';\nnew URL('../../manifests/x.json', import.meta.url);";
    assert.deepEqual(relativeImports(text), ['../x/a.js', './b.js', '../y/c.js', './w.js']);
  });
});
