/**
 * From a request's target to a file under the archive root, refusing
 * anything that could leave it. Pure; the symlink check, which needs the
 * disk, is `realInside` in inside-root.ts.
 */

export type PathDecision =
  | { kind: 'file'; relative: string }
  /** `..`, `.`, encoded slashes, backslashes, NUL: 403, never resolved. */
  | { kind: 'forbidden'; reason: string }
  /** Not a path at all (absolute-form, bad percent-encoding): 400. */
  | { kind: 'bad'; reason: string };

/**
 * Split the path of a request target (`/pool/x.deb?query`) into decoded
 * segments and join them as a relative path. Dot segments are refused
 * rather than normalized: no client of a mirror sends them, and refusing
 * is simpler to trust than normalizing before and after decoding.
 * @example decidePath('/pool/main/h/hello/hello_1_amd64.deb') // { kind: 'file', relative: 'pool/main/h/hello/hello_1_amd64.deb' }
 * @example decidePath('/pool/%2e%2e/%2e%2e/etc/passwd').kind === 'forbidden'
 */
export function decidePath(target: string): PathDecision {
  if (!target.startsWith('/')) return { kind: 'bad', reason: 'the request target is not a path' };
  const raw = target.split(/[?#]/, 1)[0]!;
  const segments: string[] = [];
  for (const part of raw.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return { kind: 'bad', reason: 'bad percent-encoding' };
    }
    if (segment === '..' || segment === '.') return { kind: 'forbidden', reason: 'dot segments are not allowed' };
    if (/[/\\\0]/.test(segment)) return { kind: 'forbidden', reason: 'encoded slash, backslash or NUL' };
    if (segment !== '') segments.push(segment);
  }
  return { kind: 'file', relative: segments.join('/') };
}
