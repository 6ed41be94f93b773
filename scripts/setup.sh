#!/usr/bin/env bash
# Installs what building, running and testing Kumo needs, and only what is missing:
# a second run installs nothing. Debian packages (as root, or through sudo), then the
# UI's npm packages from the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # Tauri 2 on Linux
  build-essential pkg-config file libssl-dev libwebkit2gtk-4.1-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  # keyring's Secret Service client links libdbus
  libdbus-1-dev
  # tests: a display, a private D-Bus session with gnome-keyring, screenshots
  xvfb xauth dbus gnome-keyring libsecret-tools keyutils webkit2gtk-driver
  imagemagick xdotool
  # the Japanese screenshots and any CJK names in the list
  fonts-noto-cjk
  # the interop test's venv (boto3 from PyPI) when python3 is Debian's
  python3-venv
  # `kumo use` and completions are tested in the real shells
  zsh fish
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: Debian packages present"
fi

for tool in cargo rustfmt cargo-clippy node npm; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is missing; install the Rust toolchain (rustup) and Node.js 20+" >&2; exit 1; }
done

# npm ci only when the lock file changed since the last install.
stamp=ui/node_modules/.kumo-lock-sha256
want=$(sha256sum ui/package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing the UI's npm packages"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
else
  echo "setup: UI npm packages present"
fi
