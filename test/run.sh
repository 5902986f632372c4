#!/usr/bin/env bash
# Runs every compiled test file (dist/test/**/*.test.js) with node's test runner,
# one file at a time: the end-to-end files start servers and sandboxes of their own.
# Arguments narrow the set to folders under test/, e.g. `test/run.sh fetch e2e`.
set -euo pipefail
cd "$(dirname "$0")/.."
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(.)
mapfile -t files < <(for dir in "${dirs[@]}"; do find "dist/test/$dir" -name '*.test.js'; done | sort -u)
[ ${#files[@]} -gt 0 ] || { echo "no test files found under dist/test" >&2; exit 1; }
exec node --test --test-concurrency=1 "${files[@]}"
