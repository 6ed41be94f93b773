// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

//! The Kumo desktop app: a thin shell. Commands call kumo-core's access layer and return
//! metadata only.

mod autostart_entry;
mod commands;
mod palette;
mod reminders;
mod rendering;
mod shortcut;
mod tray;
mod words;

use std::sync::Mutex;

use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_global_shortcut::ShortcutState;
use tokio::sync::RwLock;

use commands::AppState;
use kumo_core::access::Kumo;

/// Brings the search window to the front, focused on its search field.
pub fn show_search(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    let _ = app.emit("focus-search", ());
}

/// A tray item's target: opened as the list's Enter would.
pub fn open_from_tray(app: &AppHandle, id: String) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        if let Err(e) =
            commands::open_console(app.clone(), state, id.clone(), None, None, None).await
        {
            tracing::warn!(target = %id, "opening from the tray failed: {e}");
            let _ = app.emit("tray-error", e);
        }
    });
}

/// How long after the UI has its list the background work starts: the window renders
/// first, on a machine of two cores, without the keychain and the caches read beside it.
const SETTLE: std::time::Duration = std::time::Duration::from_secs(1);

/// The tray's names (from the caches), the palette and the sign-in watch, once the
/// window has its list.
async fn after_launch(app: AppHandle) {
    app.state::<AppState>().launched.notified().await;
    tokio::time::sleep(SETTLE).await;
    tray::update(&app);
    let handle = app.clone();
    let _ = app.run_on_main_thread(move || palette::create(&handle));
    reminders::watch(app).await;
}

/// The desktop entry of earlier versions (`kumo.desktop`): now the autostart plugin's.
fn adopt_old_autostart_entry(app: &AppHandle) {
    let Some(config_home) = std::env::var_os("XDG_CONFIG_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".config")))
    else {
        return;
    };
    let old = config_home.join("autostart").join("kumo.desktop");
    if old.is_file() && autostart_entry::enable(app).is_ok() {
        let _ = std::fs::remove_file(old);
    }
}

fn main() -> anyhow::Result<()> {
    rendering::without_compositing();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(kumo_core::access::log_filter(
                std::env::var("KUMO_LOG").ok().as_deref(),
                "kumo_app=info,kumo_core=info",
            ))
            .unwrap_or_else(|_| "kumo_app=info,kumo_core=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let minimised = std::env::args().any(|a| a == autostart_entry::ARGS);
    let kumo = Kumo::load()?;
    let shortlist = tray::shortlist(&kumo, false);
    let instance_name = kumo.instance_name();
    let shortcut = kumo.chosen_settings().shortcut;
    let words = words::Words::of(kumo.locale());
    // `make run` with nothing configured: straight into the demo.
    let demo_on_start = std::env::var_os("KUMO_DEMO").is_some_and(|v| v == "1");

    tauri::Builder::default()
        // First: a second launch must hand over before anything else starts.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance_name)
                .callback(|app, _args, _cwd| {
                    tracing::info!("a second launch asked this instance to show its window");
                    show_search(app);
                })
                .build(),
        )
        .plugin(
            tauri_plugin_autostart::Builder::new()
                .args([autostart_entry::ARGS])
                .build(),
        )
        .plugin(
            tauri_plugin_global_shortcut::Builder::new()
                .with_handler(|app, _shortcut, event| {
                    if event.state() == ShortcutState::Pressed {
                        palette::toggle(app);
                    }
                })
                .build(),
        )
        .manage(AppState {
            kumo: RwLock::new(kumo),
            clipboard: Mutex::new(None),
            demo_on_start,
            launch_overview: Mutex::new(None),
            recheck: tokio::sync::Notify::new(),
            launched: tokio::sync::Notify::new(),
        })
        .setup(move |app| {
            let handle = app.handle().clone();
            AppState::prefetch_overview(&handle);
            tauri::async_runtime::spawn(after_launch(handle.clone()));
            adopt_old_autostart_entry(&handle);
            if let Err(e) = shortcut::register(&handle, &shortcut) {
                tracing::warn!("no global shortcut: {}", e.message);
            }
            if let Err(e) = tray::install(&handle, &shortlist, words) {
                tracing::warn!("no tray icon on this desktop: {e}");
            }
            if minimised && let Some(window) = app.get_webview_window("main") {
                let _ = window.hide();
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::doctor,
            commands::overview,
            commands::refresh,
            commands::open_console,
            commands::copy_exports,
            commands::elevate,
            commands::end_elevation,
            commands::principals,
            commands::activity,
            commands::export_profile,
            commands::toggle_star,
            commands::set_alias,
            commands::set_colour,
            commands::renew,
            commands::sign_in_all,
            commands::sign_out,
            commands::set_start_at_login,
            commands::start_demo,
            commands::save_config,
            commands::settings,
            commands::save_settings,
            commands::unlock_keychain,
            commands::palette_targets,
            commands::target_details,
            commands::hide_palette,
            commands::show_main,
        ])
        .run(tauri::generate_context!())?;
    Ok(())
}
