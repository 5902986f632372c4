#!/usr/bin/env node
/**
 * Bundles the program's entry points (`npm run build`, after tsc): Node
 * then loads a few files instead of hundreds, which is most of the start-up
 * of the CLI and of the APT method (importing webtorrent file by file costs
 * about 300 ms, bundled about half).
 *
 *   node system/bundle.mjs [DIST_SRC [OUT]]     (default: dist/src, and OUT = DIST_SRC)
 *   node system/bundle.mjs --externals          (the packages left in node_modules)
 *
 * Input is tsc's output in DIST_SRC, the same JavaScript the tests import
 * module by module; only the files the program starts by path are replaced,
 * in place, by their bundles, so every path stays what it was (the CLI
 * dist/src/main.js, the method dist/src/method/main.js, the seed agent the
 * method spawns, the hash worker publish starts), and the other modules stay
 * for the tests. (The Debian package gives an OUT of its own: it ships the
 * bundles alone, laid out the same.) Code shared between the entry points,
 * and every lazy `await import()`, goes to chunks in OUT/bundle/: a lazy import stays
 * lazy (`--help` loads no webtorrent, the method answers APT before it loads
 * the HTTP stack).
 *
 * What a bundle changes, handled here:
 * - `import.meta.url` is the URL of the file a module ends up in, not of the
 *   module: every use in DIST_SRC's modules is rewritten to the URL tsc's
 *   file of that module has, so the relative paths built from it (the seed
 *   agent, the method that the sandboxed child runs again, the hash worker,
 *   the manifest schema, `require` of webtorrent's package.json) are the same
 *   in both layouts.
 * - Native addons, and the packages that find their addon or other files
 *   from `__dirname`, stay outside the bundle and are loaded from
 *   node_modules as before (EXTERNAL below, with why).
 * - CommonJS dependencies `require` Node's modules: each output file gets a
 *   `require` of its own (the banner).
 * - `await import()` of a CommonJS package gives, under Node, its
 *   module.exports as `default` and its properties as named exports; in a
 *   chunk esbuild gives `default` alone (`HttpProxyAgent is not a
 *   constructor`, cosmiconfig's `defaultLoaders` undefined). Such imports go
 *   through a module that exports both (cjsNamespace).
 * - The method's first two lines are a shell script (see
 *   src/method/main.ts): its bundle starts with them again, byte for byte.
 *
 * NODE_MODULES=dir: where the dependencies are bundled from when DIST_SRC is
 * not inside the checkout (default: the checkout's node_modules).
 *
 * Source maps: each output gets a linked .map (SOURCEMAPS=0 leaves them out,
 * as the Debian package does), which maps back through tsc's maps to src/.
 * Node reads them only under --enable-source-maps: that costs start-up time
 * on every run, so it is not on by default (see README, "Building").
 */
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const distSrc = resolve(process.argv[2] ?? 'dist/src');
const out = resolve(process.argv[3] ?? distSrc);
const sourcemaps = process.env.SOURCEMAPS !== '0';
// Where bare imports are found when DIST_SRC has no node_modules above it (the Debian package's build gives its own install).
const nodeModules = resolve(process.env.NODE_MODULES ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules'));

/** The files started by path: by the user, APT, spawn() or new Worker(). */
const ENTRIES = ['main.js', 'method/main.js', 'method/seed-agent.js', 'method/seed-bridge.js', 'publish/hash-worker.js', 'fetch/head-start-worker.js'];

/**
 * Loaded from node_modules at run time, not bundled:
 * - node-datachannel: its loader opens its native addon at import.
 * - utp-native, bufferutil, utf-8-validate, fs-native-extensions: native
 *   addons found from `__dirname` (webtorrent's uTP, ws's optional speed-ups,
 *   random-access-file's file locks), each `require`d in a try/catch that,
 *   bundled, would quietly take the fallback ("uTP not supported").
 * - import-fresh, typescript: cosmiconfig's loaders of .js and .ts config
 *   files, which apt-torrent never asks for; the first finds its caller from
 *   `__filename`, the second is megabytes (and not in the Debian package).
 */
const EXTERNAL = ['node-datachannel', 'utp-native', 'bufferutil', 'utf-8-validate', 'fs-native-extensions', 'import-fresh', 'typescript'];

// --externals: the list above, one a line (the Debian package keeps these packages whole).
if (process.argv[2] === '--externals') {
  process.stdout.write(`${EXTERNAL.join('\n')}\n`);
  process.exit(0);
}

/**
 * The banner's first line marks the files written here (bundling a bundle
 * again would be wrong: tsc must run first); in the method's bundle it is
 * replaced by the shell line, which keeps the source map's lines right.
 */
const MARK = '// apt-torrent: bundled by system/bundle.mjs';
/** In every output's banner, the method's included: what says a file is a bundle. */
const REQUIRE = '__aptTorrentCreateRequire';

/** What a module's `import.meta.url` becomes in the bundle: its path under DIST_SRC, resolved later per output file. */
const SELF = 'apt-torrent-self:';

for (const entry of ENTRIES) {
  if (readFileSync(join(distSrc, entry), 'utf8').includes(REQUIRE)) {
    throw new Error(`${join(distSrc, entry)} is a bundle already: run tsc before bundling`);
  }
}
rmSync(join(out, 'bundle'), { recursive: true, force: true });

const selfUrl = {
  name: 'self-url',
  setup(context) {
    context.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(distSrc + sep)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const self = JSON.stringify(SELF + relative(distSrc, args.path).split(sep).join('/'));
      return { contents: text.replaceAll('import.meta.url', `new URL(${self}, import.meta.url).href`), loader: 'js' };
    });
  },
};

/** The deepest folder holding both: paths in the bundles' comments are relative to it, the same from build to build. */
function commonFolder(a, b) {
  const left = a.split(sep);
  const right = b.split(sep);
  let length = 0;
  while (length < left.length && left[length] === right[length]) length += 1;
  return left.slice(0, length).join(sep) || sep;
}

const workingDir = commonFolder(distSrc, nodeModules);

/** A dynamically imported CommonJS file, as Node shows it: module.exports as default, and each of its properties by name. */
const cjsNamespace = {
  name: 'cjs-namespace',
  setup(context) {
    context.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.kind !== 'dynamic-import' || args.pluginData === 'cjs-namespace') return undefined;
      const found = await context.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'cjs-namespace' });
      if (found.errors.length > 0 || found.external || !isCommonJs(found.path)) return undefined;
      // A path relative to the working folder: it is printed in the bundle, which is to be the same from build to build.
      return { path: relative(workingDir, found.path), namespace: 'cjs-namespace', pluginData: found.path };
    });
    context.onLoad({ filter: /.*/, namespace: 'cjs-namespace' }, (args) => {
      const file = args.pluginData;
      // Its names are read the way Node's import() finds them at run time: by loading it (here, at build time).
      const names = Object.keys(createRequire(file)(file)).filter((name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name));
      return {
        contents: `const m = require(${JSON.stringify(file)});\nexport default m;\n${names.map((name) => `export const ${name} = m.${name};\n`).join('')}`,
        resolveDir: dirname(file),
        loader: 'js',
      };
    });
  },
};

/** Whether Node loads the file as CommonJS: .cjs, or .js in a package without "type": "module". */
function isCommonJs(path) {
  if (path.endsWith('.cjs')) return true;
  if (!path.endsWith('.js')) return false;
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type !== 'module';
    } catch {
      // no package.json here: the folder above
    }
  }
  return true;
}

const result = await build({
  absWorkingDir: workingDir,
  entryPoints: ENTRIES.map((entry) => join(distSrc, entry)),
  outdir: out,
  outbase: distSrc,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  nodePaths: [nodeModules],
  chunkNames: 'bundle/[name]-[hash]',
  banner: { js: `${MARK}\nimport { createRequire as ${REQUIRE} } from 'node:module';\nconst require = ${REQUIRE}(import.meta.url);` },
  sourcemap: sourcemaps ? 'linked' : false,
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: true,
  write: false,
  plugins: [selfUrl, cjsNamespace],
});

// METAFILE=path: esbuild's account of what went where (inputs, chunks, sizes), for a look at the graph.
if (process.env.METAFILE) writeFileSync(process.env.METAFILE, JSON.stringify(result.metafile, null, 1));

const methodHead = readFileSync(join(distSrc, 'method/main.js'), 'utf8').split('\n').slice(0, 2);
if (!methodHead[0].startsWith('#!') || !methodHead[1].startsWith('//bin/true;')) throw new Error('dist/src/method/main.js does not start with its shell lines');

for (const file of result.outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  if (!file.path.endsWith('.js')) {
    writeFileSync(file.path, file.contents);
    continue;
  }
  let text = file.text.replace(/"apt-torrent-self:([^"]+)"/g, (_, path) => {
    const target = relative(dirname(file.path), join(out, path)).split(sep).join('/');
    return JSON.stringify(target.startsWith('.') ? target : `./${target}`);
  });
  if (text.includes(SELF)) throw new Error(`${file.path}: an import.meta.url was not resolved`);
  if (file.path === join(out, 'method/main.js')) {
    // esbuild keeps the #! line but drops the second, a comment to JavaScript: it takes the mark's place.
    const [hashbang, mark, ...rest] = text.split('\n');
    if (hashbang !== methodHead[0] || mark !== MARK) throw new Error(`${file.path}: the bundle does not start with the #! line and the banner`);
    text = [hashbang, methodHead[1], ...rest].join('\n');
  }
  writeFileSync(file.path, text);
}
for (const entry of ENTRIES) {
  const path = join(out, entry);
  if (readFileSync(path, 'utf8').startsWith('#!')) chmodSync(path, 0o755);
}
