#!/usr/bin/env node
import { CommanderError } from 'commander';
import { setMaxListeners } from 'node:events';
import { buildProgram } from './cli/program.js';
import { AptTorrentError, EXIT } from './errors.js';
import { terminalSafe } from './util/terminal-text.js';

/** The only place that exits: every error becomes one message and a documented status. */
async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  // Every transfer in flight listens for Ctrl-C; dozens at once are expected.
  setMaxListeners(0, controller.signal);
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts += 1;
    // A second Ctrl-C means now.
    if (interrupts > 1) process.exit(EXIT.interrupted);
    process.stderr.write(`\napt-torrent: ${signal}: stopping\n`);
    controller.abort(new AptTorrentError('E_INTERRUPTED', `interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let status = 0;
  const program = buildProgram(async (spec, partial, args, options) => {
    status = await spec.run(
      {
        env: process.env,
        stdout: process.stdout,
        stderr: process.stderr,
        aptOptions: partial.aptOptions ?? [],
        configFile: partial.configFile,
        signal: controller.signal,
      },
      { args, options },
    );
  });
  try {
    await program.parseAsync(argv);
    return status;
  } catch (error) {
    return report(error);
  }
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander has printed its message (or the help/version) already.
    return error.exitCode === 0 ? 0 : EXIT.usage;
  }
  if (error instanceof AptTorrentError) {
    process.stderr.write(terminalSafe(`apt-torrent: error [${error.code}]: ${error.message}\n`));
    if (error.hint) process.stderr.write(terminalSafe(`  hint: ${error.hint}\n`));
    return error.exitCode;
  }
  process.stderr.write(terminalSafe(`apt-torrent: internal error: ${(error as Error)?.stack ?? String(error)}\n`));
  process.stderr.write('  hint: this is a bug in apt-torrent; please report it with the command you ran\n');
  return EXIT.internal;
}

/**
 * Exit once stdout and stderr have taken everything: a pipe takes 64 KiB at
 * once and the rest is written asynchronously. Exiting at all (rather than
 * letting the loop drain) is needed because keep-alive sockets and a
 * seeding client's timers would otherwise hold the process open.
 */
function exitAfterFlush(status: number): void {
  let pending = 2;
  const done = () => {
    pending -= 1;
    if (pending === 0) process.exit(status);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

main(process.argv).then(exitAfterFlush, (error) => exitAfterFlush(report(error)));
