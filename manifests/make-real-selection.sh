#!/bin/bash
# The selection `apt-torrent publish` makes from the real Debian bookworm main
# amd64 index, by size alone (no popcon data is reachable from these
# machines). It runs the real publish code (--dry-run) over a throw-away
# archive root made of APT's own copy of the index and the signed InRelease
# that lists it, so the index is checked against Release as on a mirror.
#
#   npm run build && manifests/make-real-selection.sh
#
# Writes, beside this script:
#   bookworm-main-amd64.coverage.txt        the coverage report, plus piece lengths of the chosen files
#   bookworm-main-amd64.selection.tsv.gz    rank, size, package, version, architecture of each chosen file
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
main="$here/../dist/src/main.js"
lists=/var/lib/apt/lists
release="$lists/deb.debian.org_debian_dists_bookworm_InRelease"
packages=$(ls "$lists"/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages*)

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/dists/bookworm/main/binary-amd64"
cp "$release" "$root/dists/bookworm/InRelease"
/usr/lib/apt/apt-helper cat-file "$packages" > "$root/dists/bookworm/main/binary-amd64/Packages"

publish=(node "$main" publish --archive-root "$root" --suite bookworm --component main --arch amd64 --dry-run)
{
  echo "# apt-torrent publish --suite bookworm --component main --arch amd64 (defaults: --share 0.9 --min-size 1MiB)"
  echo "# index: bookworm InRelease of $(grep -m1 '^Date:' "$release" | cut -d' ' -f2-) ($(grep -m1 '^Description:' "$release" | cut -d' ' -f2-))"
  "${publish[@]}" 2>/dev/null
} > "$here/bookworm-main-amd64.coverage.txt"

"${publish[@]}" --json 2>/dev/null | node --input-type=module -e '
  import { pieceLengthFor } from "'"$here"'/../dist/src/manifest/piece-length.js";
  import { writeFileSync, appendFileSync } from "node:fs";
  const { chosen } = JSON.parse(await new Response(process.stdin).text());
  const rows = chosen.map((f, i) => [i + 1, f.size, f.package, f.version, f.architecture].join("\t"));
  writeFileSync(process.argv[1], ["rank\tsize\tpackage\tversion\tarchitecture", ...rows, ""].join("\n"));
  const counts = new Map();
  for (const f of chosen) { const l = pieceLengthFor(f.size); counts.set(l, (counts.get(l) ?? 0) + 1); }
  const lines = [...counts].sort((a, b) => a[0] - b[0]).map(([l, n]) => `  ${String(l / 1024).padStart(5)} KiB  ${n} files`);
  appendFileSync(process.argv[2], ["Piece lengths of the chosen files (rule: 1 MiB, doubled while a file would have more than 1024 pieces, at most 4 MiB):", ...lines, ""].join("\n"));
' "$root/selection.tsv" "$here/bookworm-main-amd64.coverage.txt"
gzip -9n < "$root/selection.tsv" > "$here/bookworm-main-amd64.selection.tsv.gz"
echo "wrote $here/bookworm-main-amd64.coverage.txt and bookworm-main-amd64.selection.tsv.gz" >&2
