#!/bin/sh
//bin/true; printf '100 Capabilities\nVersion: 1.0\nPipeline: true\nSend-Config: true\nSend-URI-Encoded: true\n\n'; exec node "$0" --capabilities-sent "$@"
/**
 * The APT method for `torrent+http` and `torrent+https` sources. APT starts
 * it, talks to it over stdin/stdout (see message-reader.ts) and ends it with
 * SIGINT. Nothing but protocol messages may reach stdout: any library's
 * console output goes to stderr.
 *
 * This file is a shell script and a module at once. APT starts every method
 * once only to read its `100 Capabilities`, and waits for that start to end
 * before it goes on; Node takes 40-80 ms to start, the shell 1 ms. So the
 * shell (the second line, a comment to JavaScript) sends the capabilities
 * and then becomes Node on this same file, telling it they are sent; the
 * start APT makes only to read them is ended before Node has loaded. Run
 * by Node directly (`node main.js`), the module sends them itself, the same
 * bytes (a test compares the two).
 */
import { MessageReader } from './message-reader.js';
import { formatMessage } from './message-writer.js';
import type { MethodMessage } from './message.js';

console.log = console.error;
console.info = console.error;
console.debug = console.error;

const send = (text: string) => {
  process.stdout.write(text);
};

// Partial data stays on disk as it is: the next run resumes it.
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.stdout.on('error', () => process.exit(0));

// APT waits for this before anything else: it goes out before the rest of the method (the HTTP
// stack, the fetch code) is loaded, unless the shell line above sent it already.
if (!process.argv.includes('--capabilities-sent')) {
  send(formatMessage(100, 'Capabilities', [['Version', '1.0'], ['Pipeline', 'true'], ['Send-Config', 'true'], ['Send-URI-Encoded', 'true']]));
}

const early: MethodMessage[] = [];
let handle = (message: MethodMessage) => {
  early.push(message);
};
const reader = new MessageReader();
process.stdin.on('data', (chunk: Buffer) => {
  let messages;
  try {
    messages = reader.push(chunk);
  } catch (error) {
    send(formatMessage(401, 'General Failure', [['Message', `apt-torrent: ${(error as Error).message}`]]));
    process.exit(100);
  }
  for (const message of messages) handle(message);
});
// APT closed the pipe: the run is over.
process.stdin.on('end', () => process.exit(0));

const { MethodSession } = await import('./session.js');
const session = new MethodSession(send, process.env);
handle = (message) => session.handle(message);
for (const message of early.splice(0)) session.handle(message);
