#!/usr/bin/env node
/**
 * Bundles the program's entry points (`npm run build`, after tsc): Node
 * then loads a few files instead of hundreds, which is most of the start-up
 * of the CLI and of the APT method (importing webtorrent file by file costs
 * about 300 ms, bundled about half).
 *
 *   node scripts/bundle.mjs [DIST_SRC]     (default: dist/src)
 *
 * Input is tsc's output in DIST_SRC, the same JavaScript the tests import
 * module by module; only the files the program starts by path are replaced,
 * in place, by their bundles, so every path stays what it was (the CLI
 * dist/src/main.js, the method dist/src/method/main.js, the seed agent the
 * method spawns, the hash worker publish starts), and the other modules stay
 * for the tests. Code shared between the entry points, and every lazy
 * `await import()`, goes to chunks in DIST_SRC/bundle/: a lazy import stays
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
 * - The method's first two lines are a shell script (see
 *   src/method/main.ts): its bundle starts with them again, byte for byte.
 *
 * Source maps: each output gets a linked .map (SOURCEMAPS=0 leaves them out,
 * as the Debian package does), which maps back through tsc's maps to src/.
 * Node reads them only under --enable-source-maps: that costs start-up time
 * on every run, so it is not on by default (see README, "Building").
 */
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const distSrc = resolve(process.argv[2] ?? 'dist/src');
const sourcemaps = process.env.SOURCEMAPS !== '0';
const bundleDir = join(distSrc, 'bundle');

/** The files started by path: by the user, APT, spawn() or new Worker(). */
const ENTRIES = ['main.js', 'method/main.js', 'method/seed-agent.js', 'publish/hash-worker.js'];

/**
 * Loaded from node_modules at run time, not bundled:
 * - node-datachannel: its loader opens its native addon at import.
 * - utp-native, bufferutil, utf-8-validate: native addons that node-gyp-build
 *   finds from `__dirname` (webtorrent's uTP, ws's optional speed-ups), each
 *   `require`d in a try/catch that would otherwise quietly take the fallback.
 */
const EXTERNAL = ['node-datachannel', 'utp-native', 'bufferutil', 'utf-8-validate', 'fs-native-extensions', 'import-fresh', 'typescript'];

/**
 * The banner's first line marks the files written here (bundling a bundle
 * again would be wrong: tsc must run first); in the method's bundle it is
 * replaced by the shell line, which keeps the source map's lines right.
 */
const MARK = '// apt-torrent: bundled by scripts/bundle.mjs';
/** In every output's banner, the method's included: what says a file is a bundle. */
const REQUIRE = '__aptTorrentCreateRequire';

/** What a module's `import.meta.url` becomes in the bundle: its path under DIST_SRC, resolved later per output file. */
const SELF = 'apt-torrent-self:';

for (const entry of ENTRIES) {
  if (readFileSync(join(distSrc, entry), 'utf8').includes(REQUIRE)) {
    throw new Error(`${join(distSrc, entry)} is a bundle already: run tsc before bundling`);
  }
}
rmSync(bundleDir, { recursive: true, force: true });

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

const result = await build({
  entryPoints: ENTRIES.map((entry) => join(distSrc, entry)),
  outdir: distSrc,
  outbase: distSrc,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  chunkNames: 'bundle/[name]-[hash]',
  banner: { js: `${MARK}\nimport { createRequire as ${REQUIRE} } from 'node:module';\nconst require = ${REQUIRE}(import.meta.url);` },
  sourcemap: sourcemaps ? 'linked' : false,
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: true,
  write: false,
  plugins: [selfUrl],
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
    const target = relative(dirname(file.path), join(distSrc, path)).split(sep).join('/');
    return JSON.stringify(target.startsWith('.') ? target : `./${target}`);
  });
  if (text.includes(SELF)) throw new Error(`${file.path}: an import.meta.url was not resolved`);
  if (file.path === join(distSrc, 'method/main.js')) {
    // esbuild keeps the #! line but drops the second, a comment to JavaScript: it takes the mark's place.
    const [hashbang, mark, ...rest] = text.split('\n');
    if (hashbang !== methodHead[0] || mark !== MARK) throw new Error(`${file.path}: the bundle does not start with the #! line and the banner`);
    text = [hashbang, methodHead[1], ...rest].join('\n');
  }
  writeFileSync(file.path, text);
}
for (const entry of ENTRIES) {
  const path = join(distSrc, entry);
  if (readFileSync(path, 'utf8').startsWith('#!')) chmodSync(path, 0o755);
}
