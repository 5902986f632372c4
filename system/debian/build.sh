#!/usr/bin/env bash
# Builds dist/apt-torrent_<version>_<arch>.deb from this checkout (`npm run deb`),
# <arch> being the machine's (amd64 here): see "Architecture" below.
#
# Reproducible: the same commit gives the same bytes. Every time stamp is
# SOURCE_DATE_EPOCH (the last commit's time unless set), every mode is set
# here, dpkg-deb sorts the entries and owns them to root, and nothing is taken
# from the network but what `npm ci` fetches for the lockfile.
set -euo pipefail
export LC_ALL=C TZ=UTC
umask 022
cd "$(dirname "$0")/../.."
repo=$PWD
here=$repo/system/debian

die() { echo "deb: $*" >&2; exit 1; }

version=$(node -p 'require("./package.json").version')
changelog_version=$(sed -n '1s/^apt-torrent (\([^)]*\)).*/\1/p' "$here/changelog")
[ "$version" = "$changelog_version" ] || die "package.json says $version but system/debian/changelog's last entry is $changelog_version: add a changelog entry"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
# The maintainer is named in control.in, the changelog's last entry and
# copyright's Upstream-Contact. apt-torrent@example.org is a reserved domain
# that reaches no one, chosen so that no stranger's address gets bug reports:
# the project has no public contact yet. Set the real one in the three files
# before the package goes anywhere; this check keeps them the same.
maintainer=$(sed -n 's/^Maintainer: //p' "$here/control.in")
grep -qxF " -- $maintainer  $(sed -n 's/^ -- .*  \(.*\)$/\1/p' "$here/changelog" | head -1)" "$here/changelog" \
  && grep -qxF "Upstream-Contact: $maintainer" "$here/copyright.in" \
  || die "the maintainer differs between control.in ($maintainer), changelog and copyright.in"

work=$(mktemp -d "${TMPDIR:-/tmp}/apt-torrent-deb-XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
app=$root/usr/lib/apt-torrent

# The compiler and the bundler come with the dev dependencies of a clean checkout.
[ -x node_modules/.bin/tsc ] && [ -x node_modules/.bin/esbuild ] || npm ci --no-audit --no-fund

# 1. The program, compiled from src/ alone into a fresh directory (nothing
#    stale from an earlier `npm run build` gets in), without source maps, then
#    bundled as `npm run build` does (system/bundle.mjs). Only what runs is
#    shipped: the files started by path (the CLI, the method, the seed agent,
#    the hash worker) and the chunks they load; tsc's other modules are in
#    the bundles and would never be loaded.
cat > "$work/tsconfig.json" <<JSON
{
  "extends": "$repo/tsconfig.json",
  "compilerOptions": { "rootDir": "$repo", "outDir": "$work/tsc", "sourceMap": false, "typeRoots": ["$repo/node_modules/@types"] },
  "include": ["$repo/src/**/*.ts"]
}
JSON
node_modules/.bin/tsc -p "$work/tsconfig.json"
mkdir -p "$app/dist/src" "$app/manifests"
cp manifests/manifest.schema.json "$app/manifests/"

# 2. Its production dependencies, as the lockfile pins them. package.json
#    stays beside dist/: it makes the .js files ES modules.
cp package.json package-lock.json "$app/"
(cd "$app" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null)
rm "$app/package-lock.json"
# typescript is kept by npm as cosmiconfig's optional peer (for .ts config
# files, which apt-torrent never loads); .bin holds links to tools not needed.
rm -rf "$app/node_modules/typescript" "$app/node_modules/.bin" "$app/node_modules/.package-lock.json"
# The bundles, from what npm ci installed here for the lockfile. Node loads no
# other package from node_modules than those the bundles leave outside (native
# addons, and what finds its files from __dirname; typescript, removed above,
# is never loaded): the others keep only their package.json and licence files,
# which the copyright file names.
NODE_MODULES=$app/node_modules SOURCEMAPS=0 node system/bundle.mjs "$work/tsc/src" "$app/dist/src"
mapfile -t externals < <(node system/bundle.mjs --externals | grep -vx typescript)
node "$here/prune-bundled.mjs" "$app/node_modules" "${externals[@]}"
find "$app/node_modules" -depth -type d -empty -delete
# Architecture. The package cannot be `all`: webtorrent imports
# @thaunknown/simple-peer, which imports webrtc-polyfill, which imports
# node-datachannel, whose loader opens its prebuilt addon at import time and
# throws when it is missing (tried: with the addons deleted, importing
# webtorrent fails with "Cannot load native addon for node-datachannel"). So
# without the addon for the machine's CPU no torrent can be fetched at all, and
# a package that carries it is for that CPU alone: it is built for the
# architecture of the node that builds it, with the addons npm installed for it.
arch=$(node -p process.arch)
case $arch in
  x64) deb_arch=amd64 ;;
  arm64) deb_arch=arm64 ;;
  *) die "no Debian architecture known here for node's $arch" ;;
esac
# Prebuilt native addons for other systems than this one, and those for the
# Bare runtime (*.bare), which node never loads (their packages pick node's own
# modules through the "bare"/"default" import conditions).
find "$app/node_modules" -type d -path '*/prebuilds/*' -prune ! -name "linux-$arch" -exec rm -rf {} +
find "$app/node_modules" \( -name '*.musl.node' -o -name '*.bare' \) -delete
find "$app/node_modules" -depth -type d -path '*/prebuilds*' -empty -delete
# What npm packages carry for their own development, not for running them.
find "$app/node_modules" \( -name '.npmignore' -o -name '.eslintrc*' -o -name '.gitignore' -o -name '.gitattributes' -o -name '.gitmodules' \
  -o -name '.travis.yml' -o -name '.editorconfig' -o -name '.prettierrc*' \) -delete
# The addons are stripped as dh_strip would (they are kept: see lintian-overrides).
find "$app/node_modules" -name '*.node' -exec strip --strip-unneeded --remove-section=.comment --remove-section=.note {} +
# The libraries the addons link (libc6, libstdc++6), with the versions their
# symbols need, as dh_shlibdeps finds them. N-API symbols come from node itself.
mkdir -p "$work/shlibs/debian"
printf 'Source: apt-torrent\n\nPackage: apt-torrent\nArchitecture: any\n' > "$work/shlibs/debian/control"
shlib_depends=$(cd "$work/shlibs" && find "$app/node_modules" -name '*.node' -print0 | sort -z \
  | xargs -0 dpkg-shlibdeps -O --warnings=0 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlib_depends" ] || die "dpkg-shlibdeps found no library for the native addons"

# 3. Commands: the program and the APT methods, as small wrappers around the system's node.
wrapper() {
  mkdir -p "$(dirname "$1")"
  printf '#!/bin/sh\nexec /usr/bin/node /usr/lib/apt-torrent/dist/src/%s "$@"\n' "$2" > "$1"
  chmod 0755 "$1"
}
# The method's main.js is a shell script too, whose first command sends APT the capabilities
# before Node starts (APT starts every method once only to read them); run by sh, it then
# starts the node of PATH on itself, here the system's.
method_wrapper() {
  mkdir -p "$(dirname "$1")"
  printf '#!/bin/sh\nPATH=/usr/bin${PATH:+:$PATH}; export PATH\nexec /bin/sh /usr/lib/apt-torrent/dist/src/method/main.js "$@"\n' > "$1"
  chmod 0755 "$1"
}
wrapper "$root/usr/bin/apt-torrent" main.js
method_wrapper "$root/usr/lib/apt/methods/torrent+http"
method_wrapper "$root/usr/lib/apt/methods/torrent+https"

# 4. Documentation, completion, the service and the configuration.
for page in man/*.[0-9]; do
  section=${page##*.}
  mkdir -p "$root/usr/share/man/man$section"
  gzip -9n < "$page" > "$root/usr/share/man/man$section/$(basename "$page").gz"
done
install -D -m 0644 completions/apt-torrent.bash "$root/usr/share/bash-completion/completions/apt-torrent"
install -D -m 0644 completions/_apt-torrent "$root/usr/share/zsh/vendor-completions/_apt-torrent"
install -D -m 0644 completions/apt-torrent.fish "$root/usr/share/fish/vendor_completions.d/apt-torrent.fish"
install -D -m 0644 system/apt-torrent-seed.service "$root/usr/lib/systemd/system/apt-torrent-seed.service"
install -D -m 0644 system/50apt-torrent "$root/etc/apt/apt.conf.d/50apt-torrent"
mkdir -p "$root/etc/apt-torrent"
node "$here/config-yaml.mjs" "$work/tsc/src/config/schema.js" > "$root/etc/apt-torrent/config.yaml"
doc=$root/usr/share/doc/apt-torrent
mkdir -p "$doc"
# A native package: the packaging lives with the program and the version has
# no Debian revision, so the changelog is changelog.gz (a non-native package
# would have changelog.Debian.gz beside upstream's changelog.gz).
gzip -9n < "$here/changelog" > "$doc/changelog.gz"
{
  cat "$here/copyright.in"
  node "$here/copyright-bundled.mjs" "$app/node_modules" usr/lib/apt-torrent/node_modules usr/lib/apt-torrent/dist/src/bundle
  echo
  echo 'License: MIT'
  sed -e '1,2d' -e 's/^$/./' -e 's/^/ /' <<'MIT'
MIT License

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
MIT
} > "$doc/copyright"
install -D -m 0644 "$here/lintian-overrides" "$root/usr/share/lintian/overrides/apt-torrent"

# 5. Modes: directories 0755, files 0644 unless executable (npm keeps the
#    modes of the published tarballs; the wrappers are made 0755 above).
find "$root" -type d -exec chmod 0755 {} +
find "$root" -type f -perm /111 -exec chmod 0755 {} +
find "$root" -type f ! -perm /111 -exec chmod 0644 {} +
# The program's own scripts (main.js, method/main.js, method/seed-agent.js): those with a #! line.
find "$app/dist" -type f -name '*.js' -print0 \
  | while IFS= read -r -d '' file; do [ "$(head -c 2 "$file")" != '#!' ] || chmod 0755 "$file"; done
# Some npm tarballs mark plain files executable: only scripts stay so.
find "$app/node_modules" -type f -perm /111 ! -name '*.node' -print0 \
  | while IFS= read -r -d '' file; do [ "$(head -c 2 "$file")" = '#!' ] || chmod 0644 "$file"; done

# 6. Control files.
mkdir -p "$root/DEBIAN"
# Installed-Size as dpkg-gencontrol counts it: KiB per file rounded up, 1 per
# other entry; not du, whose answer depends on the file system.
installed_size=$(cd "$root" && find . -path ./DEBIAN -prune -o ! -path . -printf '%y %s\n' \
  | awk '{ total += ($1 == "f") ? int(($2 + 1023) / 1024) : 1 } END { print total }')
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$deb_arch/" -e "s/@INSTALLED_SIZE@/$installed_size/" -e "s/@SHLIBS@/$shlib_depends/" "$here/control.in" > "$root/DEBIAN/control"
install -m 0644 "$here/conffiles" "$root/DEBIAN/conffiles"
for script in postinst prerm postrm; do install -m 0755 "$here/$script" "$root/DEBIAN/$script"; done
(cd "$root" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"

# 7. Every time stamp the same, then the archive.
find "$root" -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +
# DEB_OUT_DIR: where the package goes (the tests build theirs elsewhere).
out_dir=${DEB_OUT_DIR:-dist}
mkdir -p "$out_dir"
out=$out_dir/apt-torrent_${version}_${deb_arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "$out"
