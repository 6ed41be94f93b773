//! The global shortcut that calls the palette: Settings chooses it, the desktop must
//! accept it, and a refused one leaves the one before in place.

use std::str::FromStr;

use kumo_core::access::Error;
use tauri::AppHandle;
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut};

use crate::commands::failure;

fn parse(accelerator: &str) -> Result<Shortcut, Error> {
    Shortcut::from_str(accelerator).map_err(|e| {
        failure(format!(
            "`{accelerator}` is not a shortcut ({e}): use modifiers and a key, such as Ctrl+Alt+K"
        ))
    })
}

/// Takes `accelerator` for the palette.
pub fn register(app: &AppHandle, accelerator: &str) -> Result<(), Error> {
    app.global_shortcut()
        .register(parse(accelerator)?)
        .map_err(|e| {
            failure(format!(
                "the desktop refused the shortcut {accelerator}: {e}"
            ))
        })
}

/// Gives up `old` for `new`; when the desktop refuses `new`, `old` stays.
pub fn replace(app: &AppHandle, old: &str, new: &str) -> Result<(), Error> {
    let new_shortcut = parse(new)?;
    if let Ok(old) = parse(old) {
        let _ = app.global_shortcut().unregister(old);
    }
    app.global_shortcut().register(new_shortcut).map_err(|e| {
        let _ = register(app, old);
        failure(format!("the desktop refused the shortcut {new}: {e}"))
    })
}
