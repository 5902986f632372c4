import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI } from '../helpers/cli.js';
import { METHOD } from '../method/method-client.js';

/** What a file's static imports (not `import()`) reach: the files, and the packages named. */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^\s*(?:import|export)\s+(?:[^'"();]*?\sfrom\s*)?["']([^"']+)["']/gm)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier));
      else if (!specifier.startsWith('node:')) packages.add(specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
    }
  }
  return { files, packages };
}

/** Whether the graph holds `module` (a path under the checkout), as a file of its own or bundled into one (esbuild names each module in a comment). */
function holds(graph: { files: Set<string>; packages: Set<string> }, module: string): boolean {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
  if ([...graph.files].some((file) => file === resolve(root, module))) return true;
  const name = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module)?.[1];
  if (name && graph.packages.has(name)) return true;
  return [...graph.files].some((file) => readFileSync(file, 'utf8').includes(`// ${module}`));
}

// Start-up is most of what a short run costs: the heavy modules load only on the paths that need them.
describe('the built entry points load the heavy modules lazily', () => {
  it('the command line: neither webtorrent nor the HTTP stack before a command needs them (--help needs neither)', () => {
    const graph = staticGraph(CLI);
    assert.ok(holds(graph, 'node_modules/commander/index.js') || graph.packages.has('commander'), 'the walk reaches commander');
    for (const heavy of ['node_modules/webtorrent/index.js', 'node_modules/got/dist/source/index.js', 'node_modules/bittorrent-tracker/index.js']) {
      assert.equal(holds(graph, heavy), false, `${heavy} is loaded at start`);
    }
  });

  it('the APT method: only the protocol until the capabilities are out and APT\'s messages are read', () => {
    const graph = staticGraph(METHOD);
    assert.ok(holds(graph, 'dist/src/method/message-reader.js'), 'the walk reaches the message reader');
    for (const heavy of ['dist/src/method/session.js', 'dist/src/config/load.js', 'node_modules/got/dist/source/index.js', 'node_modules/webtorrent/index.js']) {
      assert.equal(holds(graph, heavy), false, `${heavy} is loaded before the capabilities`);
    }
  });
});
