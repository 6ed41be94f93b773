//! The palette: a small window with a search field and the top results, called by the
//! global shortcut or the tray's "Search…". It is made hidden once the launch has
//! settled (not before the main window's list) and then only shown and hidden, so the
//! shortcut finds it ready.

use tauri::{AppHandle, Emitter, Manager, WebviewWindowBuilder};

pub const LABEL: &str = "palette";

/// Makes the hidden palette window from its entry in tauri.conf.json.
pub fn create(app: &AppHandle) {
    if app.get_webview_window(LABEL).is_some() {
        return;
    }
    let Some(config) = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == LABEL)
        .cloned()
    else {
        tracing::warn!("tauri.conf.json has no palette window");
        return;
    };
    if let Err(e) = WebviewWindowBuilder::from_config(app, &config).and_then(|b| b.build()) {
        tracing::warn!("the palette window could not be made: {e}");
    }
}

/// Shows the palette in front, its field focused and emptied for a new search.
pub fn show(app: &AppHandle) {
    create(app);
    if let Some(window) = app.get_webview_window(LABEL) {
        let _ = window.center();
        let _ = window.show();
        let _ = window.set_focus();
        let _ = app.emit_to(LABEL, "palette-shown", ());
    }
}

pub fn hide(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(LABEL) {
        let _ = window.hide();
    }
}

/// The shortcut again while it is up puts it away.
pub fn toggle(app: &AppHandle) {
    let visible = app
        .get_webview_window(LABEL)
        .and_then(|w| w.is_visible().ok())
        .unwrap_or(false);
    if visible { hide(app) } else { show(app) }
}
