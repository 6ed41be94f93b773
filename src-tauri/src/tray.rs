//! The tray icon: favourites and recents to open at once, "Search…", and Quit.

use kumo_core::access::Kumo;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

use crate::commands::AppState;
use crate::words::Words;

pub const TRAY_ID: &str = "kumo";
const SEARCH: &str = "search";
const QUIT: &str = "quit";
/// Menu ids of targets carry this prefix before the target id.
const OPEN: &str = "open:";
const MAX_ITEMS: usize = 8;

/// Starred targets, then recently opened ones, as the tray lists them: id and label.
/// Without `named` (at start, before the caches are read) aliases and ids stand in.
pub fn shortlist(kumo: &Kumo, named: bool) -> Vec<(String, String)> {
    kumo.shortlist(MAX_ITEMS, named)
}

fn menu(app: &AppHandle, shortlist: &[(String, String)], words: Words) -> tauri::Result<Menu<Wry>> {
    let menu = Menu::new(app)?;
    for (id, label) in shortlist {
        menu.append(&MenuItem::with_id(
            app,
            format!("{OPEN}{id}"),
            label,
            true,
            None::<&str>,
        )?)?;
    }
    if !shortlist.is_empty() {
        menu.append(&PredefinedMenuItem::separator(app)?)?;
    }
    menu.append(&MenuItem::with_id(
        app,
        SEARCH,
        words.search(),
        true,
        Some("CmdOrCtrl+Alt+K"),
    )?)?;
    menu.append(&MenuItem::with_id(
        app,
        QUIT,
        words.quit(),
        true,
        None::<&str>,
    )?)?;
    Ok(menu)
}

pub fn install(app: &AppHandle, shortlist: &[(String, String)], words: Words) -> tauri::Result<()> {
    let icon = app
        .default_window_icon()
        .cloned()
        .expect("the bundle has an icon");
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon)
        .tooltip("Kumo")
        .menu(&menu(app, shortlist, words)?)
        .on_menu_event(|app, event| {
            let id = event.id().as_ref();
            if id == QUIT {
                app.exit(0);
            } else if id == SEARCH {
                crate::palette::show(app);
            } else if let Some(target) = id.strip_prefix(OPEN) {
                crate::open_from_tray(app, target.to_owned());
            }
        })
        .build(app)?;
    Ok(())
}

/// Rebuilds the menu from the prefs and the cached list (after a star, an open, an
/// alias or a relisting), in the background: the caches are read off the caller's path.
pub fn update(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let (shortlist, words) = {
            let state = app.state::<AppState>();
            let kumo = state.kumo.read().await;
            (shortlist(&kumo, true), Words::of(kumo.locale()))
        };
        if let Some(tray) = app.tray_by_id(TRAY_ID)
            && let Ok(menu) = menu(&app, &shortlist, words)
        {
            let _ = tray.set_menu(Some(menu));
        }
    });
}
