import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AptTorrentError } from '../../src/errors.js';
import { readAcquire, type Acquire } from '../../src/method/acquire.js';
import { parseConfiguration } from '../../src/method/apt-settings.js';
import { MAX_MESSAGE_BYTES, MessageReader } from '../../src/method/message-reader.js';
import { formatMessage } from '../../src/method/message-writer.js';
import { acquireMessage, configurationMessage, MessageFramer } from '../../src/method/sandbox-messages.js';

const readOne = (text: string) => {
  const messages = new MessageReader().push(Buffer.from(text));
  assert.equal(messages.length, 1);
  return messages[0]!;
};

describe('what the root half tells the child it starts as the sandbox user', () => {
  it('the settings as a 601 that reads back into the same map, whatever the values hold', () => {
    const settings = parseConfiguration(readOne(formatMessage(601, 'Configuration', [
      ['Config-Item', 'Dir=/'],
      ['Config-Item', 'APT::Sandbox::User=_apt'],
      ['Config-Item', 'Acquire::http::Proxy=http://user:p%25ss@proxy:3128/'],
      ['Config-Item', 'DPkg::Pre-Invoke::=echo a=b'],
      ['Config-Item', 'DPkg::Pre-Invoke::=echo %0aline two'],
      ['Config-Item', 'Some::Key=%20padded%20'],
      ['Config-Item', 'Odd%3dKey=value'],
      ['Config-Item', 'Unicode::Value=café'],
    ])));
    assert.deepEqual(settings.get('dpkg::pre-invoke::'), ['echo a=b', 'echo \nline two']);
    assert.deepEqual(settings.get('some::key'), [' padded ']);
    assert.deepEqual(settings.get('odd=key'), ['value']);
    const again = parseConfiguration(readOne(configurationMessage(settings)));
    assert.deepEqual([...again], [...settings]);
  });

  it('an acquire as a 600 that readAcquire reads back the same', () => {
    const acquire: Acquire = {
      uri: 'torrent+http://127.0.0.1:8080/pool/main/b/big/big_1%3a1.0_all.deb',
      filename: '/var/cache/apt/archives/partial/big_1%3a1.0_all.deb',
      expected: new Map([['sha256', 'ab'.repeat(32)], ['sha512', 'cd'.repeat(64)], ['md5sum', 'ef'.repeat(16)]]),
      size: 12_345_678,
      repoUri: 'torrent+http://127.0.0.1:8080/',
      release: 'stable',
      type: 'deb',
      indexFile: false,
    };
    assert.deepEqual(readAcquire(readOne(acquireMessage(acquire))), acquire);
    const index: Acquire = { uri: 'torrent+http://127.0.0.1:8080/dists/stable/InRelease', filename: '/x/partial/InRelease', expected: new Map(), size: undefined, repoUri: undefined, release: undefined, type: 'index', indexFile: true };
    assert.deepEqual(readAcquire(readOne(acquireMessage(index))), index);
  });

  it('the child\'s answers are passed on as whole messages, however its output is cut', () => {
    const text = `${formatMessage(100, 'Capabilities', [['Version', '1.0']])}${formatMessage(200, 'URI Start', [['URI', 'torrent+http://h/a.deb'], ['Size', 5]])}${formatMessage(201, 'URI Done', [['URI', 'torrent+http://h/a.deb']])}`;
    const bytes = Buffer.from(text);
    for (const cut of [1, 7, 64, bytes.length]) {
      const framer = new MessageFramer();
      const whole: string[] = [];
      for (let at = 0; at < bytes.length; at += cut) whole.push(...framer.push(bytes.subarray(at, at + cut)).map((message) => message.toString('utf8')));
      assert.deepEqual(whole, text.split(/(?<=\n\n)/), `cut every ${cut} bytes`);
    }
  });

  it('a message from the child that never ends is refused, not held', () => {
    const framer = new MessageFramer();
    framer.push(Buffer.from('201 URI Done\n'));
    assert.throws(() => framer.push(Buffer.alloc(MAX_MESSAGE_BYTES, 0x61)), (error: unknown) => error instanceof AptTorrentError && error.code === 'E_APT_PARSE');
  });
});
