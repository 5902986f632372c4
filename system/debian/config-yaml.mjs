// Prints /etc/apt-torrent/config.yaml as shipped: every key of the schema,
// commented out at its default, with its description. Run by build.sh with
// the compiled schema: node config-yaml.mjs <dist>/src/config/schema.js
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const { schema } = await import(pathToFileURL(resolve(process.argv[2])).href);

/** Words of `text` in lines of at most `width` characters, each after `prefix`. */
function wrap(text, prefix, width = 78) {
  const lines = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && prefix.length + line.length + 1 + word.length > width) {
      lines.push(prefix + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(prefix + line);
  return lines;
}

const out = [
  '# apt-torrent configuration. Every key is listed, commented out, at its default:',
  '# uncomment a line to change it. Keys may also be nested (`http:` then',
  '# `  parallel: 8`). See apt-torrent.conf(5). A config.json in this directory',
  '# is read first, then this file.',
];
for (const [key, definition] of Object.entries(schema)) {
  out.push('', ...wrap(definition.description, '# '), `# ${key}: ${JSON.stringify(definition.default)}`);
}
process.stdout.write(`${out.join('\n')}\n`);
