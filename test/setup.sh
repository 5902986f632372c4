#!/usr/bin/env bash
# Installs what the tests and the demo need on a fresh Debian machine (run as root).
# Quick when everything is already there.
set -euo pipefail
needed=(apt-utils iproute2 dpkg-dev nginx-light aria2 opentracker mktorrent transmission-cli groff man-db zsh fish tmux bash-completion xz-utils gnupg gpgv time util-linux python3 python3-jsonschema python3-apt openssl lintian debootstrap)
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The packaged nginx starts itself on port 80; the tests run their own instances.
systemctl disable --now nginx >/dev/null 2>&1 || service nginx stop >/dev/null 2>&1 || true
[ -d node_modules ] || npm ci --no-audit --no-fund
