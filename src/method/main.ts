#!/usr/bin/env node
/**
 * The APT method for `torrent+http` and `torrent+https` sources. APT starts
 * it, talks to it over stdin/stdout (see message-reader.ts) and ends it with
 * SIGINT. Nothing but protocol messages may reach stdout: any library's
 * console output goes to stderr.
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

// APT waits for this before anything else (and starts a method once just to read it): it goes
// out before the rest of the method (the HTTP stack, the fetch code) is loaded.
send(formatMessage(100, 'Capabilities', [['Version', '1.0'], ['Pipeline', 'true'], ['Send-Config', 'true'], ['Send-URI-Encoded', 'true']]));

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
