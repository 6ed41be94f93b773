#!/usr/bin/env bash
# Builds the installable packages of this system (release builds: many minutes, not
# part of `make test`): on Linux a .deb and an .rpm of the desktop app with the `kumo`
# CLI beside it on PATH, the desktop entry and the icons; on macOS the .app and a .dmg;
# on Windows an .msi and an NSIS installer. Each is built on its own system. The Tauri
# CLI comes prebuilt from npm; an AppImage is left out because its bundler downloads
# tools at build time.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
target="${CARGO_TARGET_DIR:-$PWD/target}"
triple=$(rustc -vV | sed -n 's/^host: //p')
cargo build --locked --release -p kumo-cli
# Tauri's externalBin: the CLI, named for the target triple, installed to /usr/bin/kumo.
mkdir -p src-tauri/binaries
cp "$target/release/kumo" "src-tauri/binaries/kumo-$triple"
case "$(uname -s)" in
  Darwin) bundles=app,dmg ;;
  MINGW* | MSYS* | CYGWIN*) bundles=msi,nsis ;;
  *) bundles=deb,rpm ;;
esac
ui/node_modules/.bin/tauri build --bundles "$bundles" --config '{"bundle":{"externalBin":["binaries/kumo"]}}'
echo
echo "package: built $bundles"
find "$target/release/bundle" -maxdepth 2 \( -name '*.deb' -o -name '*.rpm' -o -name '*.app' -o -name '*.dmg' -o -name '*.msi' -o -name '*.exe' \)
