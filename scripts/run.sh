#!/usr/bin/env bash
# Sets up what is missing, builds, and starts the Kumo desktop app. Without a display
# it says so and runs `kumo doctor` instead.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
(cd ui && npm run --silent build)
cargo build --locked -p kumo-app -p kumo-cli
bin="${CARGO_TARGET_DIR:-target}/debug"

config="${KUMO_CONFIG:-${XDG_CONFIG_HOME:-$HOME/.config}/kumo/config.toml}"
configured=""
grep -qsE '^[[:space:]]*\[(\[aws\]|\[azure\]|identity)\]' "$config" && configured=1
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  # With nothing configured, the app opens on the embedded demo cloud.
  [ -n "$configured" ] || export KUMO_DEMO=1
  exec "$bin/kumo-app"
fi
echo "make run: no display here (DISPLAY and WAYLAND_DISPLAY are unset), so the desktop app cannot open."
if [ -n "$configured" ]; then
  echo "make run: running \`kumo doctor\` instead:"
  echo
  exec "$bin/kumo" doctor
fi
echo "make run: nothing is configured in $config, so here is \`kumo demo\` on the built-in demo cloud:"
exec "$bin/kumo" demo
