// Prints the DEP-5 paragraphs of the npm packages bundled under
// <prefix>/node_modules: one Files paragraph per package with the licence its
// package.json declares, then one stand-alone License paragraph per licence.
// With a third argument, the path of the bundles in the package: first a
// Files paragraph for them, which hold apt-torrent's code and that of those
// packages (emptied in node_modules but for package.json and licence files).
// node copyright-bundled.mjs <node_modules dir> <path of that dir in the package> [<path of the bundles>]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, installed, bundles] = process.argv.slice(2);

function packages(root) {
  const names = [];
  for (const entry of readdirSync(root).sort()) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) for (const inner of readdirSync(join(root, entry)).sort()) names.push(`${entry}/${inner}`);
    else names.push(entry);
  }
  return names;
}

/** package.json's licence as an SPDX-like short name. */
function licence(manifest) {
  const value = manifest.license ?? manifest.licenses;
  const one = (item) => (typeof item === 'string' ? item : item?.type ?? 'unknown');
  const name = Array.isArray(value) ? value.map(one).join(' or ') : one(value);
  return name.replace(/^\((.*)\)$/, '$1').replace(/ OR /g, ' or ').replace(/^MPL 2\.0$/, 'MPL-2.0');
}

const common = { 'Apache-2.0': 'Apache-2.0', 'MPL-2.0': 'MPL-2.0', 'CC0-1.0': 'CC0-1.0' };
const seen = new Set();
const out = [];
for (const name of packages(dir)) {
  const manifest = JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8'));
  const short = licence(manifest);
  for (const part of short.split(' or ')) seen.add(part);
  const author = typeof manifest.author === 'string' ? manifest.author : manifest.author?.name;
  out.push(
    '',
    `Files: ${installed}/${name}/*`,
    `Copyright: ${author ? author.replace(/\s*<[^>]*>/, '').replace(/\s*\([^)]*\)/, '') : `the authors of ${name}`}`,
    `Comment: ${name} ${manifest.version}, from the npm registry`,
    `License: ${short}`,
  );
}
if (bundles) {
  out.unshift(
    '',
    `Files: ${bundles}/*`,
    'Copyright: 2026 apt-torrent developers, and the authors of the npm packages below',
    'Comment: apt-torrent\'s own code, and the code of the npm packages below whose',
    ` folder under ${installed} holds only package.json and licence files,`,
    ' each under the licence of its own paragraph.',
    `License: ${[...seen].sort().join(' and ')}`,
  );
}
for (const name of [...seen].sort()) {
  if (name === 'MIT') continue;
  const where = common[name]
    ? `On Debian systems, the full text of this licence is in /usr/share/common-licenses/${common[name]}.`
    : `The full text is in the LICENSE file of each package under ${installed} that names it.`;
  out.push('', `License: ${name}`, ` ${where}`);
}
process.stdout.write(`${out.join('\n')}\n`);
