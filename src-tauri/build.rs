/// Every command of src/commands.rs; tests/commands.rs checks the lists agree.
const COMMANDS: &[&str] = &[
    "doctor",
    "overview",
    "refresh",
    "open_console",
    "copy_exports",
    "export_profile",
    "elevate",
    "end_elevation",
    "principals",
    "activity",
    "toggle_star",
    "set_alias",
    "set_colour",
    "renew",
    "sign_in_all",
    "sign_out",
    "set_start_at_login",
    "start_demo",
    "save_config",
    "settings",
    "save_settings",
    "unlock_keychain",
    "palette_targets",
    "target_details",
    "hide_palette",
    "show_main",
];

fn main() {
    // Generating allow-/deny- permissions for our own commands makes them subject to the
    // capability files: a command not granted there cannot be invoked from the webview.
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run the Tauri build script");
}
