//! Desktop notifications only when a person must act: the real app, signed in through
//! kumo-fake, renews its sessions in the background without a word, and tells the
//! desktop's notification service (org.freedesktop.Notifications, stood in for here on
//! the test session's D-Bus) once when a renewal is refused; its window says the same.

#[path = "support/bus.rs"]
mod bus;
mod support;

use std::sync::mpsc;
use std::time::Duration;

use kumo_fake::{FakeServer, Operation, Options};
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

/// Sessions of 30-second access tokens that renew: for two minutes the app renews each
/// in the background, about once per token, tells the desktop nothing and shows no
/// countdown; then the fake revokes the org's session, and at its next renewal exactly
/// one notification and the window's banner ask for a sign-in.
#[tokio::test(flavor = "multi_thread")]
async fn sessions_renew_in_silence_and_only_a_revocation_is_announced() {
    let notifications = notification_service();
    let lifetime = Duration::from_secs(30);
    let mut options = Options {
        access_token_lifetime: lifetime,
        ..Options::default()
    };
    options.identity.token_lifetime = lifetime;
    options.azure.token_lifetime = lifetime;
    let fake = FakeServer::start(options.clone()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        kumo_fake::demo::kumo_config(fake.base_url(), &options),
    )
    .unwrap();
    let service = format!("kumo-e2e-notify-{}", std::process::id());
    let (d, _driver) = Driver::start(home.path(), &service, &[]).await;

    let sign_in = d.wait_for(".sign-in-all").await;
    d.click(&sign_in).await;
    d.wait_for_count(".session[data-signed-in=\"true\"]", 3)
        .await;
    let tokens = || {
        (
            fake.calls(Operation::IdentityToken),
            fake.calls(Operation::CreateToken),
            fake.calls(Operation::EntraToken),
        )
    };
    let at_sign_in = tokens();
    let quiet = tokio::task::spawn_blocking(move || {
        let heard = notifications.recv_timeout(Duration::from_secs(120));
        (heard, notifications)
    });
    let (heard, notifications) = quiet.await.unwrap();
    assert_eq!(heard.ok(), None, "a renewing session was announced");
    let renewed = tokens();
    for (provider, before, after) in [
        ("identity", at_sign_in.0, renewed.0),
        ("aws", at_sign_in.1, renewed.1),
        ("azure", at_sign_in.2, renewed.2),
    ] {
        // Two minutes of 30-second tokens: about four renewals each.
        assert!(
            (3..=8).contains(&(after - before)),
            "{provider}: {before} -> {after}"
        );
    }
    assert_eq!(
        d.find_all(".session .left").await.len(),
        3,
        "every chip is there"
    );
    d.wait_for_count(".session[data-signed-in=\"true\"]", 3)
        .await;
    let chips = d
        .script("return [...document.querySelectorAll('.session .left')].map(e => e.textContent)")
        .await;
    assert_eq!(
        chips,
        serde_json::json!([
            "renews automatically",
            "renews automatically",
            "renews automatically"
        ])
    );

    fake.revoke_all_sessions();
    let shown = tokio::task::spawn_blocking(move || {
        let first = notifications.recv_timeout(Duration::from_secs(60));
        let second = notifications.recv_timeout(Duration::from_secs(40));
        (first, second)
    })
    .await
    .unwrap();
    let first = shown
        .0
        .expect("a notification once the org's renewal is refused");
    assert_eq!(
        first,
        Shown {
            app: "Kumo".into(),
            summary: "Sign in to AWS again: demo".into(),
            body: "Kumo cannot renew this session by itself any more. Choose Sign in.".into(),
            actions: vec!["default".into(), "Sign in".into()],
        }
    );
    assert!(
        shown.1.is_err(),
        "one notification for the event: {:?}",
        shown.1
    );
    d.wait_for_text("Sign in to AWS demo again").await;
    d.screenshot("app-sign-in-needed").await;
    let _ = d.call(reqwest::Method::DELETE, "", None).await;
    let _ = std::process::Command::new("secret-tool")
        .args(["clear", "service", &service])
        .status();
}
