/**
 * Watches the machine's power and default route on an interval and tells the
 * seeder to pause or resume every upload (seed.pauseOnBattery,
 * seed.pauseOnMetered). Polling, because neither source announces changes in
 * a way a Node process can follow cheaply: a check reads a few sysfs and
 * /proc files and, when metered links matter, runs nmcli once.
 */
import { readMetered } from './metered.js';
import { readPowerSupplies } from './power-supply.js';
import { describeReasons, onBattery, pauseReasons, type GateConfig, type PauseReason } from './upload-gate.js';

/** Where the readings come from; the environment can move them (tests, unusual systems). */
export interface Sensors {
  /** sysfs: power supplies are read from `<sys>/class/power_supply`. */
  sys: string;
  /** procfs: routes are read from `<proc>/self/net/route` and `ipv6_route`. */
  proc: string;
  /** The nmcli program, a name looked up on PATH or a path. */
  nmcli: string;
  intervalMs: number;
  /** The environment nmcli runs in. */
  env: NodeJS.ProcessEnv;
}

const INTERVAL_S = 30;

/**
 * The sensors as the daemon's environment sets them: APT_TORRENT_SYS,
 * APT_TORRENT_PROC, APT_TORRENT_NMCLI, APT_TORRENT_CHECK_SECONDS.
 */
export function sensorsFromEnv(env: NodeJS.ProcessEnv): Sensors {
  const seconds = Number(env.APT_TORRENT_CHECK_SECONDS);
  return {
    sys: env.APT_TORRENT_SYS || '/sys',
    proc: env.APT_TORRENT_PROC || '/proc',
    nmcli: env.APT_TORRENT_NMCLI || 'nmcli',
    intervalMs: (Number.isFinite(seconds) && seconds > 0 ? seconds : INTERVAL_S) * 1000,
    env,
  };
}

export class UploadWatch {
  private reasons: PauseReason[] = [];
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private busy = false;

  constructor(
    private readonly config: GateConfig,
    private readonly sensors: Sensors,
    /** Called with the new reasons whenever they change (empty: resume). */
    private readonly apply: (reasons: PauseReason[]) => Promise<void>,
    private readonly log: (message: string) => void,
  ) {}

  /** Read the sensors now; applies and logs a change. Resolves with the reasons in force. */
  async check(): Promise<PauseReason[]> {
    const [battery, link] = await Promise.all([
      this.config.pauseOnBattery ? readPowerSupplies(this.sensors.sys).then(onBattery) : false,
      this.config.pauseOnMetered ? readMetered(this.sensors.proc, this.sensors.nmcli, this.sensors.env) : { metered: false },
    ]);
    const reasons = pauseReasons({ battery, metered: link.metered }, this.config);
    if (reasons.join() !== this.reasons.join()) {
      this.reasons = reasons;
      this.log(describeReasons(reasons, 'device' in link ? { device: link.device } : {}));
      await this.apply(reasons);
    }
    return reasons;
  }

  /** Check every interval from now on; nothing to watch when both keys are off. */
  start(): void {
    if (!this.config.pauseOnBattery && !this.config.pauseOnMetered) return;
    this.timer = setInterval(() => {
      // A slow nmcli must not pile checks up.
      if (this.busy) return;
      this.busy = true;
      this.running = this.check().then(() => undefined, (error: Error) => this.log(`cannot check power and network: ${error.message}`)).finally(() => {
        this.busy = false;
      });
    }, this.sensors.intervalMs);
  }

  /** Stop checking; waits for a check under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
