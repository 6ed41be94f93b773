fn main() {
    // Generating allow-/deny- permissions for our own commands makes them subject to the
    // capability files: a command not granted there cannot be invoked from the webview.
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(&["doctor"])),
    )
    .expect("failed to run the Tauri build script");
}
