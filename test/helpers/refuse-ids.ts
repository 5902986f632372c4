/**
 * Loaded into a node under test with `--import` (NODE_OPTIONS), this node
 * refuses to change its ids as Debian's nodejs 20.19 does: linked against a
 * libuv that cannot say whether io_uring is on, it throws from every one of
 * these, whoever calls them. So the method's way for such a node runs on
 * this machine's node too. Never imported by a test process itself.
 */
const refuse = (name: string) => () => {
  throw new Error(`${name}() disabled: io_uring may be enabled. See CVE-2024-22017.`);
};
for (const name of ['setuid', 'setgid', 'setgroups', 'seteuid', 'setegid', 'initgroups'] as const) {
  Object.defineProperty(process, name, { value: refuse(name), configurable: true, writable: true });
}

export {};
