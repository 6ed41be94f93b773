//! The real app under Xvfb, driven through WebDriver (tauri-driver in front of
//! WebKitWebDriver) against kumo-fake: sign in to every provider (a BROWSER program plays
//! the user), refresh, search, star, elevate to an admin role with a reason and open its
//! console (the BROWSER program records the
//! federation login URL, and the fake counts the console sign-in for that account and
//! role), copy exports (read back from the X clipboard; never shown in the page).
//! Screenshots of each screen are saved under `target/screenshots/`.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use kumo_fake::{Directory, Operation, Options};
use support::webdriver::{CONTROL, Driver, ENTER, RELEASE};

#[tokio::test(flavor = "multi_thread")]
async fn a_person_signs_in_finds_stars_opens_and_copies() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "no DISPLAY: run the tests with `make test`, which starts Xvfb"
    );
    let options = Options {
        directory: Directory::generated(3, 2),
        ..Options::default()
    };
    let (fake, home) = support::fake_and_home(&options, support::nothing).await;
    let browser_log = home.path().join("browser.log");
    let service = format!("kumo-e2e-app-{}", std::process::id());
    let (d, _driver) = Driver::start(home.path(), &service, &[]).await;

    // Nothing is signed in yet: every chip offers a sign-in, in order.
    d.wait_for_count(".session", 3).await;
    d.screenshot("app-signed-out").await;
    for provider in ["identity", "aws", "azure"] {
        let button = d
            .wait_for(&format!(".session[data-provider=\"{provider}\"] button"))
            .await;
        d.click(&button).await;
        d.wait_for(&format!(
            ".session[data-provider=\"{provider}\"][data-signed-in=\"true\"]"
        ))
        .await;
    }

    let refresh = d.wait_for(".search-bar button").await;
    d.click(&refresh).await;
    // 3 accounts x 2 roles, 3 subscriptions, 3 projects.
    d.wait_for_text("12 of 12").await;
    d.wait_for(".row").await;
    d.screenshot("app-list").await;

    let search = d.wait_for("input[type=search]").await;
    d.keys(&search, "ReadOnly").await;
    d.wait_for_text("3 of 12").await;
    d.screenshot("app-search").await;
    d.keys(&search, "\u{E00C}").await;
    d.wait_for_text("12 of 12").await;

    // Star the third row (the second account's first role): it moves to the top.
    d.keys(&search, "\u{E015}\u{E015}").await;
    let rows = d.find_all(".row").await;
    let chosen = d.attribute(&rows[2], "data-id").await;
    d.keys(&search, &format!("{CONTROL}s{RELEASE}")).await;
    d.wait_for(&format!(
        ".row[data-id=\"{chosen}\"] .star[data-starred=\"true\"]"
    ))
    .await;
    let first = d.find_all(".row").await.remove(0);
    assert_eq!(d.attribute(&first, "data-id").await, chosen);

    // Enter opens the starred (now selected, first) target's console. It is an admin
    // role, privileged: the app first asks why, and elevates with that reason.
    assert!(chosen.ends_with("/AdministratorAccess"), "{chosen}");
    d.keys(&search, ENTER).await;
    let reason = d.wait_for(".elevate input").await;
    d.screenshot("app-elevate").await;
    d.keys(&reason, "INC-4711 restore the queue").await;
    let confirm = d.wait_for(".elevate button[type=submit]").await;
    d.click(&confirm).await;
    d.wait_for_text("Opened the console of").await;
    d.screenshot("app-opened").await;
    let (_, account, role) = {
        let mut parts = chosen.trim_start_matches("aws:").split('/');
        (
            parts.next().unwrap().to_owned(),
            parts.next().unwrap().to_owned(),
            parts.next().unwrap().to_owned(),
        )
    };
    let opened = std::fs::read_to_string(&browser_log).unwrap();
    let last = opened.lines().last().unwrap();
    // The browser is handed a one-shot local page, not the sign-in token.
    assert!(
        last.starts_with("http://127.0.0.1:") && !last.contains("SigninToken"),
        "{last}"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while fake.console_logins().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let login = fake.console_logins().pop().expect("a console sign-in");
    assert_eq!((login.account_id, login.role_name), (account, role));

    // Ctrl+E: the exports go to the clipboard, and no secret to the page.
    d.keys(&search, &format!("{CONTROL}e{RELEASE}")).await;
    let copied_at = Instant::now();
    d.wait_for_text("Copied the credential exports").await;
    let copied = arboard::Clipboard::new().unwrap().get_text().unwrap();
    assert!(copied.starts_with("export AWS_ACCESS_KEY_ID="), "{copied}");
    let secret = copied
        .lines()
        .find_map(|l| l.strip_prefix("export AWS_SECRET_ACCESS_KEY="))
        .unwrap()
        .trim_matches('\'')
        .to_owned();
    let html = d.script("return document.documentElement.outerHTML").await;
    assert!(!html.as_str().unwrap().contains(&secret));

    // Export as profile, from the action menu (Ctrl+K): Kumo's block in ~/.aws/config
    // runs the kumo beside the app.
    d.keys(&search, &format!("{CONTROL}k{RELEASE}")).await;
    let export = d.wait_for(".action-menu [data-action=\"export\"]").await;
    d.screenshot("app-action-menu").await;
    assert_eq!(
        d.get(&format!("/element/{export}/text")).await,
        "Export as profile"
    );
    d.click(&export).await;
    d.wait_for_text("aws --profile").await;
    let aws_config = std::fs::read_to_string(home.path().join(".aws/config")).unwrap();
    let kumo = Path::new(env!("CARGO_BIN_EXE_kumo-app")).with_file_name("kumo");
    assert!(
        aws_config.contains(&format!(
            "credential_process = {} credential-process {chosen}\n",
            kumo.display()
        )),
        "{aws_config}"
    );

    // The audit trail holds each of these, as the company identity: the console refused
    // until the elevation, then everything under it.
    let trail = std::fs::read_to_string(home.path().join("state/kumo/audit.jsonl")).unwrap();
    let records: Vec<serde_json::Value> = trail
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = records
        .iter()
        .map(|r| r["unmapped"]["kumo_event"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "sign_in",
            "sign_in",
            "sign_in",
            "refused",
            "elevation",
            "console",
            "credentials",
            "export"
        ]
    );
    assert_eq!(
        records[4]["unmapped"]["reason"],
        "INC-4711 restore the queue"
    );
    assert!(
        records
            .iter()
            .all(|r| r["actor"]["user"]["email_addr"] == "developer@example.com")
    );

    // The Activity view shows the same trail, latest first.
    let activity = d.wait_for(".status button.link").await;
    assert_eq!(
        d.get(&format!("/element/{activity}/text")).await,
        "Activity"
    );
    d.click(&activity).await;
    let entries = d.wait_for_count(".activity li", records.len()).await;
    let mut shown = Vec::new();
    for entry in &entries {
        shown.push(d.attribute(entry, "data-kind").await);
    }
    let mut latest_first: Vec<&str> = kinds.clone();
    latest_first.reverse();
    assert_eq!(shown, latest_first);
    d.screenshot("app-activity").await;

    // The copied credentials stay on the clipboard until 45 s after the copy, then
    // leave it. A read can fail under load: "still there" gets three tries.
    let on_clipboard = || arboard::Clipboard::new().unwrap().get_text().ok();
    let held = || {
        (0..3).any(|_| {
            let there = on_clipboard().as_deref() == Some(copied.as_str());
            if !there {
                std::thread::sleep(Duration::from_millis(300));
            }
            there
        })
    };
    tokio::time::sleep(
        (copied_at + Duration::from_secs(40)).saturating_duration_since(Instant::now()),
    )
    .await;
    assert!(held(), "cleared before 45 s");
    tokio::time::sleep(
        (copied_at + Duration::from_secs(48)).saturating_duration_since(Instant::now()),
    )
    .await;
    // Cleared: empty, or nothing offered; any other failure to read proves nothing.
    let cleared = (0..3).find_map(|_| match arboard::Clipboard::new().unwrap().get_text() {
        Ok(text) => Some(text.is_empty()),
        Err(arboard::Error::ContentNotAvailable) => Some(true),
        Err(_) => {
            std::thread::sleep(Duration::from_millis(300));
            None
        }
    });
    assert_eq!(
        cleared,
        Some(true),
        "the copied credentials are still there"
    );

    let _ = d.call(reqwest::Method::DELETE, "", None).await;
    clear_keychain(&service);
}

fn clear_keychain(service: &str) {
    let _ = Command::new("secret-tool")
        .args(["clear", "service", service])
        .status();
}

#[tokio::test(flavor = "multi_thread")]
async fn launched_for_the_demo_it_opens_signed_in_on_the_demo_cloud() {
    let home = tempfile::tempdir().unwrap();
    let service = format!("kumo-e2e-demo-{}", std::process::id());
    let (d, _driver) = Driver::start(home.path(), &service, &[("KUMO_DEMO", "1")]).await;
    // The demo cloud: 36 accounts x 3 roles, 3 subscriptions, 3 projects.
    d.wait_for_text("114 of 114").await;
    d.wait_for_text("Demo cloud").await;
    assert_eq!(
        d.find_all(".session[data-signed-in=\"true\"]").await.len(),
        3
    );
    d.screenshot("app-demo").await;
    assert!(!home.path().join("config.toml").exists());
    let _ = d.call(reqwest::Method::DELETE, "", None).await;
    clear_keychain(&service);
}

/// The demo, listed, in a launch with `extra` settings of the desktop.
async fn demo_listed(
    home: &Path,
    service: &str,
    extra: &[(&str, &str)],
) -> (Driver, support::webdriver::KillOnDrop) {
    let mut settings = vec![("KUMO_DEMO", "1")];
    settings.extend_from_slice(extra);
    let (d, driver) = Driver::start(home, service, &settings).await;
    d.wait_for_text("114 of 114").await;
    (d, driver)
}

#[tokio::test(flavor = "multi_thread")]
async fn at_twice_the_scale_everything_fits_the_window_at_twice_the_pixels() {
    let home = tempfile::tempdir().unwrap();
    let service = format!("kumo-e2e-scale-{}", std::process::id());
    let (d, _driver) = demo_listed(home.path(), &service, &[("GDK_SCALE", "2")]).await;
    let page = d
        .script(
            "const root = document.documentElement;
             return [devicePixelRatio, root.scrollWidth - root.clientWidth,
                     document.querySelector('.row').getBoundingClientRect().right <= root.clientWidth];",
        )
        .await;
    assert_eq!(page, serde_json::json!([2, 0, true]));
    d.screenshot("app-200-percent").await;
    let _ = d.call(reqwest::Method::DELETE, "", None).await;
    clear_keychain(&service);
}

#[tokio::test(flavor = "multi_thread")]
async fn on_a_dark_desktop_the_app_is_dark() {
    let home = tempfile::tempdir().unwrap();
    let service = format!("kumo-e2e-dark-{}", std::process::id());
    let (d, _driver) = demo_listed(home.path(), &service, &[("GTK_THEME", "Adwaita:dark")]).await;
    let page = d
        .script(
            "return [matchMedia('(prefers-color-scheme: dark)').matches,
                     getComputedStyle(document.body).backgroundColor];",
        )
        .await;
    assert_eq!(page, serde_json::json!([true, "rgb(22, 24, 29)"]));
    d.screenshot("app-dark").await;
    let _ = d.call(reqwest::Method::DELETE, "", None).await;
    clear_keychain(&service);
}

/// One "Sign in to all" signs in the identity, the org and the tenant, one browser visit
/// each; "Sign out" on a chip ends that provider at the provider (the portal's Logout),
/// and "Sign out of all" the rest (the identity's refresh token revoked), every one
/// recorded in the audit trail as the person who was signed in.
#[tokio::test(flavor = "multi_thread")]
async fn one_sign_in_for_every_provider_and_sign_out_that_revokes() {
    let options = Options {
        directory: Directory::generated(1, 1),
        ..Options::default()
    };
    let (fake, home) = support::fake_and_home(&options, support::nothing).await;
    let service = format!("kumo-e2e-sign-out-{}", std::process::id());
    let (d, _driver) = Driver::start(home.path(), &service, &[]).await;

    let sign_in = d.wait_for(".sign-in-all").await;
    d.click(&sign_in).await;
    d.wait_for_count(".session[data-signed-in=\"true\"]", 3)
        .await;
    let visits = std::fs::read_to_string(home.path().join("browser.log")).unwrap();
    assert_eq!(visits.lines().count(), 3, "{visits}");
    d.screenshot("app-signed-in").await;

    let aws_out = d
        .wait_for(".session[data-provider=\"aws\"] .session-sign-out")
        .await;
    d.click(&aws_out).await;
    d.wait_for(".session[data-provider=\"aws\"][data-signed-in=\"false\"]")
        .await;
    assert_eq!(fake.calls(Operation::Logout), 1);

    let all_out = d.wait_for(".sign-out-all").await;
    d.click(&all_out).await;
    d.wait_for_count(".session[data-signed-in=\"false\"]", 3)
        .await;
    assert_eq!(fake.calls(Operation::IdentityRevoke), 1);
    d.screenshot("app-signed-out-of-all").await;

    let trail = std::fs::read_to_string(home.path().join("state/kumo/audit.jsonl")).unwrap();
    let records: Vec<serde_json::Value> = trail
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = records
        .iter()
        .map(|r| r["unmapped"]["kumo_event"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "sign_in", "sign_in", "sign_in", "sign_out", "sign_out", "sign_out"
        ]
    );
    assert!(
        records
            .iter()
            .all(|r| r["actor"]["user"]["email_addr"] == "developer@example.com")
    );
    let _ = d.call(reqwest::Method::DELETE, "", None).await;
    clear_keychain(&service);
}

/// What the zero-trust work shows in the app beyond the first test: an org signed in as
/// someone other than the company identity gets the banner as soon as the sign-in
/// learns it; "Renew now" renews silently (recorded as a renewal); and a running
/// elevation can be ended early (recorded).
#[tokio::test(flavor = "multi_thread")]
async fn a_mismatch_shows_at_once_a_renewal_is_silent_and_an_elevation_ends_early() {
    let mut directory = Directory::generated(1, 1);
    directory.user = "someone@other.example".into();
    let options = Options {
        directory,
        // Due for renewal at once (under half of its life left soon after it is issued).
        access_token_lifetime: Duration::from_secs(4),
        ..Options::default()
    };
    let (_fake, home) = support::fake_and_home(&options, |fake| {
        format!("sts_endpoint = \"{}\"\n", fake.base_url())
    })
    .await;
    let service = format!("kumo-e2e-zero-trust-{}", std::process::id());
    let (d, _driver) = Driver::start(home.path(), &service, &[]).await;

    let sign_in = d.wait_for(".sign-in-all").await;
    d.click(&sign_in).await;
    d.wait_for_count(".session[data-signed-in=\"true\"]", 3)
        .await;
    d.wait_for_text("is signed in as someone@other.example, not as the company identity")
        .await;
    d.screenshot("app-identity-mismatch").await;

    tokio::time::sleep(Duration::from_secs(3)).await;
    // Clicked from the page: the chips re-render as the watch reads the sessions, which
    // WebKitWebDriver reports as an intercepted click.
    d.wait_for(".session[data-provider=\"aws\"] .session-sign-in")
        .await;
    d.script("document.querySelector('.session[data-provider=\"aws\"] .session-sign-in').click()")
        .await;
    let trail = home.path().join("state/kumo/audit.jsonl");
    let kinds = || -> Vec<String> {
        std::fs::read_to_string(&trail)
            .unwrap_or_default()
            .lines()
            .map(|l| {
                let record: serde_json::Value = serde_json::from_str(l).unwrap();
                record["unmapped"]["kumo_event"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while !kinds().contains(&"renewal".to_owned()) {
        assert!(
            Instant::now() < deadline,
            "no renewal recorded: {:?}",
            kinds()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        kinds().contains(&"identity_mismatch".to_owned()),
        "{:?}",
        kinds()
    );
    // The chip is back once the renewal's answer has arrived.
    d.wait_for(".session[data-provider=\"aws\"] .session-sign-in:not([disabled])")
        .await;

    // "Sign in to all" lists every cloud afterwards.
    d.wait_for_text("7 of 7").await;
    let search = d.wait_for("input[type=search]").await;
    d.keys(&search, "AdministratorAccess").await;
    d.wait_for(".row").await;
    d.keys(&search, ENTER).await;
    let reason = d.wait_for(".elevate input").await;
    // With the banners above, the page is taller than the window, and WebKitWebDriver
    // reports clicks there as intercepted: the keyboard confirms, as a person may.
    d.keys(&reason, &format!("INC-4712 rotate a key{ENTER}"))
        .await;
    d.wait_for_text("Opened the console of").await;
    d.wait_for_text("Elevated, ").await;
    d.screenshot("app-elevated").await;
    d.keys(&search, &format!("{CONTROL}k{RELEASE}")).await;
    let end = d
        .wait_for(".action-menu [data-action=\"end-elevation\"]")
        .await;
    d.keys(&end, ENTER).await;
    d.wait_for_text("Ended the elevation of").await;
    // The 4-second sessions' renewals go on being recorded around it.
    let recorded = kinds();
    let last_of_the_guard = recorded
        .iter()
        .rfind(|kind| !matches!(kind.as_str(), "renewal" | "sign_in"));
    assert_eq!(
        last_of_the_guard.map(String::as_str),
        Some("elevation_ended"),
        "{recorded:?}"
    );
    let _ = d.call(reqwest::Method::DELETE, "", None).await;
    clear_keychain(&service);
}
