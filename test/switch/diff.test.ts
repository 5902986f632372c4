import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unifiedDiff } from '../../src/switch/diff.js';

describe('unifiedDiff', () => {
  it('shows each run of changed lines as one hunk with no context, like diff -U0', () => {
    const before = 'a\nb\nc\nd\ne\n';
    const after = 'a\nB\nC\nd\nE\n';
    assert.equal(unifiedDiff('/f', before, after), '--- /f\n+++ /f\n@@ -2,2 +2,2 @@\n-b\n-c\n+B\n+C\n@@ -5 +5 @@\n-e\n+E\n');
  });

  it('shows a new file and a removed one against /dev/null', () => {
    assert.equal(unifiedDiff('/f', undefined, 'x\ny\n'), '--- /dev/null\n+++ /f\n@@ -0,0 +1,2 @@\n+x\n+y\n');
    assert.equal(unifiedDiff('/f', 'x\n', undefined), '--- /f\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n');
  });

  it('shows bytes as UTF-8 and marks a missing final newline', () => {
    const latin1 = Buffer.from('# café\nz', 'utf8').toString('latin1');
    assert.equal(unifiedDiff('/f', latin1, latin1.replace('z', 'Z')), '--- /f\n+++ /f\n@@ -2 +2 @@\n-z\n\\ No newline at end of file\n+Z\n\\ No newline at end of file\n');
    assert.match(unifiedDiff('/f', latin1, `${latin1}\nw\n`), /-# café/);
  });
});
