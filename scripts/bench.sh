#!/usr/bin/env bash
# The benchmarks of docs/BENCHMARKS.md: a release build of kumo measured against the
# in-process kumo-fake, with boto3 and aws-sso-util (from PyPI) as the peers, inside the
# same private keychain session the tests use; then the desktop app's launch, search and
# memory under Xvfb. Prints the figures; takes a few minutes (more for a cold release
# build).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
target="${CARGO_TARGET_DIR:-$PWD/target}"
venv="$target/bench-venv"
if ! "$venv/bin/python" -c "import boto3" 2>/dev/null || [ ! -x "$venv/bin/aws-sso-util" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check boto3 aws-sso-util
fi
cargo build --locked --release -p kumo-cli
cargo build --locked -p kumo-tests --bin kumo-bench
scripts/with-test-session.sh "$target/debug/kumo-bench" \
  --kumo "$target/release/kumo" --python "$venv/bin/python" --aws-sso-util "$venv/bin/aws-sso-util" "$@"

# The desktop app: launch, search and memory, under Xvfb through WebDriver.
command -v tauri-driver >/dev/null || cargo install --locked tauri-driver
(cd ui && npm run --silent build)
cargo build --locked --release -p kumo-app --example bare_window
scripts/with-test-session.sh cargo bench --locked -p kumo-app --bench app
