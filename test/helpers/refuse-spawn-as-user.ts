/**
 * Loaded into a node under test with `--import` (NODE_OPTIONS), this node
 * cannot start a child as another user: spawn() with a uid throws EPERM, as
 * libuv's does when the child's setgid or setuid fails. Other spawns work.
 * Never imported by a test process itself.
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

const spawn = childProcess.spawn;
childProcess.spawn = ((...args: Parameters<typeof spawn>) => {
  const options = args.find((arg) => typeof arg === 'object' && arg !== null && !Array.isArray(arg)) as { uid?: number } | undefined;
  if (options?.uid !== undefined) throw Object.assign(new Error('spawn EPERM'), { code: 'EPERM', errno: -1, syscall: 'spawn' });
  return spawn(...args);
}) as typeof spawn;
syncBuiltinESMExports();
