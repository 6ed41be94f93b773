#!/usr/bin/env bash
# The whole test suite, as CI runs it: setup, UI build/type check/unit tests, Rust
# format and lint, then every Rust test inside a private D-Bus session (real
# gnome-keyring) with an Xvfb display (the real app window).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "Setup"
scripts/setup.sh

step "Python venv with boto3 for the SDK interop test"
venv="${CARGO_TARGET_DIR:-$PWD/target}/interop-venv"
if "$venv/bin/python" -c "import boto3" 2>/dev/null; then
  echo "present"
else
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check boto3
fi
export KUMO_TEST_PYTHON="$venv/bin/python"

step "UI: build, type check, unit tests"
(cd ui && npm run --silent build && npm run --silent check && npm run --silent test)

step "Rust: format"
cargo fmt --all --check

step "Rust: lint"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "kumo-cli links no WebKit or GTK"
if cargo tree -p kumo-cli --locked -e normal,build --prefix none | grep -E '^(webkit2gtk|gtk|tauri|wry) '; then
  echo "kumo-cli depends on the crates above, which pull in WebKit/GTK; keep them in src-tauri" >&2
  exit 1
fi
echo "ok"

step "Rust: tests (real keychain, app window under Xvfb)"
scripts/with-test-session.sh cargo test --workspace --locked --no-fail-fast
