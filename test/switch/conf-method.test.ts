import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOurConf, readConf, renderConf } from '../../src/switch/conf-file.js';
import { chooseMethods, currentMethods, type FileState, type MethodFacts } from '../../src/switch/method-choice.js';

const facts = (overrides: Partial<MethodFacts>, files: Record<string, FileState>): MethodFacts => ({
  methodsDir: '/usr/lib/apt/methods/',
  configured: {},
  ours: {},
  candidate: '/opt/apt-torrent/dist/src/method/main.js',
  files: new Map(Object.entries(files)),
  ...overrides,
});

describe('the apt.conf.d file', () => {
  it('says what it registers, and reads back the same', () => {
    const content = { register: { 'torrent+http': '/x/main.js', 'torrent+https': '/x/main.js' }, pipelineDepth: 16 };
    const text = renderConf(content);
    assert.match(text, /^Acquire::Max-Pipeline-Depth "16";$/m);
    assert.match(text, /^Dir::Bin::Methods::torrent\+https "\/x\/main.js";$/m);
    assert.ok(isOurConf(text));
    assert.deepEqual(readConf(text), content);
    assert.deepEqual(readConf(renderConf({ register: {} })), { register: {} });
    assert.equal(isOurConf('// mine\nDebug::X "1";\n'), false);
  });
});

describe('chooseMethods', () => {
  it('uses APT\'s methods directory when the method is installed there', () => {
    const chosen = chooseMethods(facts({}, { '/usr/lib/apt/methods/torrent+http': 'executable', '/usr/lib/apt/methods/torrent+https': 'executable' }));
    assert.deepEqual(chosen.map((method) => method.how), ['installed', 'installed']);
  });

  it('registers this installation\'s method otherwise, and says when it is missing or not executable', () => {
    assert.deepEqual(chooseMethods(facts({}, { '/opt/apt-torrent/dist/src/method/main.js': 'executable' })).map((method) => [method.how, method.path, method.state]), [
      ['registered', '/opt/apt-torrent/dist/src/method/main.js', 'executable'],
      ['registered', '/opt/apt-torrent/dist/src/method/main.js', 'executable'],
    ]);
    assert.equal(chooseMethods(facts({}, {}))[0]!.state, 'missing');
    assert.equal(chooseMethods(facts({}, { '/opt/apt-torrent/dist/src/method/main.js': 'not-executable' }))[0]!.state, 'not-executable');
  });

  it('leaves an admin\'s own registration be, but takes its own for its own', () => {
    const admin = facts({ configured: { 'torrent+http': '/usr/local/bin/m' } }, { '/usr/local/bin/m': 'executable', '/opt/apt-torrent/dist/src/method/main.js': 'executable' });
    assert.deepEqual(chooseMethods(admin).map((method) => method.how), ['configured', 'registered']);
    const own = facts({ configured: { 'torrent+http': '/old/main.js' }, ours: { 'torrent+http': '/old/main.js' } }, { '/opt/apt-torrent/dist/src/method/main.js': 'executable' });
    assert.deepEqual(chooseMethods(own).map((method) => [method.how, method.path]), [
      ['registered', '/opt/apt-torrent/dist/src/method/main.js'],
      ['registered', '/opt/apt-torrent/dist/src/method/main.js'],
    ]);
    assert.deepEqual(currentMethods(own).map((method) => [method.how, method.path, method.state]), [
      ['registered', '/old/main.js', 'missing'],
      ['installed', '/usr/lib/apt/methods/torrent+https', 'missing'],
    ]);
  });
});
