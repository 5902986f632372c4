import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { choicesFromApt, choicesToAptOptions, choicesToFlags, type RunChoices } from '../../src/config/method-options.js';

/** APT's configuration as the method reads it: keys in any case, the last value wins. */
const aptConfig = (options: string[]) => {
  const values = new Map<string, string>();
  for (const option of options) {
    const equals = option.indexOf('=');
    values.set(option.slice(0, equals).toLowerCase(), option.slice(equals + 1));
  }
  return (key: string) => values.get(key.toLowerCase());
};

describe('the AptTorrent:: options of one run', () => {
  it('carry the command\'s choices to the method and back', () => {
    const choices: RunChoices = { torrent: false, seed: false, manifest: 'file:///srv/m.json', parallel: 4, configFile: '/etc/x.json', reportFd: 3 };
    const options = choicesToAptOptions(choices);
    assert.deepEqual(options, [
      'AptTorrent::Torrent=false', 'AptTorrent::Seed=false', 'AptTorrent::Manifest=file:///srv/m.json',
      'AptTorrent::Parallel=4', 'AptTorrent::Config-File=/etc/x.json', 'AptTorrent::Report-Fd=3',
    ]);
    assert.deepEqual(choicesFromApt(aptConfig(options)), choices);
    assert.deepEqual(choicesToFlags(choices), { 'torrent.enabled': false, 'seed.enabled': false, manifest: 'file:///srv/m.json', 'http.parallel': 4 });
  });

  it('are none under a plain apt-get, and what is not a value of theirs is left out', () => {
    assert.deepEqual(choicesFromApt(() => undefined), {});
    assert.deepEqual(choicesToFlags({}), {});
    assert.deepEqual(choicesFromApt(aptConfig(['AptTorrent::Torrent=maybe', 'AptTorrent::Parallel=-1', 'AptTorrent::Report-Fd=3; rm', 'AptTorrent::Seed=yes'])), { seed: true });
  });
});
