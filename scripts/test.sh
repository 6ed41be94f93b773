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

step "Fuzz: the config parser, the AWS config editor and the parsers of server answers, briefly"
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
# cargo-fuzz passes flags stable rustc keeps behind RUSTC_BOOTSTRAP; no sanitizer is
# needed to find panics and broken invariants in safe Rust, and a dev build keeps
# release builds out of the test command.
fuzz_dir="${CARGO_TARGET_DIR:-$PWD/target}/fuzz"
mkdir -p "$fuzz_dir"
for target in kumo_config aws_config_block arm_page gcp_page discovery id_token_header token_answer; do
  log="$fuzz_dir/$target.log"
  if ! (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none --dev --target-dir "$fuzz_dir" \
        "$target" -- -max_total_time=20 -rss_limit_mb=2048) >"$log" 2>&1; then
    cat "$log"
    echo "fuzz target $target failed; the input is under fuzz/artifacts/$target/" >&2
    exit 1
  fi
  tail -n 1 "$log"
done

step "Rust: tests (real keychain, the app under Xvfb and WebDriver)"
# The app's end-to-end test drives it through tauri-driver (from crates.io) in front of
# Debian's WebKitWebDriver.
command -v tauri-driver >/dev/null || cargo install --locked tauri-driver
log="${CARGO_TARGET_DIR:-$PWD/target}/test-output.log"
mkdir -p "$(dirname "$log")"
scripts/with-test-session.sh cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$log"
# One closing line for the whole suite (the last runner's own line is its doc-tests').
awk '/^test result:/ { passed += $4; failed += $6 } END { printf "tests: %d passed, %d failed\n", passed, failed }' "$log"
