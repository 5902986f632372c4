#!/usr/bin/env bash
# Runs every compiled test file (dist/test/**/*.test.js) with node's test runner,
# one file at a time: the end-to-end files start servers and sandboxes of their own.
# Arguments narrow the set to folders under test/, e.g. `test/run.sh fetch e2e`.
#
# The tests get a temporary directory of their own (TMPDIR), so that what they
# leave can be told from what other programs, or another run at the same time,
# have there. After the run, anything left in it, and any process still running
# with it in its environment, fails the run: every test removes what it creates
# and stops what it starts.
set -euo pipefail
cd "$(dirname "$0")/.."
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(.)
mapfile -t files < <(for dir in "${dirs[@]}"; do find "dist/test/$dir" -name '*.test.js'; done | sort -u)
[ ${#files[@]} -gt 0 ] || { echo "no test files found under dist/test" >&2; exit 1; }

run_tmp=$(mktemp -d "${TMPDIR:-/tmp}/apt-torrent-tests-XXXXXX")
# Like /tmp: some tests run programs as another user.
chmod 1777 "$run_tmp"
status=0
TMPDIR="$run_tmp" node --test --test-concurrency=1 "${files[@]}" || status=$?

# Processes started by the run carry its TMPDIR; give a stopping one a moment.
survivors() {
  local pid
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    { tr '\0' '\n' < "/proc/$pid/environ"; } 2>/dev/null | grep -qxF "TMPDIR=$run_tmp" && echo "$pid"
  done
  return 0
}
for _ in 1 2 3 4 5 6 7 8 9 10; do
  [ -z "$(survivors)" ] && break
  sleep 0.5
done
left=$(survivors)
if [ -n "$left" ]; then
  echo "test/run.sh: processes the tests started are still running (now killed):" >&2
  for pid in $left; do echo "  $pid $({ tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null)" >&2; done
  kill -9 $left 2>/dev/null || true
  status=1
fi

leftovers=$(find "$run_tmp" -mindepth 1 -maxdepth 1 -printf '  %f\n' | sort)
if [ -n "$leftovers" ]; then
  echo "test/run.sh: the tests left these in the temporary directory (now removed):" >&2
  echo "$leftovers" >&2
  status=1
fi
rm -rf "$run_tmp"
exit "$status"
