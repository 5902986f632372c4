import { execFileSync } from 'node:child_process';

/**
 * A small LAN of network namespaces: one namespace per host, each with a
 * veth into a bridge that lives in a namespace of its own (so the test adds
 * nothing to this machine's own network), addresses from 198.51.100.0/24
 * (RFC 5737, free here) and a multicast route, so multicast (LSD) reaches
 * every host. Root only. remove() deletes every namespace, and with them
 * their interfaces.
 */
export class Lan {
  private constructor(
    private readonly prefix: string,
    readonly hosts: ReadonlyArray<{ ns: string; address: string }>,
  ) {}

  static create(count: number): Lan {
    const prefix = `at${process.pid % 100_000}`;
    const hub = `${prefix}-hub`;
    const hosts = Array.from({ length: count }, (_, index) => ({ ns: `${prefix}-h${index}`, address: `198.51.100.${index + 1}` }));
    const lan = new Lan(prefix, hosts);
    try {
      ip('netns', 'add', hub);
      ip('-n', hub, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0');
      ip('-n', hub, 'link', 'set', 'br0', 'up');
      hosts.forEach(({ ns, address }, index) => {
        ip('netns', 'add', ns);
        ip('-n', ns, 'link', 'set', 'lo', 'up');
        ip('-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `p${index}`, 'netns', hub);
        ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
        ip('-n', ns, 'link', 'set', 'eth0', 'up');
        ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0');
        ip('-n', hub, 'link', 'set', `p${index}`, 'master', 'br0');
        ip('-n', hub, 'link', 'set', `p${index}`, 'up');
      });
    } catch (error) {
      lan.remove();
      throw error;
    }
    return lan;
  }

  /** `command args` run inside host `index`'s namespace. */
  exec(index: number, command: string, args: readonly string[]): [string, string[]] {
    return ['ip', ['netns', 'exec', this.hosts[index]!.ns, command, ...args]];
  }

  remove(): void {
    for (const ns of [...this.hosts.map((host) => host.ns), `${this.prefix}-hub`]) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // not created
      }
    }
  }
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
