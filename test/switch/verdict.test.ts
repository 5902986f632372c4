import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSources, type SourcesFormat } from '../../src/apt/sources-file.js';
import { verdictsOf } from '../../src/switch/verdict.js';

/** The verdicts of files given as [path, text], as `state reason` per URI. */
function judge(...files: Array<[string, string]>): string[] {
  const parsed = files.map(([path, text]) => ({ path, entries: parseSources(text, (path.endsWith('.sources') ? 'deb822' : 'one-line') as SourcesFormat) }));
  const verdicts = verdictsOf(parsed);
  return parsed.flatMap((file) => file.entries.map((entry) => {
    const verdict = verdicts.get(entry)!;
    return `${file.path}:${entry.line} ${verdict.state}${verdict.state === 'left' ? ` ${verdict.reason}` : ''}`;
  }));
}

describe('verdictsOf', () => {
  it('switches http and https deb lines, leaves other schemes, disabled stanzas and malformed lines alone', () => {
    const list = [
      'deb http://a/ s main',
      'deb https://b/ s main',
      'deb file:/srv/r ./',
      'deb mirror+http://m/list s main',
      'deb torrent+http://c/ s main',
      'deb http://d/',
    ].join('\n');
    const sources = 'Types: deb\nURIs: http://e/\nSuites: s\nComponents: main\nEnabled: no\n';
    assert.deepEqual(judge(['l.list', list], ['x.sources', sources]), [
      'l.list:1 switchable',
      'l.list:2 switchable',
      'l.list:3 left scheme',
      'l.list:4 left scheme',
      'l.list:5 switched',
      'l.list:6 left unparsable',
      'x.sources:2 left disabled',
    ]);
  });

  it('switches a deb-src line with the deb lines of its repository, even in another file or scheme', () => {
    // APT reads these as one repository: left on http:// ahead of the deb line, the deb-src line would win.
    assert.deepEqual(judge(['a.list', 'deb-src http://h/d s main'], ['b.list', 'deb https://h/d/ s main\ndeb-src http://h/d other main']), [
      'a.list:1 switchable',
      'b.list:1 switchable',
      'b.list:2 left deb-src',
    ]);
    assert.deepEqual(judge(['a.list', 'deb torrent+http://h/d s main\ndeb-src http://h/d s main']), ['a.list:1 switched', 'a.list:2 switchable']);
  });

  it('leaves a whole repository alone when one of its lines uses a scheme it leaves alone', () => {
    assert.deepEqual(judge(['a.list', 'deb tor+http://onion/d s main\ndeb-src http://onion/d s main\ndeb http://onion/d s contrib']), [
      'a.list:1 left scheme',
      'a.list:2 left shared',
      'a.list:3 left shared',
    ]);
  });

  it('follows a deb822 URI that serves several suites into every repository it is in', () => {
    // The URI of x.sources is in s (blocked by tor+) and t, so t's other line would be read second and stay http: leave both.
    const sources = 'Types: deb\nURIs: http://h/d\nSuites: s t\nComponents: main\n';
    assert.deepEqual(judge(['a.list', 'deb tor+http://h/d s main'], ['x.sources', sources], ['z.list', 'deb http://h/d t main']), [
      'a.list:1 left scheme',
      'x.sources:2 left shared',
      'z.list:1 left shared',
    ]);
  });

  it('does not count disabled or malformed entries as part of a repository', () => {
    const disabled = 'Types: deb\nURIs: tor+http://h/d\nSuites: s\nComponents: main\nEnabled: no\n';
    assert.deepEqual(judge(['x.sources', disabled], ['a.list', 'deb http://h/d s main']), ['x.sources:2 left disabled', 'a.list:1 switchable']);
  });
});
