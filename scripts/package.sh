#!/usr/bin/env bash
# Builds the installable packages (release builds: many minutes, not part of
# `make test`): a .deb and an .rpm of the desktop app with the `kumo` CLI beside it on
# PATH, the desktop entry and the icons. The Tauri CLI comes prebuilt from npm; an
# AppImage is left out because its bundler downloads tools at build time.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
target="${CARGO_TARGET_DIR:-$PWD/target}"
triple=$(rustc -vV | sed -n 's/^host: //p')
cargo build --locked --release -p kumo-cli
# Tauri's externalBin: the CLI, named for the target triple, installed to /usr/bin/kumo.
mkdir -p src-tauri/binaries
cp "$target/release/kumo" "src-tauri/binaries/kumo-$triple"
ui/node_modules/.bin/tauri build --bundles deb,rpm --config '{"bundle":{"externalBin":["binaries/kumo"]}}'
echo
echo "package: built"
find "$target/release/bundle" -maxdepth 2 -name '*.deb' -o -maxdepth 2 -name '*.rpm'
