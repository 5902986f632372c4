import { execFileSync } from 'node:child_process';

/**
 * A small LAN of network namespaces: one namespace per host, each with a
 * veth into a bridge that lives in a namespace of its own (so the test adds
 * nothing to this machine's own network), addresses from 198.51.100.0/24
 * (RFC 5737, free here) and a multicast route, so multicast (LSD) reaches
 * every host. Root only. remove() deletes every namespace, and with them
 * their interfaces; a process that exits without calling it (an uncaught
 * error) removes them on its way out.
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
    if (!hooked) process.once('exit', () => [...live].forEach((survivor) => survivor.remove()));
    hooked = true;
    live.add(lan);
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

  /**
   * Shape host `index`'s link with a token bucket (tbf) on each end of its
   * veth, egress only as tc can shape: `up` on the host's eth0 (what it
   * sends), `down` on the bridge port (what it receives). Rates as tc reads
   * them, e.g. '10mbit'. netem does not exist in this kernel: no latency here.
   */
  shape(index: number, rates: { up: string; down: string }): void {
    ip('netns', 'exec', this.hosts[index]!.ns, 'tc', 'qdisc', 'add', 'dev', 'eth0', 'root', ...tbf(rates.up));
    ip('netns', 'exec', `${this.prefix}-hub`, 'tc', 'qdisc', 'add', 'dev', `p${index}`, 'root', ...tbf(rates.down));
  }

  remove(): void {
    live.delete(this);
    for (const ns of [...this.hosts.map((host) => host.ns), `${this.prefix}-hub`]) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // not created
      }
    }
  }
}

/** Lans not yet removed. */
const live = new Set<Lan>();
let hooked = false;

/**
 * A tbf of `rate` whose bucket holds 10 ms of it (at least 16 KiB, more than
 * one full-size frame) and whose queue holds 50 ms: TCP fills the link
 * without a bloated buffer.
 */
function tbf(rate: string): string[] {
  const bitsPerSecond = Number(/^(\d+)mbit$/.exec(rate)?.[1] ?? Number.NaN) * 1e6;
  if (!Number.isFinite(bitsPerSecond)) throw new Error(`rate ${rate}: write it as <N>mbit`);
  const burst = Math.max(16 * 1024, Math.round(bitsPerSecond / 8 / 100));
  return ['tbf', 'rate', rate, 'burst', String(burst), 'latency', '50ms'];
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
