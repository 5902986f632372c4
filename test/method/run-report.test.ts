import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir, removeTempDir } from '../helpers/temp.js';

const REPORT = fileURLToPath(new URL('../../src/method/run-report.js', import.meta.url));

/** A child with `fd3` as its descriptor 3, writing one report line to the descriptor `named`. */
function writeFrom(fd3: 'pipe' | number, named: number): Promise<string> {
  const script = `import { RunReport } from ${JSON.stringify(REPORT)}; const report = new RunReport(${named}); report.write({ file: 'a.deb', size: 1, via: 'mirror' }); console.log(report.active);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit', fd3] });
  let out = '';
  let report = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  if (fd3 === 'pipe') (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk) => (report += chunk));
  return new Promise((resolve) => child.on('close', () => resolve(`${out.trim()}|${report}`)));
}

describe('the method\'s report descriptor', () => {
  it('writes a JSON line to a pipe it inherited', async () => {
    assert.equal(await writeFrom('pipe', 3), 'true|{"file":"a.deb","size":1,"via":"mirror"}\n');
  });

  it('writes nothing to a regular file, to stdin/stdout/stderr, or to a descriptor that is not open', async () => {
    const dir = tempDir('report');
    const file = join(dir, 'victim');
    writeFileSync(file, 'keep\n');
    const { openSync, closeSync } = await import('node:fs');
    const fd = openSync(file, 'r+');
    try {
      assert.equal(await writeFrom(fd, 3), 'false|');
      assert.equal(readFileSync(file, 'utf8'), 'keep\n');
      assert.equal(await writeFrom('pipe', 1), 'false|');
      assert.equal(await writeFrom('pipe', 9), 'false|');
    } finally {
      closeSync(fd);
      removeTempDir(dir);
    }
  });
});
