// Empties, under <node_modules dir>, the packages whose code the bundles
// carry: Node never loads them from there. Each keeps its package.json and
// its licence files (copyright points at them). The packages the bundles
// leave outside (the externals: native addons and what finds files from
// __dirname) stay whole, with every package they need.
// node prune-bundled.mjs <node_modules dir> <external package>...
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

const [rootArg, ...externals] = process.argv.slice(2);
const root = resolve(rootArg);
/** What an emptied package keeps. */
const KEPT = /^(package\.json|(licen[cs]e|copying|notice|authors)([.-].*)?)$/i;

/** The folder of package `name` as Node finds it from `from`: node_modules of `from` and of each folder above, up to root's. */
function find(from, name) {
  for (let dir = from; ; dir = dirname(dir)) {
    if (basename(dir) !== 'node_modules') {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
    }
    if (dir === dirname(root) || dir === dirname(dir)) return undefined;
  }
}

const whole = new Set();
const pending = externals.map((name) => {
  const found = find(dirname(root), name);
  if (!found) throw new Error(`external package ${name} is not under ${root}`);
  return found;
});
while (pending.length > 0) {
  const dir = pending.pop();
  if (whole.has(dir)) continue;
  whole.add(dir);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies })) {
    const found = find(dir, name);
    if (found) pending.push(found);
  }
}

/** Every package folder under a node_modules folder, nested ones too. */
function packagesIn(modules) {
  const found = [];
  for (const entry of readdirSync(modules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dirs = entry.name.startsWith('@') ? readdirSync(join(modules, entry.name)).map((inner) => join(modules, entry.name, inner)) : [join(modules, entry.name)];
    for (const dir of dirs) {
      if (!existsSync(join(dir, 'package.json'))) continue;
      found.push(dir);
      if (existsSync(join(dir, 'node_modules'))) found.push(...packagesIn(join(dir, 'node_modules')));
    }
  }
  return found;
}

for (const dir of packagesIn(root)) {
  if (whole.has(dir)) continue;
  for (const entry of readdirSync(dir)) {
    // Its own dependencies, nested, are packages of their own: kept or emptied in their turn.
    if (entry === 'node_modules' || KEPT.test(entry)) continue;
    rmSync(join(dir, entry), { recursive: true, force: true });
  }
}
