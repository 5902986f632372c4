import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { defaults, schema } from '../../src/config/schema.js';
import { validateLayer } from '../../src/config/validate.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
import { buildDeb, contents, controlFile, DEB_ARCH, DEB_NAME, REPO, VERSION, type Entry } from './helpers/build.js';

const run = promisify(execFile);
const has = (command: string) => ['/usr/bin', '/usr/sbin', '/bin', '/sbin'].some((dir) => existsSync(join(dir, command)));

describe('npm run deb', () => {
  let dir: string;
  let deb: string;
  let entries: Entry[];
  let tree: string;
  const entry = (path: string) => entries.find((item) => item.path === path);

  before(async () => {
    dir = tempDir('deb');
    deb = await buildDeb(join(dir, 'out'));
    entries = await contents(deb);
    tree = join(dir, 'tree');
    await run('dpkg-deb', ['-x', deb, tree]);
  });
  after(() => removeTempDir(dir));

  it('builds apt-torrent_<version>_<arch>.deb with the control fields of an admin tool', async () => {
    assert.equal(deb, join(dir, 'out', DEB_NAME));
    const control = await controlFile(deb, 'control');
    assert.match(control, /^Package: apt-torrent$/m);
    assert.match(control, new RegExp(`^Version: ${VERSION.replace(/\./g, '\\.')}$`, 'm'));
    // The native addons it carries (node-datachannel's above all) are for one CPU.
    assert.match(control, new RegExp(`^Architecture: ${DEB_ARCH}$`, 'm'));
    // What the addons link, with versions from dpkg-shlibdeps.
    assert.match(control, /^Depends: nodejs \(>= 20\), apt, libc6 \(>= [\d.]+\), libstdc\+\+6 \(>= [\d.]+\)$/m);
    // Only manifestKeyring, off by default, runs gpgv.
    assert.match(control, /^Recommends: gpgv$/m);
    assert.match(control, /^Section: admin$/m);
    assert.match(control, /^Priority: optional$/m);
    assert.match(control, /^Installed-Size: \d+$/m);
  });

  it('holds the program, its commands and APT methods, man pages, completion, the unit and the configuration', () => {
    const executables = ['usr/bin/apt-torrent', 'usr/lib/apt/methods/torrent+http', 'usr/lib/apt/methods/torrent+https'];
    for (const path of executables) assert.equal(entry(path)?.mode, '-rwxr-xr-x', path);
    assert.match(readFileSync(join(tree, 'usr/bin/apt-torrent'), 'utf8'), /^exec \/usr\/bin\/node \/usr\/lib\/apt-torrent\/dist\/src\/main\.js "\$@"$/m);
    const method = readFileSync(join(tree, 'usr/lib/apt/methods/torrent+https'), 'utf8');
    assert.match(method, /^PATH=\/usr\/bin\$\{PATH:\+:\$PATH\}; export PATH$/m, 'the system\'s node comes first');
    assert.match(method, /^exec \/bin\/sh \/usr\/lib\/apt-torrent\/dist\/src\/method\/main\.js "\$@"$/m);
    const files = [
      'usr/lib/apt-torrent/package.json',
      'usr/lib/apt-torrent/dist/src/main.js',
      'usr/lib/apt-torrent/dist/src/method/main.js',
      'usr/lib/apt-torrent/manifests/manifest.schema.json',
      'usr/lib/apt-torrent/node_modules/webtorrent/package.json',
      'usr/lib/apt-torrent/node_modules/commander/package.json',
      'usr/share/bash-completion/completions/apt-torrent',
      'usr/share/zsh/vendor-completions/_apt-torrent',
      'usr/share/fish/vendor_completions.d/apt-torrent.fish',
      'usr/lib/systemd/system/apt-torrent-seed.service',
      'etc/apt/apt.conf.d/50apt-torrent',
      'etc/apt-torrent/config.yaml',
      'usr/share/doc/apt-torrent/copyright',
      'usr/share/doc/apt-torrent/changelog.gz',
    ];
    for (const path of files) assert.ok(entry(path), `${path} is in the package`);
    for (const page of readdirSync(join(REPO, 'man'))) {
      const section = page.split('.').at(-1);
      const shipped = entry(`usr/share/man/man${section}/${page}.gz`);
      assert.equal(shipped?.mode, '-rw-r--r--', page);
    }
    for (const [shipped, source] of [
      ['usr/lib/systemd/system/apt-torrent-seed.service', 'system/apt-torrent-seed.service'],
      ['etc/apt/apt.conf.d/50apt-torrent', 'system/50apt-torrent'],
      ['usr/share/bash-completion/completions/apt-torrent', 'completions/apt-torrent.bash'],
    ]) {
      assert.deepEqual(readFileSync(join(tree, shipped!)), readFileSync(join(REPO, source!)), `${shipped} is ${source} as it is`);
    }
  });

  it('leaves out the dev dependencies, the tests and source maps; every entry is root\'s and no one else may write', () => {
    const paths = entries.map((item) => item.path);
    assert.equal(paths.filter((path) => /^usr\/lib\/apt-torrent\/node_modules\/(typescript|fast-check)\//.test(path)).length, 0);
    assert.equal(paths.filter((path) => path.startsWith('usr/lib/apt-torrent/dist/test')).length, 0);
    assert.equal(paths.filter((path) => path.startsWith('usr/lib/apt-torrent/dist/') && path.endsWith('.js.map')).length, 0);
    // Addons for this CPU only, none for the Bare runtime.
    const addons = paths.filter((path) => /\.(node|bare)$/.test(path));
    assert.ok(addons.some((path) => path.includes('node-datachannel')), 'node-datachannel\'s addon, which webtorrent cannot load without');
    assert.deepEqual(addons.filter((path) => path.endsWith('.bare') || /prebuilds\/(?!linux-)/.test(path) || /musl/.test(path)), []);
    for (const item of entries) {
      assert.equal(item.owner, 'root/root', item.path);
      assert.match(item.mode, /^(d|-|l)r[w-][x-]r-[x-]r-[x-]$/, `${item.path} ${item.mode}`);
    }
  });

  it('compresses man pages with no name or time stamp in them', async () => {
    const page = join(tree, 'usr/share/man/man1/apt-torrent.1.gz');
    const bytes = readFileSync(page);
    // gzip header: flags (byte 3) without FNAME, MTIME (bytes 4-7) zero.
    assert.equal(bytes[3]! & 0x08, 0);
    assert.equal(bytes.readUInt32LE(4), 0);
    const { stdout } = await run('gzip', ['-dc', page]);
    assert.equal(stdout, readFileSync(join(REPO, 'man/apt-torrent.1'), 'utf8'));
  });

  it('marks the apt.conf.d hook and config.yaml as conffiles', async () => {
    assert.equal(await controlFile(deb, 'conffiles'), '/etc/apt/apt.conf.d/50apt-torrent\n/etc/apt-torrent/config.yaml\n');
  });

  it('ships config.yaml with every key commented out at its default, valid once uncommented', () => {
    const text = readFileSync(join(tree, 'etc/apt-torrent/config.yaml'), 'utf8');
    assert.equal(text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#')).length, 0, 'nothing set');
    // After the header, one paragraph per key: its description, then `# key: default`.
    const keys = text.trimEnd().split('\n\n').slice(1).map((paragraph) => {
      const match = /^# ([A-Za-z.]+): (.*)$/.exec(paragraph.split('\n').at(-1)!);
      assert.ok(match, paragraph);
      return [match[1]!, JSON.parse(match[2]!)] as const;
    });
    assert.deepEqual(keys.map(([key]) => key), Object.keys(schema));
    const layer = validateLayer(Object.fromEntries(keys), 'config.yaml');
    assert.deepEqual(layer.problems, []);
    assert.deepEqual(layer.values, defaults());
  });

  it('has maintainer scripts that never switch the sources on install and put them back on removal', async () => {
    const code = (script: string) => script.split('\n').filter((line) => !/^\s*#/.test(line)).join('\n');
    const postinst = code(await controlFile(deb, 'postinst'));
    assert.doesNotMatch(postinst, /apt-torrent (enable|disable)/);
    assert.match(postinst, /chmod 0700 \/var\/lib\/apt-torrent/);
    assert.match(code(await controlFile(deb, 'prerm')), /apt-torrent disable/);
    assert.match(await controlFile(deb, 'postrm'), /rm -rf "\$STATE"/);
  });

  it('gives the same bytes when built again', async () => {
    const again = await buildDeb(join(dir, 'again'));
    assert.notEqual(again, deb);
    assert.deepEqual(readFileSync(again), readFileSync(deb));
  });

  it('has no lintian errors nor warnings (those explained are in its overrides)', { skip: !has('lintian') && 'lintian is not installed (test/setup.sh installs it)' }, async () => {
    // lintian leaves a file of its own in TMPDIR: it gets one to itself.
    const env = { ...process.env, TMPDIR: tempDir('lintian') };
    const result = await run('lintian', ['--fail-on', 'none', '--tag-display-limit', '0', deb], { env, maxBuffer: 16 * 1024 * 1024 }).catch((error) => error);
    removeTempDir(env.TMPDIR);
    const complaints = String(result.stdout).split('\n').filter((line) => /^[EW]: /.test(line));
    assert.deepEqual(complaints, []);
  });

  it('ships a unit systemd-analyze accepts', { skip: !has('systemd-analyze') && 'systemd-analyze is not installed' }, async () => {
    const unit = join(tree, 'usr/lib/systemd/system/apt-torrent-seed.service');
    const result = await run('systemd-analyze', ['verify', '--man=no', unit]).then(() => ({ stderr: '' }), (error) => error);
    // The command it starts is checked on this machine, where the package is not installed.
    const missing = /^apt-torrent-seed\.service: Command \/usr\/bin\/apt-torrent is not executable: No such file or directory$/;
    const complaints = String(result.stderr).split('\n').filter((line) => line.trim() !== '' && !(missing.test(line) && !existsSync('/usr/bin/apt-torrent')));
    assert.deepEqual(complaints, []);
  });
});
