/**
 * enable, status, disable against a real APT in a sandbox (APT_CONFIG): the
 * files APT reads, what `apt-config dump` says, and what APT would fetch
 * (`apt-get update --print-uris`, which starts the method only to ask its
 * capabilities and downloads nothing; a stub answers that). The method
 * itself is not run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, appendFileSync, chmodSync, constants, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { createSandbox, removeSandbox, type Sandbox } from '../helpers/sandbox.js';

const LIST = [
  '# Debian, one-line',
  'deb [trusted=yes arch=amd64] http://127.0.0.1:9/debian bookworm main contrib',
  'deb-src [trusted=yes]  http://127.0.0.1:9/debian bookworm main # sources too',
  '',
  '#deb http://127.0.0.1:9/old stable main',
  'deb [trusted=yes] file:/srv/local-repo ./',
  '',
].join('\n');

const SOURCES = [
  '# Third party, deb822 with an inline key',
  'Types: deb',
  'URIs: https://127.0.0.2:9/third',
  '# the second mirror',
  ' http://127.0.0.3:9/third',
  'Suites: stable',
  'Components: main',
  'Signed-By:',
  ' -----BEGIN PGP PUBLIC KEY BLOCK-----',
  ' .',
  ' mDMEZVx5nRYJKwYBBAHaRw8BAQdAhttp://127.0.0.4/notaURIx8Yq0K7c3S4w9V2pL',
  ' tBZUZXN0IDx0ZXN0QGV4YW1wbGUub3JnPg==',
  ' =qN3c',
  ' -----END PGP PUBLIC KEY BLOCK-----',
  '',
  'Types: deb',
  'URIs: http://127.0.0.5:9/off',
  'Suites: stable',
  'Components: main',
  'Enabled: no',
  '',
].join('\n');

/** A method that only answers APT's first question (its capabilities): enough for --print-uris. */
const STUB = "#!/bin/sh\nprintf '100 Capabilities\\nVersion: 1.0\\nSingle-Instance: true\\nSend-Config: true\\n\\n'\ncat >/dev/null\n";

const CHECKOUT_METHOD = fileURLToPath(new URL('../../src/method/main.js', import.meta.url));

describe('switching APT\'s sources over and back', () => {
  let box: Sandbox;
  let env: NodeJS.ProcessEnv;
  let files: Record<string, string>;
  let originals: Map<string, Buffer>;
  const confFile = () => join(box.dir, 'etc/apt.conf.d/50apt-torrent-method');
  const record = () => join(box.dir, 'apt-torrent-state/sources-switch.json');
  const bytes = () => new Map(Object.values(files).map((path) => [path, readFileSync(path)]));
  const apt = (args: string[], extra: NodeJS.ProcessEnv = {}) => spawnSync(args[0]!, args.slice(1), { env: { ...env, ...extra }, encoding: 'utf8' });

  before(() => {
    // The mirror is never asked: nothing is downloaded here.
    box = createSandbox('http://127.0.0.1:9/');
    mkdirSync(join(box.dir, 'etc/sources.list.d'));
    mkdirSync(join(box.dir, 'elsewhere'));
    appendFileSync(join(box.dir, 'apt.conf'), `Dir::Etc::SourceParts "${box.dir}/etc/sources.list.d";\n`);
    files = {
      list: join(box.dir, 'etc/sources.list'),
      sources: join(box.dir, 'etc/sources.list.d/third.sources'),
      linked: join(box.dir, 'elsewhere/linked.list'),
    };
    writeFileSync(files.list!, LIST);
    writeFileSync(files.sources!, SOURCES);
    chmodSync(files.sources!, 0o640);
    // A symlinked part: its target changes, the link stays a link.
    writeFileSync(files.linked!, 'deb [trusted=yes] http://127.0.0.6:9/linked stable main\n');
    symlinkSync(files.linked!, join(box.dir, 'etc/sources.list.d/linked.list'));
    writeFileSync(join(box.dir, 'stub'), STUB, { mode: 0o755 });
    env = { ...box.env, APT_TORRENT_METHOD: join(box.dir, 'stub'), APT_TORRENT_SYSCONFDIR: join(box.dir, 'no-system-config') };
    originals = bytes();
  });

  after(() => removeSandbox(box));

  it('APT reads the sandbox\'s sources as given (the starting point)', () => {
    const result = apt(['apt-get', 'update', '--print-uris']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /'http:\/\/127\.0\.0\.1:9\/debian\/dists\/bookworm\/InRelease'/);
  });

  it('enable --dry-run shows the diff and writes nothing', async () => {
    const result = await runCli(['enable', '--dry-run'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^\+deb \[trusted=yes arch=amd64\] torrent\+http:\/\/127\.0\.0\.1:9\/debian bookworm main contrib$/m);
    assert.match(result.stdout, /^\+URIs: torrent\+https:\/\/127\.0\.0\.2:9\/third$/m);
    assert.match(result.stdout, /^\+\+\+ .*50apt-torrent-method$/m);
    assert.match(result.stdout, /Dry run: nothing was written/);
    assert.deepEqual(bytes(), originals);
    assert.equal(existsSync(confFile()), false);
    assert.equal(existsSync(record()), false);
  });

  it('enable switches both formats, changing nothing else, and registers the method', async () => {
    const result = await runCli(['enable'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(files.list!, 'utf8'), LIST.replace('] http://127.0.0.1', '] torrent+http://127.0.0.1').replace(']  http://127.0.0.1', ']  torrent+http://127.0.0.1'));
    assert.equal(
      readFileSync(files.sources!, 'utf8'),
      SOURCES.replace('URIs: https://127.0.0.2', 'URIs: torrent+https://127.0.0.2').replace(' http://127.0.0.3', ' torrent+http://127.0.0.3'),
    );
    assert.equal(statSync(files.sources!).mode & 0o777, 0o640);
    assert.ok(lstatSync(join(box.dir, 'etc/sources.list.d/linked.list')).isSymbolicLink());
    assert.match(readFileSync(files.linked!, 'utf8'), /torrent\+http:\/\/127\.0\.0\.6/);
    assert.match(result.stdout, /file:\/srv\/local-repo.*file: is not plain http or https/);
    assert.match(result.stdout, /127\.0\.0\.5:9\/off.*Enabled: no/);

    const dump = apt(['apt-config', 'dump']).stdout;
    assert.match(dump, new RegExp(`^Dir::Bin::methods::torrent\\+http "${env.APT_TORRENT_METHOD}";$`, 'm'));
    assert.match(dump, new RegExp(`^Dir::Bin::methods::torrent\\+https "${env.APT_TORRENT_METHOD}";$`, 'm'));
    assert.match(dump, /^Acquire::Max-Pipeline-Depth "16";$/m);

    // APT reads the rewritten files (inline key and all) and finds the method for every switched source.
    const uris = apt(['apt-get', 'update', '--print-uris']);
    assert.equal(uris.status, 0, uris.stderr);
    for (const base of ['torrent+http://127.0.0.1:9/debian/', 'torrent+https://127.0.0.2:9/third/', 'torrent+http://127.0.0.3:9/third/', 'torrent+http://127.0.0.6:9/linked/']) {
      assert.ok(uris.stdout.includes(`'${base}dists/`), `${base} in:\n${uris.stdout}`);
    }
    assert.match(uris.stdout, /'torrent\+http:\/\/127\.0\.0\.1:9\/debian\/dists\/bookworm\/main\/source\/Sources/);
    assert.doesNotMatch(uris.stdout, /'https?:\/\//);
  });

  it('enable again changes nothing and says so', async () => {
    const before = bytes();
    const result = await runCli(['enable'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Already enabled/);
    assert.deepEqual(bytes(), before);
  });

  it('status --json reports both files switched, the method registered, and no daemon', async () => {
    const result = await runCli(['status', '--json'], env);
    assert.equal(result.code, 0, result.stderr);
    const status = JSON.parse(result.stdout);
    assert.equal(status.enabled, true);
    const switched = status.sources.filter((source: { state: string }) => source.state === 'switched');
    assert.deepEqual(switched.map((source: { file: string; line: number; uri: string; byApTorrent: boolean }) => [source.file, source.line, source.uri, source.byApTorrent]), [
      [files.list, 2, 'torrent+http://127.0.0.1:9/debian', true],
      [files.list, 3, 'torrent+http://127.0.0.1:9/debian', true],
      [files.linked, 1, 'torrent+http://127.0.0.6:9/linked', true],
      [files.sources, 3, 'torrent+https://127.0.0.2:9/third', true],
      [files.sources, 5, 'torrent+http://127.0.0.3:9/third', true],
    ]);
    assert.deepEqual(status.sources.filter((source: { state: string }) => source.state === 'left').map((source: { reason: string }) => source.reason), ['scheme', 'disabled']);
    assert.deepEqual(status.methods.map((method: { how: string; state: string }) => [method.how, method.state]), [['registered', 'executable'], ['registered', 'executable']]);
    assert.deepEqual(status.confFile, { path: confFile(), present: true, ours: true, edited: false });
    assert.equal(status.seeder.state, 'not-running');
    const text = await runCli(['status'], env);
    assert.match(text.stdout, /^Enabled since/);
  });

  it('disable --dry-run writes nothing; disable puts every byte back and leaves no trace', async () => {
    const switched = bytes();
    const dry = await runCli(['disable', '--dry-run'], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^-deb \[trusted=yes arch=amd64\] torrent\+http:/m);
    assert.deepEqual(bytes(), switched);
    assert.equal(existsSync(confFile()), true);

    const result = await runCli(['disable'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Restored .*sources\.list \(byte for byte\)/);
    assert.deepEqual(bytes(), originals);
    assert.equal(statSync(files.sources!).mode & 0o777, 0o640);
    assert.ok(lstatSync(join(box.dir, 'etc/sources.list.d/linked.list')).isSymbolicLink());
    assert.deepEqual(readdirSync(join(box.dir, 'etc/apt.conf.d')), []);
    assert.deepEqual(readdirSync(join(box.dir, 'etc/sources.list.d')).sort(), ['linked.list', 'third.sources']);
    assert.equal(existsSync(record()), false);
    assert.doesNotMatch(apt(['apt-config', 'dump']).stdout, /methods::torrent|Max-Pipeline-Depth/i);
    const uris = apt(['apt-get', 'update', '--print-uris']);
    assert.equal(uris.status, 0, uris.stderr);
    assert.doesNotMatch(uris.stdout, /torrent\+/);

    const again = await runCli(['disable'], env);
    assert.match(again.stdout, /^Not enabled/);
  });

  it('refuses, writing nothing, when APT would not find the method', async () => {
    const result = await runCli(['enable'], { ...env, APT_TORRENT_METHOD: join(box.dir, 'no-such-method') });
    assert.equal(result.code, 11);
    assert.match(result.stderr, /E_NO_METHOD.*no-such-method, which does not exist/);
    assert.deepEqual(bytes(), originals);
    assert.equal(existsSync(confFile()), false);
    assert.equal(existsSync(record()), false);
  });

  it('registers nothing when the method is in APT\'s methods directory, and honours -o for the files', async () => {
    const methods = join(box.dir, 'methods');
    mkdirSync(methods);
    for (const scheme of ['torrent+http', 'torrent+https']) writeFileSync(join(methods, scheme), STUB, { mode: 0o755 });
    const other = join(box.dir, 'other.list');
    writeFileSync(other, 'deb [trusted=yes] http://127.0.0.7:9/other stable main\n');
    const options = ['-o', `Dir::Bin::Methods=${methods}`, '-o', `Dir::Etc::SourceList=${other}`, '-o', 'Dir::Etc::SourceParts=/dev/null'];
    const result = await runCli([...options, 'enable'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(other, 'utf8'), 'deb [trusted=yes] torrent+http://127.0.0.7:9/other stable main\n');
    assert.deepEqual(bytes(), originals, 'the files -o points away from are not touched');
    assert.doesNotMatch(readFileSync(confFile(), 'utf8'), /Dir::Bin::Methods/);
    const uris = apt(['apt-get', ...options, 'update', '--print-uris']);
    assert.equal(uris.status, 0, uris.stderr);
    assert.match(uris.stdout, /'torrent\+http:\/\/127\.0\.0\.7:9\/other\/dists\/stable\/InRelease'/);
    const back = await runCli([...options, 'disable'], env);
    assert.equal(back.code, 0, back.stderr);
    assert.equal(readFileSync(other, 'utf8'), 'deb [trusted=yes] http://127.0.0.7:9/other stable main\n');
    assert.equal(existsSync(confFile()), false);
  });

  it('without APT_TORRENT_METHOD, registers this checkout\'s built method, or refuses while there is none', async () => {
    const { APT_TORRENT_METHOD: _unused, ...plain } = env;
    const result = await runCli(['enable', '--dry-run'], plain);
    let executable = true;
    try {
      accessSync(CHECKOUT_METHOD, constants.X_OK);
    } catch {
      executable = false;
    }
    if (executable) {
      assert.equal(result.code, 0, result.stderr);
      assert.ok(result.stdout.includes(`+Dir::Bin::Methods::torrent+http "${CHECKOUT_METHOD}";`), result.stdout);
    } else {
      assert.equal(result.code, 11, result.stderr);
      assert.ok(result.stderr.includes(CHECKOUT_METHOD), result.stderr);
    }
    assert.deepEqual(bytes(), originals);
  });
});
