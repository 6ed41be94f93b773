//! Watches the sign-ins: the UI gets their statuses as they change (a renewal by the CLI
//! included), and the desktop a notification 15 minutes before a session ends.

use std::time::Duration;

use kumo_core::access::{Reminder, Reminders};
use tauri::{AppHandle, Emitter, Manager};

use crate::commands::AppState;

/// How often the keychain is read again when no reminder falls due sooner: a renewal
/// elsewhere shows within this.
const RECHECK: Duration = Duration::from_secs(60);

/// Runs for the app's life; `AppState::recheck` wakes it at once (after a renewal).
pub async fn watch(app: AppHandle) {
    let mut reminders = Reminders::default();
    loop {
        let state = app.state::<AppState>();
        let (statuses, now) = {
            let kumo = state.kumo.read().await;
            (kumo.statuses(), kumo.now())
        };
        let _ = app.emit("sessions", &statuses);
        for reminder in reminders.due(&statuses, now) {
            tracing::info!("{}", reminder.title());
            notify(&app, reminder);
        }
        let wait = Reminders::next_due(&statuses, now)
            .map_or(RECHECK, |due| {
                Duration::from_secs(due.saturating_sub(now).unsigned_abs())
            })
            .min(RECHECK);
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = state.recheck.notified() => {}
        }
    }
}

/// A desktop notification; clicking it brings the window forward. Without a
/// notification service the window's own banner still says it.
fn notify(app: &AppHandle, reminder: Reminder) {
    let app = app.clone();
    // The D-Bus calls block, and waiting for the click blocks until it is dismissed.
    std::thread::spawn(move || {
        let shown = notify_rust::Notification::new()
            .appname("Kumo")
            .summary(&reminder.title())
            .body(&reminder.body())
            .icon("kumo")
            .action("default", "Open Kumo")
            .show();
        match shown {
            #[cfg(all(unix, not(target_os = "macos")))]
            Ok(handle) => handle.wait_for_action(|action| {
                if action == "default" {
                    crate::show_search(&app);
                }
            }),
            #[cfg(not(all(unix, not(target_os = "macos"))))]
            Ok(_) => drop(app),
            Err(e) => tracing::warn!("no desktop notification ({e}); the window shows it"),
        }
    });
}
