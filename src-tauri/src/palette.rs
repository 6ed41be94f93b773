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
    let made = WebviewWindowBuilder::from_config(app, &config)
        .map(|builder| in_main_web_process(app, builder))
        .and_then(|builder| builder.build());
    if let Err(e) = made {
        tracing::warn!("the palette window could not be made: {e}");
    }
}

/// The palette's page in the main window's web process, as a related view: a web
/// process of its own would hold a second copy of WebKit's heap for a page of a few
/// kilobytes. Runs on the main thread, where `with_webview` calls back at once.
#[cfg(target_os = "linux")]
fn in_main_web_process<'a>(
    app: &AppHandle,
    builder: WebviewWindowBuilder<'a, tauri::Wry, AppHandle>,
) -> WebviewWindowBuilder<'a, tauri::Wry, AppHandle> {
    use std::cell::RefCell;
    thread_local! {
        static MAIN_VIEW: RefCell<Option<webkit2gtk::WebView>> = const { RefCell::new(None) };
    }
    if let Some(main) = app.get_webview_window("main") {
        let _ = main.with_webview(|webview| {
            MAIN_VIEW.with(|view| *view.borrow_mut() = Some(webview.inner()));
        });
    }
    match MAIN_VIEW.with(|view| view.borrow_mut().take()) {
        Some(view) => builder.with_related_view(view),
        None => builder,
    }
}

#[cfg(not(target_os = "linux"))]
fn in_main_web_process<'a>(
    _app: &AppHandle,
    builder: WebviewWindowBuilder<'a, tauri::Wry, AppHandle>,
) -> WebviewWindowBuilder<'a, tauri::Wry, AppHandle> {
    builder
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
