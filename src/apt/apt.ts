import { AptTorrentError } from '../errors.js';
import { runCapture, runInteractive } from '../util/run.js';
import { parseAptConfigDump, parseAptConfigShell } from './apt-config.js';
import { splitLogin, type AuthEntry } from './auth-conf.js';
import { parsePrintUris, type AptUri } from './print-uris.js';

/** The apt-get verbs apt-torrent resolves and runs. */
export type AptVerb = 'install' | 'upgrade' | 'dist-upgrade';

/** One Packages index in APT's lists, as `apt-get indextargets` names it. */
export interface IndexTarget {
  /** The local (possibly lz4-compressed) file under Dir::State::lists. */
  file: string;
  /** The repository root that pool paths are relative to, e.g. `http://deb.debian.org/debian/`. */
  repoUri: string;
  /** The suite as the source names it (`bookworm`, `stable`), for `dists/<suite>/`. */
  release: string;
  /** Where this suite's Release/InRelease lies in APT's lists (they may not exist). */
  releaseFiles: string[];
}

export interface AptDirectories {
  archives: string;
  partial: string;
  lists: string;
  /** auth.conf and auth.conf.d: APT's login files. */
  netrc: string;
  netrcParts: string;
}

const APT_HELPER = '/usr/lib/apt/apt-helper';

/**
 * APT names list files by escaping the URI (`/` → `_`): the index of
 * `…/dists/stable/main/binary-amd64/Packages` and the suite's InRelease
 * share the prefix before the escaped MetaKey.
 */
export function releaseFilesBeside(indexFile: string, metaKey: string): string[] {
  const escaped = metaKey.replace(/\//g, '_');
  const bare = indexFile.replace(/\.(lz4|gz|xz|bz2|lzma|zst)$/, '');
  if (!escaped || !bare.endsWith(escaped)) return [];
  const prefix = bare.slice(0, bare.length - escaped.length);
  return [`${prefix}InRelease`, `${prefix}Release`];
}

/**
 * The APT programs, always called with the user's `-o` options; APT_CONFIG
 * reaches them through the environment, exactly as with apt-get itself.
 */
export class Apt {
  /** Logins taken out of the URIs APT printed (`http://user:pass@host/`), for the requests to those sources. */
  private readonly logins: AuthEntry[] = [];

  constructor(
    private readonly options: readonly string[],
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** `-o KEY=VALUE` pairs for the command line. */
  optionArgs(): string[] {
    return this.options.flatMap((option) => ['-o', option]);
  }

  /** What APT would download for `apt-get VERB ARGS`. */
  async printUris(verb: AptVerb, args: readonly string[]): Promise<AptUri[]> {
    const result = await this.capture('apt-get', [...this.optionArgs(), verb, '--print-uris', '-qq', ...args]);
    if (result.code !== 0) {
      const said = result.stderr.trim() || result.stdout.trim();
      throw new AptTorrentError('E_APT_RESOLVE', `apt-get ${verb} could not resolve the request:\n${said}`, {
        hint: 'this is what apt-get itself says; fix the package names or sources, then run apt-torrent again',
        exitCode: result.code,
      });
    }
    return parsePrintUris(result.stdout).map((uri) => ({ ...uri, uri: this.withoutLogin(uri.uri) }));
  }

  /**
   * The logins that sources.list embeds in URIs, as auth.conf entries for
   * those sources. Every URI this object hands out has its login taken out
   * (so none is printed, or stored in apt-torrent's state); requests to it
   * get the login from here.
   */
  sourceLogins(): readonly AuthEntry[] {
    return this.logins;
  }

  private withoutLogin(uri: string): string {
    const { uri: bare, entry } = splitLogin(uri);
    if (entry && !this.logins.some((known) => JSON.stringify(known) === JSON.stringify(entry))) this.logins.push(entry);
    return bare;
  }

  /** APT's archive cache, its partial directory and its lists directory, with `-o` applied. */
  async directories(): Promise<AptDirectories> {
    const result = await this.capture('apt-config', [
      ...this.optionArgs(), 'shell', 'ARCHIVES', 'Dir::Cache::archives/d', 'LISTS', 'Dir::State::lists/d',
      'NETRC', 'Dir::Etc::netrc/f', 'NETRCPARTS', 'Dir::Etc::netrcparts/d',
    ]);
    const values = parseAptConfigShell(result.stdout);
    const archives = values.get('ARCHIVES');
    const lists = values.get('LISTS');
    if (result.code !== 0 || !archives || !lists) {
      throw new AptTorrentError('E_APT_CONFIG', `apt-config did not tell where APT's archive cache is:\n${result.stderr.trim()}`, {
        hint: 'check APT_CONFIG and the -o options you passed',
      });
    }
    return {
      archives,
      partial: `${archives.replace(/\/$/, '')}/partial/`,
      lists,
      netrc: values.get('NETRC') ?? '/etc/apt/auth.conf',
      netrcParts: values.get('NETRCPARTS') ?? '/etc/apt/auth.conf.d/',
    };
  }

  /**
   * Values of APT configuration keys, as `apt-config shell` gives them:
   * `{ LIST: 'Dir::Etc::SourceList/f' }` resolves the path the way APT does
   * (`/f` a file, `/d` a directory). A key that is not set is absent.
   */
  async configValues(keys: Record<string, string>): Promise<Map<string, string>> {
    const result = await this.capture('apt-config', [...this.optionArgs(), 'shell', ...Object.entries(keys).flat()]);
    if (result.code !== 0) {
      throw new AptTorrentError('E_APT_CONFIG', `apt-config could not read APT's configuration:\n${result.stderr.trim()}`, {
        hint: 'check APT_CONFIG and the -o options you passed',
      });
    }
    return parseAptConfigShell(result.stdout);
  }

  /** The full configuration as `apt-config dump` prints it, keys lower-cased. */
  async dump(): Promise<Map<string, string[]>> {
    const result = await this.capture('apt-config', [...this.optionArgs(), 'dump']);
    return parseAptConfigDump(result.stdout);
  }

  /** The Packages indexes APT has in its lists. */
  async packagesIndexes(): Promise<IndexTarget[]> {
    const result = await this.capture('apt-get', [
      ...this.optionArgs(), 'indextargets', '--format', '$(FILENAME)\t$(REPO_URI)\t$(RELEASE)\t$(METAKEY)', 'Created-By: Packages',
    ]);
    if (result.code !== 0) {
      throw new AptTorrentError('E_APT_CONFIG', `apt-get indextargets failed:\n${result.stderr.trim()}`);
    }
    return result.stdout
      .split('\n')
      .filter((line) => line.includes('\t'))
      .map((line) => {
        const [file, repoUri, release = '', metaKey = ''] = line.split('\t') as [string, string, string?, string?];
        return { file, repoUri: this.withoutLogin(repoUri), release, releaseFiles: releaseFilesBeside(file, metaKey) };
      });
  }

  /** A list file's text, decompressed by APT itself (lz4, zstd, gz, xz…). */
  async catFile(file: string): Promise<string | undefined> {
    const result = await this.capture(APT_HELPER, ['cat-file', file]);
    // indextargets also lists indexes that `apt-get update` has not fetched yet.
    return result.code === 0 ? result.stdout : undefined;
  }

  /** Run `apt-get VERB ARGS` with the terminal handed over; resolves its exit status. */
  runAptGet(verb: AptVerb, args: readonly string[]): Promise<number> {
    return runInteractive('apt-get', [...this.optionArgs(), verb, ...args], this.env);
  }

  private async capture(command: string, args: string[]) {
    try {
      return await runCapture(command, args, { env: this.env });
    } catch (error) {
      throw new AptTorrentError('E_APT_CONFIG', `cannot run ${command}: ${(error as Error).message}`, {
        hint: 'apt-torrent needs APT (apt-get, apt-config, apt-helper) on this machine',
        cause: error,
      });
    }
  }
}
