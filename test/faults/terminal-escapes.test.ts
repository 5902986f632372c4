/**
 * A mirror's words reach the user's terminal inside our messages (an HTTP
 * reason phrase in a download error). Escape sequences in them could clear
 * the screen, retitle the window or forge earlier lines: they must arrive
 * as visible escapes, never as control characters.
 */
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { oneLine, terminalSafe } from '../../src/util/terminal-text.js';
import { runCli } from '../helpers/cli.js';
import { aptUpdate, createSandbox, removeSandbox, type Sandbox } from '../helpers/sandbox.js';
import { ServedArchive } from '../helpers/served-archive.js';

const EVIL_REASON = 'Not Found\x1b]0;pwned\x07\x1b[2J\x1b[1Aapt-torrent: verified\u202eraw\x9b31m';
/** Control characters a terminal acts on: C0 but newline and tab, DEL, C1. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;

/**
 * In front of the test mirror: index files pass through, every .deb gets a
 * 404 whose reason phrase is an attack on the terminal (written raw on the
 * socket: node's own server would refuse such a phrase).
 */
function hostileFront(mirrorUrl: string): Promise<{ server: Server; url: string }> {
  const server = createServer((socket) => {
    socket.once('data', (chunk) => {
      const path = chunk.toString('latin1').split(' ')[1] ?? '/';
      if (path.endsWith('.deb')) {
        socket.end(Buffer.from(`HTTP/1.1 404 ${EVIL_REASON}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`, 'latin1'));
        return;
      }
      get(new URL(path.slice(1), mirrorUrl), (response) => {
        const head = [`HTTP/1.1 ${response.statusCode} OK`, ...Object.entries(response.headers).filter(([name]) => name !== 'connection' && name !== 'keep-alive').map(([name, value]) => `${name}: ${String(value)}`), 'Connection: close', '', ''];
        socket.write(head.join('\r\n'));
        response.pipe(socket);
      }).on('error', () => socket.destroy());
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` })));
}

describe('text from servers on the terminal', () => {
  let site: ServedArchive;
  let front: { server: Server; url: string };
  let box: Sandbox;

  before(async () => {
    site = await ServedArchive.start([{ name: 'small', version: '1.0', payload: 20_000 }]);
    front = await hostileFront(site.mirror.url);
    box = createSandbox(front.url);
    await aptUpdate(box);
  });

  after(async () => {
    removeSandbox(box);
    front.server.close();
    await site?.stop();
  });

  it('escapes control characters of an HTTP reason phrase in the download error', async () => {
    const result = await runCli(['download', '--prefetch', 'small'], { ...box.env, NO_COLOR: '1' });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /E_DOWNLOAD/);
    assert.match(result.stderr, /Not Found\\u001b\]0;pwned\\u0007\\u001b\[2J/);
    assert.doesNotMatch(result.stderr, CONTROL, JSON.stringify(result.stderr));
  });

  it('terminalSafe keeps newlines and tabs, oneLine escapes them too', () => {
    assert.equal(terminalSafe('a\tb\nc\x1b[0m\x9b\u202e'), 'a\tb\nc\\u001b[0m\\u009b\\u202e');
    assert.equal(oneLine('a\nb\tc\r'), 'a\\nb\\tc\\u000d');
    assert.equal(terminalSafe('plain ünïcode 日本'), 'plain ünïcode 日本');
  });
});
