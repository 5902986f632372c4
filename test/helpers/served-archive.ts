import { buildArchive, type TestArchive, type TestPackage } from './archive.js';
import { TestMirror } from './mirror.js';
import { aptUpdate, createSandbox, removeSandbox, type Sandbox } from './sandbox.js';

/**
 * What most APT tests stand on: a real archive served by a TestMirror on
 * loopback, and sandboxed APTs pointed at it. stop() ends and removes it all.
 */
export class ServedArchive {
  private readonly boxes: Sandbox[] = [];

  private constructor(readonly archive: TestArchive, readonly mirror: TestMirror) {}

  static async start(packages: readonly TestPackage[], options: { ftparchive?: readonly string[] } = {}): Promise<ServedArchive> {
    const archive = buildArchive(packages, options);
    const mirror = new TestMirror(archive.root);
    await mirror.start();
    return new ServedArchive(archive, mirror);
  }

  /** A fresh sandboxed APT on this mirror, apt-get update done; `setup` runs before the update. */
  async sandbox(setup?: (box: Sandbox) => void): Promise<Sandbox> {
    const box = createSandbox(this.mirror.url);
    this.boxes.push(box);
    setup?.(box);
    await aptUpdate(box);
    return box;
  }

  async stop(): Promise<void> {
    await this.mirror.stop();
    for (const box of this.boxes.splice(0)) removeSandbox(box);
    this.archive.dispose();
  }
}
