//! Watches the sign-ins: renews each session that can renew by itself ahead of its
//! access token's end (under each provider's cross-process lock, so the CLI and the app
//! never race a rotating refresh token), hands the UI the statuses as they change (a
//! renewal by the CLI included), and tells the desktop only what a person must act on.

use std::collections::HashMap;
use std::time::Duration;

use kumo_core::access::{KeychainState, NextStep, Provider, Reminder, ReminderKind, Reminders};
use tauri::{AppHandle, Emitter, Manager};

use crate::commands::AppState;
use crate::words::Words;

/// How often the keychain is read again when nothing falls due sooner: a renewal
/// elsewhere shows within this.
const RECHECK: Duration = Duration::from_secs(60);
/// A renewal that could not reach its provider is tried again after this long.
const RETRY_SECS: i64 = 20;

/// Runs for the app's life; `AppState::recheck` wakes it at once (after a renewal).
pub async fn watch(app: AppHandle) {
    let mut reminders = Reminders::default();
    // When each session's current token was first seen, and when it is to be renewed.
    let mut renewals: HashMap<(Provider, String), (Option<i64>, i64)> = HashMap::new();
    loop {
        let state = app.state::<AppState>();
        // A locked keychain would answer each read with its unlock prompt: the watch
        // waits for "Unlock" (which wakes it) instead of raising it in the background.
        if state.kumo.read().await.keychain() != KeychainState::Ready {
            tokio::select! {
                () = tokio::time::sleep(RECHECK) => {}
                () = state.recheck.notified() => {}
            }
            continue;
        }
        let (statuses, now, words) = {
            let kumo = state.kumo.read().await;
            let words = Words::of(kumo.locale());
            let now = kumo.now();
            let statuses = kumo.statuses();
            let mut renewed_any = false;
            for status in &statuses {
                let key = (status.provider, status.name.clone());
                let (seen, renew_at) = renewals.entry(key).or_insert((None, i64::MAX));
                if *seen != status.expires_at {
                    // A new token (here or from the CLI): its own renewal time.
                    *seen = status.expires_at;
                    *renew_at = status.renew_at(now).unwrap_or(i64::MAX);
                }
                if *renew_at <= now {
                    *renew_at = i64::MAX;
                    renewed_any = true;
                    if let Err(e) = kumo.renew_silently(status.provider, &status.name).await {
                        tracing::warn!(
                            "renewing {} {}: {}",
                            status.provider.label(),
                            status.name,
                            e.message
                        );
                        // Out of reach, not refused: try again soon.
                        if !matches!(e.next, Some(NextStep::SignIn { .. })) {
                            *renew_at = now + RETRY_SECS;
                        }
                    }
                }
            }
            // Read again only when a renewal may have changed them.
            if renewed_any {
                (kumo.statuses(), kumo.now(), words)
            } else {
                (statuses, now, words)
            }
        };
        let _ = app.emit("sessions", &statuses);
        for reminder in reminders.due(&statuses, now) {
            tracing::info!("{}", Words::English.title(&reminder));
            notify(&app, reminder, words);
        }
        let next_renewal = renewals.values().map(|(_, at)| *at).min();
        let wait = [Reminders::next_due(&statuses, now), next_renewal]
            .into_iter()
            .flatten()
            .map(|due| Duration::from_secs(due.saturating_sub(now).max(1).unsigned_abs()))
            .fold(RECHECK, Duration::min);
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = state.recheck.notified() => {}
        }
    }
}

/// A desktop notification. Its action opens the window, or for a sign-in needed starts
/// the sign-in. Without a notification service the window's own banner still says it.
fn notify(app: &AppHandle, reminder: Reminder, words: Words) {
    let app = app.clone();
    // The D-Bus calls block, and waiting for the click blocks until it is dismissed.
    std::thread::spawn(move || {
        let shown = notify_rust::Notification::new()
            .appname("Kumo")
            .summary(&words.title(&reminder))
            .body(&words.body(&reminder))
            .icon("kumo")
            .action("default", words.action(&reminder))
            .show();
        match shown {
            #[cfg(all(unix, not(target_os = "macos")))]
            Ok(handle) => handle.wait_for_action(|clicked| {
                if clicked == "default" {
                    crate::show_search(&app);
                    if matches!(
                        reminder.kind,
                        ReminderKind::SignInNeeded | ReminderKind::SignInBy(_)
                    ) {
                        sign_in(&app, &reminder);
                    }
                }
            }),
            #[cfg(not(all(unix, not(target_os = "macos"))))]
            Ok(_) => drop(app),
            Err(e) => tracing::warn!("no desktop notification ({e}); the window shows it"),
        }
    });
}

/// The notification's "Sign in": the provider's sign-in, as the window's button does.
fn sign_in(app: &AppHandle, reminder: &Reminder) {
    let app = app.clone();
    let (provider, name) = (reminder.provider, reminder.session.clone());
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let kumo = state.kumo.read().await;
        if let Err(e) = kumo
            .renew(provider, &name, &kumo_core::access::Silent)
            .await
        {
            tracing::warn!("signing in from the notification: {}", e.message);
        }
        state.recheck.notify_one();
    });
}
