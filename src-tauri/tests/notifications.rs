//! Desktop notifications only when a person must act: the real app, signed in through
//! kumo-fake, renews its sessions in the background without a word, and tells the
//! desktop's notification service (org.freedesktop.Notifications, stood in for here on
//! the test session's D-Bus) once when a renewal is refused; its window says the same.

#[path = "support/bus.rs"]
mod bus;
mod support;

use std::sync::mpsc;
use std::time::Duration;

use kumo_core::access::{Kumo, Provider};
use kumo_fake::{FakeServer, Fault, Operation, Options};
use support::webdriver::{Driver, KillOnDrop, app_environment};

/// What a notification said.
#[derive(Debug, PartialEq, Eq)]
struct Shown {
    app: String,
    summary: String,
    body: String,
    actions: Vec<String>,
}

/// One test at a time: each app would otherwise notify while the other test listens.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Where the stand-in hands what it is shown: the listening test's channel.
static LISTENER: std::sync::Mutex<Option<mpsc::Sender<Shown>>> = std::sync::Mutex::new(None);

/// A notification service on the session bus (one per test process: it owns the
/// well-known name) that hands the calling test what it is asked to show from now on.
fn notification_service() -> mpsc::Receiver<Shown> {
    static STARTED: std::sync::Once = std::sync::Once::new();
    let (shown_tx, shown) = mpsc::channel();
    *LISTENER.lock().unwrap() = Some(shown_tx);
    STARTED.call_once(|| {
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
                    if let Some(listener) = LISTENER.lock().unwrap().as_ref() {
                        let _ = listener.send(Shown {
                            app,
                            summary,
                            body,
                            actions,
                        });
                    }
                    call.method_return().append1(1u32)
                }
                Some("GetCapabilities") => call.method_return().append1(vec!["actions", "body"]),
                _ => call.method_return(),
            }
        });
    });
    shown
}

/// The fake with every provider's access tokens lasting `lifetime`, and the app
/// signed in to all of them through it.
struct SignedIn {
    fake: FakeServer,
    home: tempfile::TempDir,
    service: String,
    d: Driver,
    _driver: KillOnDrop,
}

impl SignedIn {
    async fn start(lifetime: Duration, tune: fn(&mut Options)) -> Self {
        let mut options = Options {
            access_token_lifetime: lifetime,
            ..Options::default()
        };
        options.identity.token_lifetime = lifetime;
        options.azure.token_lifetime = lifetime;
        tune(&mut options);
        let (fake, home) = support::fake_and_home(&options, support::nothing).await;
        let service = format!(
            "kumo-e2e-notify-{}-{}",
            std::process::id(),
            lifetime.as_secs()
        );
        let (d, driver) = Driver::start(home.path(), &service, &[]).await;
        let sign_in = d.wait_for(".sign-in-all").await;
        d.click(&sign_in).await;
        d.wait_for_count(".session[data-signed-in=\"true\"]", 3)
            .await;
        Self {
            fake,
            home,
            service,
            d,
            _driver: driver,
        }
    }

    /// Each provider's token requests so far: identity, AWS, Azure.
    fn tokens(&self) -> [u64; 3] {
        [
            self.fake.calls(Operation::IdentityToken),
            self.fake.calls(Operation::CreateToken),
            self.fake.calls(Operation::EntraToken),
        ]
    }

    async fn chips(&self) -> serde_json::Value {
        self.d
            .script(
                "return [...document.querySelectorAll('.session .left')].map(e => e.textContent)",
            )
            .await
    }

    /// What `kumo status` reads: the providers a person must sign in to.
    fn needing_sign_in(&self) -> Vec<Provider> {
        let kumo = Kumo::load_from(app_environment(self.home.path(), &self.service)).unwrap();
        kumo.session_reports()
            .into_iter()
            .filter(|r| r.needs_sign_in)
            .map(|r| r.provider)
            .collect()
    }

    async fn close(self) {
        let _ = self.d.call(reqwest::Method::DELETE, "", None).await;
        let _ = std::process::Command::new("secret-tool")
            .args(["clear", "service", &self.service])
            .status();
    }
}

/// Every notification shown within `within`, until none comes for `quiet`.
async fn heard(
    notifications: mpsc::Receiver<Shown>,
    within: Duration,
    quiet: Duration,
) -> (Vec<Shown>, mpsc::Receiver<Shown>) {
    tokio::task::spawn_blocking(move || {
        let deadline = std::time::Instant::now() + within;
        let mut shown = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let wait = if shown.is_empty() {
                left
            } else {
                quiet.min(left)
            };
            match notifications.recv_timeout(wait) {
                Ok(one) => shown.push(one),
                Err(_) => break,
            }
        }
        shown.sort_by(|a, b| a.summary.cmp(&b.summary));
        (shown, notifications)
    })
    .await
    .unwrap()
}

fn summaries(shown: &[Shown]) -> Vec<String> {
    shown
        .iter()
        .map(|s| s.summary.split(':').next().unwrap().to_owned())
        .collect()
}

/// Sessions of 60-second access tokens that renew: for five minutes the app renews each
/// in the background, about once a minute, tells the desktop nothing and never shows a
/// countdown; then the fake revokes every session, and within a renewal interval
/// exactly one notification per provider and the window's banner ask for a sign-in,
/// as `kumo status` does.
#[tokio::test(flavor = "multi_thread")]
async fn sessions_renew_in_silence_and_only_a_revocation_is_announced() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let notifications = notification_service();
    let app = SignedIn::start(Duration::from_secs(60), |_| {}).await;
    let at_sign_in = app.tokens();
    let quiet_until = std::time::Instant::now() + Duration::from_secs(300);
    while std::time::Instant::now() < quiet_until {
        assert_eq!(
            app.chips().await,
            serde_json::json!([
                "renews automatically",
                "renews automatically",
                "renews automatically"
            ]),
            "a chip shows a countdown"
        );
        assert_eq!(
            notifications.try_recv().ok(),
            None,
            "a renewing session was announced"
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let renewed = app.tokens();
    for (provider, (before, after)) in ["identity", "aws", "azure"]
        .iter()
        .zip(at_sign_in.into_iter().zip(renewed))
    {
        // Five minutes of 60-second tokens renewed in their last tenth: about five each.
        assert!(
            (4..=7).contains(&(after - before)),
            "{provider}: {before} -> {after}"
        );
    }
    assert_eq!(app.needing_sign_in(), []);

    app.fake.revoke_all_sessions();
    let (shown, _) = heard(
        notifications,
        Duration::from_secs(75),
        Duration::from_secs(40),
    )
    .await;
    assert_eq!(
        summaries(&shown),
        [
            "Sign in to AWS again",
            "Sign in to Azure again",
            "Sign in to Identity again"
        ],
        "one notification per provider: {shown:?}"
    );
    for one in &shown {
        assert_eq!(
            (one.app.as_str(), one.body.as_str(), one.actions.as_slice()),
            (
                "Kumo",
                "Kumo cannot renew this session by itself any more. Choose Sign in.",
                ["default".to_owned(), "Sign in".to_owned()].as_slice()
            )
        );
    }
    app.d.wait_for_text("Sign in to AWS demo again").await;
    app.d.wait_for_text("Sign in to Azure").await;
    app.d.wait_for_text("Sign in to Identity").await;
    app.d.screenshot("app-sign-in-needed").await;
    assert_eq!(
        app.needing_sign_in(),
        [Provider::Identity, Provider::Aws, Provider::Azure]
    );
    app.close().await;
}

/// An org whose client registration ends within the week is announced once, as a
/// sign-in to do this week; with every provider out of reach, each is announced once as
/// out of reach, and nothing claims a session ended.
#[tokio::test(flavor = "multi_thread")]
async fn a_registration_near_its_end_and_providers_out_of_reach_are_told_for_what_they_are() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let notifications = notification_service();
    let app = SignedIn::start(Duration::from_secs(30), |options| {
        options.registration_lifetime = Duration::from_secs(6 * 24 * 3600);
    })
    .await;
    let (shown, notifications) = heard(
        notifications,
        Duration::from_secs(20),
        Duration::from_secs(20),
    )
    .await;
    assert_eq!(
        shown,
        [Shown {
            app: "Kumo".into(),
            summary: "Sign in to AWS this week: demo".into(),
            body: "Kumo renews this session by itself for 6 more days, until its client registration ends. Choose Sign in to renew it for longer.".into(),
            actions: vec!["default".into(), "Sign in".into()],
        }]
    );
    app.d
        .wait_for_text("Sign in to AWS demo within 6 days")
        .await;
    assert_eq!(app.needing_sign_in(), [Provider::Aws]);

    for operation in [
        Operation::IdentityToken,
        Operation::CreateToken,
        Operation::EntraToken,
    ] {
        app.fake.script(operation, Fault::ServerError(503), 10_000);
    }
    // Three failed renewals in a row, 20 s apart, after the first at the token's end.
    let (shown, _) = heard(
        notifications,
        Duration::from_secs(150),
        Duration::from_secs(30),
    )
    .await;
    assert_eq!(
        summaries(&shown),
        [
            "Kumo cannot reach AWS",
            "Kumo cannot reach Azure",
            "Kumo cannot reach Identity"
        ],
        "{shown:?}"
    );
    assert!(
        shown
            .iter()
            .all(|s| s.body.ends_with("The session has not ended.")),
        "{shown:?}"
    );
    app.d
        .wait_for_text("it keeps trying, and the session has not ended")
        .await;
    assert_eq!(
        app.chips().await,
        serde_json::json!(["cannot reach", "cannot reach", "cannot reach"])
    );
    app.d.screenshot("app-unreachable").await;
    app.close().await;
}
