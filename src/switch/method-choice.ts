/**
 * Where APT finds the torrent+http(s) method, and what enable must register
 * for it to be found. Pure: the file system's answers come in as `files`.
 *
 * APT runs `Dir::Bin::Methods::<scheme>` when that is set, else
 * `<Dir::Bin::Methods>/<scheme>`; a missing one fails every `apt-get update`
 * ("The method driver … could not be found"), so enable never switches a
 * source without a method APT will find.
 */
import { METHOD_SCHEMES, type MethodScheme } from './conf-file.js';

export type FileState = 'executable' | 'not-executable' | 'missing';

export interface MethodFacts {
  /** Dir::Bin::Methods, ending in `/`. */
  methodsDir: string;
  /** Dir::Bin::Methods::<scheme> as APT resolves it, where set (by anyone, enable's own file included). */
  configured: Partial<Record<MethodScheme, string>>;
  /** What enable's own apt.conf.d file registers now. */
  ours: Partial<Record<MethodScheme, string>>;
  /** The method of this installation or checkout (dist/src/method/main.js). */
  candidate: string;
  files: ReadonlyMap<string, FileState>;
}

export interface MethodChoice {
  scheme: MethodScheme;
  path: string;
  /** `configured`: set by someone else; `installed`: in APT's methods directory; `registered`: enable's file names it. */
  how: 'configured' | 'installed' | 'registered';
  state: FileState;
}

/** The paths whose state the facts need. */
export function pathsToCheck(methodsDir: string, configured: Partial<Record<MethodScheme, string>>, candidate: string): string[] {
  return [...new Set([...METHOD_SCHEMES.map((scheme) => `${methodsDir}${scheme}`), ...Object.values(configured), candidate])];
}

/** What APT runs for each scheme as configured now (for status). */
export function currentMethods(facts: MethodFacts): MethodChoice[] {
  return METHOD_SCHEMES.map((scheme) => {
    const configured = facts.configured[scheme];
    const path = configured ?? `${facts.methodsDir}${scheme}`;
    const how = configured === undefined ? 'installed' : facts.ours[scheme] === configured ? 'registered' : 'configured';
    return { scheme, path, how, state: facts.files.get(path) ?? 'missing' };
  });
}

/**
 * What enable should do for each scheme: leave an admin's own registration
 * be, use APT's methods directory when the method is installed there, and
 * otherwise register the candidate.
 */
export function chooseMethods(facts: MethodFacts): MethodChoice[] {
  return METHOD_SCHEMES.map((scheme) => {
    const configured = facts.configured[scheme];
    if (configured !== undefined && facts.ours[scheme] !== configured) {
      return { scheme, path: configured, how: 'configured', state: facts.files.get(configured) ?? 'missing' };
    }
    const installed = `${facts.methodsDir}${scheme}`;
    if (facts.files.get(installed) === 'executable') return { scheme, path: installed, how: 'installed', state: 'executable' };
    return { scheme, path: facts.candidate, how: 'registered', state: facts.files.get(facts.candidate) ?? 'missing' };
  });
}
