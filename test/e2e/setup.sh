#!/usr/bin/env bash
# Installs what the end-to-end tests need on a fresh Debian machine like CI's (as root):
# Debian's Chromium, ripgrep, and the libraries code-server's native modules build against; then
# code-server and playwright-core from test/e2e/package-lock.json. No browser is downloaded
# (playwright-core drives /usr/bin/chromium) and nothing comes from outside the npm registry
# and Debian's packages.
set -euo pipefail
cd "$(dirname "$0")"

# fonts-dejavu-core: readable screenshots on a machine without fonts.
packages=(libkrb5-dev libsecret-1-dev libxkbfile-dev libx11-dev pkg-config ripgrep chromium fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "e2e setup: apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# code-server's postinstall runs `npm install` in lib/vscode, where @vscode/ripgrep downloads rg
# from GitHub unless its cache already holds the archive: put Debian's rg there. The version is
# the one lib/vscode/npm-shrinkwrap.json of code-server 4.100.3 pins; the file name is what its
# postinstall looks for (ripgrep v13.0.0-10, x86_64 musl).
ripgrep_package=1.15.11
cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-${ripgrep_package}"
archive="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -s "$archive" ]; then
  mkdir -p "$cache"
  staging=$(mktemp -d)
  cp "$(command -v rg)" "$staging/rg"
  tar -czf "$archive.tmp" -C "$staging" rg
  mv "$archive.tmp" "$archive"
  rm -rf "$staging"
fi

# code-server refuses to run its postinstall as root without unsafe-perm; yes answers npx prompts.
export npm_config_yes=true npm_config_unsafe_perm=true
npm ci --no-audit --no-fund --loglevel=error

node_modules/.bin/code-server --version >/dev/null
node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg --version >/dev/null
echo "e2e setup: code-server $(node -p "require('code-server/package.json').version"), playwright-core $(node -p "require('playwright-core/package.json').version"), $(/usr/bin/chromium --version 2>/dev/null | head -1)"
