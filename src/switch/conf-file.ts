/**
 * The one apt.conf.d file `enable` writes, and reading it back. Pure.
 *
 * Not `50apt-torrent`: that name is the `apt-get update` hook shipped in
 * system/, which an admin installs separately and keeps.
 */

export const CONF_NAME = '50apt-torrent-method';

export const METHOD_SCHEMES = ['torrent+http', 'torrent+https'] as const;
export type MethodScheme = (typeof METHOD_SCHEMES)[number];

/** APT's own default of Acquire::Max-Pipeline-Depth: requests handed to one method process at once. */
export const APT_PIPELINE_DEPTH = 10;

const MARKER = '// Written by `apt-torrent enable`; `apt-torrent disable` removes it.';

export interface ConfContent {
  /** Executables to register, for the schemes APT would not find in its methods directory. */
  register: Partial<Record<MethodScheme, string>>;
  /** Acquire::Max-Pipeline-Depth to set, when above APT's default and not set elsewhere. */
  pipelineDepth?: number;
}

export function renderConf(content: ConfContent): string {
  const lines = [
    MARKER,
    '// APT\'s http and https sources were switched to torrent+http and torrent+https, apt-torrent\'s method.',
  ];
  if (content.pipelineDepth !== undefined) {
    lines.push(
      `// The method downloads many files at once: APT hands it up to this many requests per host (APT's default: ${APT_PIPELINE_DEPTH}).`,
      `Acquire::Max-Pipeline-Depth "${content.pipelineDepth}";`,
    );
  }
  const registered = METHOD_SCHEMES.filter((scheme) => content.register[scheme] !== undefined);
  if (registered.length > 0) lines.push('// The method is not installed in APT\'s methods directory: these are its executables.');
  for (const scheme of registered) lines.push(`Dir::Bin::Methods::${scheme} "${content.register[scheme]}";`);
  return `${lines.join('\n')}\n`;
}

/** Whether a file is one `enable` wrote (its first line). */
export function isOurConf(text: string): boolean {
  return text.startsWith(MARKER);
}

/** What a file written by renderConf() says. */
export function readConf(text: string): ConfContent {
  const content: ConfContent = { register: {} };
  for (const line of text.split('\n')) {
    const method = /^Dir::Bin::Methods::(torrent\+https?) "([^"]*)";$/.exec(line);
    if (method) content.register[method[1] as MethodScheme] = method[2]!;
    const depth = /^Acquire::Max-Pipeline-Depth "(\d+)";$/.exec(line);
    if (depth) content.pipelineDepth = Number(depth[1]);
  }
  return content;
}
