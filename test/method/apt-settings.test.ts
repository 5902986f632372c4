import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dequote, findDir, findFile, flagSetting, parseConfiguration, setting } from '../../src/method/apt-settings.js';
import { MessageReader } from '../../src/method/message-reader.js';

/** A 601 as APT 2.6 sends it in the test sandbox (trimmed): keys and values %-quoted, lists as `Key::`. */
const CONFIGURATION = [
  '601 Configuration',
  'Config-Item: Acquire::Send-URI-Encoded=1',
  'Config-Item: APT::Sandbox::User=root',
  'Config-Item: Dir=/',
  'Config-Item: Dir::State=/tmp/box/state',
  'Config-Item: Dir::State::lists=lists/',
  'Config-Item: Dir::Cache=/tmp/box/cache',
  'Config-Item: Dir::Cache::archives=archives/',
  'Config-Item: Dir::Etc=etc/apt',
  'Config-Item: Dir::Etc::netrc=auth.conf',
  'Config-Item: Dir::Etc::netrcparts=/tmp/box/etc/auth.conf.d',
  'Config-Item: Acquire::IndexTargets::deb::Packages::Description=$(RELEASE)/$(COMPONENT)%2520$(ARCHITECTURE)%2520Packages',
  'Config-Item: DPkg::Options::=--root%253d/tmp/box/root',
  'Config-Item: DPkg::Options::=--force-not-root',
  'Config-Item: Acquire::http::Proxy::mirror.example=DIRECT',
  'Config-Item: no equals sign',
  '',
  '',
].join('\n');

describe('APT settings from 601 Configuration', () => {
  const settings = parseConfiguration(new MessageReader().push(Buffer.from(CONFIGURATION))[0]!);

  it('keeps values under lower-cased keys, decoded once as APT\'s own methods do', () => {
    assert.equal(setting(settings, 'APT::Sandbox::User'), 'root');
    assert.equal(setting(settings, 'acquire::indextargets::deb::packages::description'), '$(RELEASE)/$(COMPONENT)%20$(ARCHITECTURE)%20Packages');
    assert.deepEqual(settings.get('dpkg::options::'), ['--root%3d/tmp/box/root', '--force-not-root']);
    assert.equal(setting(settings, 'Acquire::http::Proxy::mirror.example'), 'DIRECT');
    assert.equal(settings.has('no equals sign'), false);
  });

  it('builds directories as FindDir does: relative values under their parents, absolute ones alone', () => {
    assert.equal(findDir(settings, 'Dir::Cache::archives'), '/tmp/box/cache/archives/');
    assert.equal(findDir(settings, 'Dir::State::lists'), '/tmp/box/state/lists/');
    assert.equal(findFile(settings, 'Dir::Etc::netrc'), '/etc/apt/auth.conf');
    assert.equal(findDir(settings, 'Dir::Etc::netrcparts'), '/tmp/box/etc/auth.conf.d/');
    assert.equal(findDir(settings, 'Dir::Nothing', '/fallback'), '/fallback/');
  });

  it('puts RootDir in front', () => {
    const rooted = new Map(settings);
    rooted.set('rootdir', ['/chroot']);
    assert.equal(findDir(rooted, 'Dir::Cache::archives'), '/chroot/tmp/box/cache/archives/');
  });

  it('reads flags the way APT does', () => {
    assert.equal(flagSetting(settings, 'Acquire::Send-URI-Encoded', false), true);
    assert.equal(flagSetting(settings, 'Debug::NoDropPrivs', false), false);
    assert.equal(flagSetting(new Map([['x', ['no']]]), 'x', true), false);
    assert.equal(flagSetting(new Map([['x', ['maybe']]]), 'x', true), true);
  });

  it('dequote leaves broken escapes as they are and decodes UTF-8', () => {
    assert.equal(dequote('a%2'), 'a%2');
    assert.equal(dequote('%zz%41'), '%zzA');
    assert.equal(dequote('%c3%a9'), 'é');
  });
});
