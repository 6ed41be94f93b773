//! The desktop notification before a session ends: the real app, signed in through
//! kumo-fake to an identity whose sessions last 10 minutes, tells the desktop's
//! notification service (org.freedesktop.Notifications, stood in for here on the test
//! session's D-Bus) at once, and its window shows the same warning.

#[path = "support/bus.rs"]
mod bus;
mod support;

use std::sync::mpsc;
use std::time::Duration;

use kumo_fake::{FakeServer, Options};
use support::webdriver::Driver;

/// What a notification said.
#[derive(Debug, PartialEq, Eq)]
struct Shown {
    app: String,
    summary: String,
    body: String,
    actions: Vec<String>,
}

/// A notification service on the session bus that hands over what it is asked to show.
fn notification_service() -> mpsc::Receiver<Shown> {
    let (shown_tx, shown) = mpsc::channel();
    bus::stand_in("org.freedesktop.Notifications", move |call| {
        match call.member().as_deref() {
            Some("Notify") => {
                let mut args = call.iter_init();
                let app: String = args.read().unwrap();
                let _replaces: u32 = args.read().unwrap();
                let _icon: String = args.read().unwrap();
                let summary: String = args.read().unwrap();
                let body: String = args.read().unwrap();
                let actions: Vec<String> = args.read().unwrap();
                let _ = shown_tx.send(Shown {
                    app,
                    summary,
                    body,
                    actions,
                });
                call.method_return().append1(1u32)
            }
            Some("GetCapabilities") => call.method_return().append1(vec!["actions", "body"]),
            _ => call.method_return(),
        }
    });
    shown
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_ending_within_fifteen_minutes_is_announced_on_the_desktop() {
    let notifications = notification_service();
    let mut options = Options::default();
    options.identity.token_lifetime = Duration::from_secs(10 * 60);
    let fake = FakeServer::start(options.clone()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        kumo_fake::demo::kumo_config(fake.base_url(), &options),
    )
    .unwrap();
    let service = format!("kumo-e2e-notify-{}", std::process::id());
    let (d, _driver) = Driver::start(home.path(), &service, &[]).await;

    let sign_in = d
        .wait_for(".session[data-provider=\"identity\"] button")
        .await;
    d.click(&sign_in).await;
    let shown =
        tokio::task::spawn_blocking(move || notifications.recv_timeout(Duration::from_secs(30)))
            .await
            .unwrap()
            .expect("a desktop notification");
    assert_eq!(
        shown,
        Shown {
            app: "Kumo".into(),
            summary: "Your Identity session for developer@example.com ends in 10 minutes".into(),
            body: "Open Kumo and choose Renew now to stay signed in.".into(),
            actions: vec!["default".into(), "Open Kumo".into()],
        }
    );
    d.wait_for_text("Your Identity session for developer@example.com ends in")
        .await;
    d.screenshot("app-session-ending").await;
    let _ = d.call(reqwest::Method::DELETE, "", None).await;
    let _ = std::process::Command::new("secret-tool")
        .args(["clear", "service", &service])
        .status();
}
