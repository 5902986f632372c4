import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '../../helpers/hash.js';

/**
 * Watches APT's archive cache while a test runs: every .deb that appears
 * there must already have the SHA256 of the real package, at every look.
 * APT only checks the size of a cached .deb, so a partial or unverified
 * file there would be installed.
 */
export class CacheWatch {
  readonly violations: string[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly expected: Map<string, string>;

  /** `files`: cache name -> the bytes it must hold. */
  constructor(private readonly archives: string, files: ReadonlyMap<string, Buffer>, everyMs = 15) {
    this.expected = new Map([...files].map(([name, data]) => [name, sha256(data)]));
    this.timer = setInterval(() => this.look(), everyMs);
  }

  look(): void {
    let names: string[];
    try {
      names = readdirSync(this.archives);
    } catch {
      return;
    }
    for (const name of names.filter((entry) => entry.endsWith('.deb'))) {
      let digest: string;
      try {
        digest = sha256(readFileSync(join(this.archives, name)));
      } catch {
        continue; // removed between readdir and read
      }
      const expected = this.expected.get(name);
      if (digest !== expected) this.violations.push(`${name} in the archive cache with SHA256 ${digest}, expected ${expected ?? 'no such file'}`);
    }
  }

  stop(): string[] {
    clearInterval(this.timer);
    this.look();
    return this.violations;
  }
}
