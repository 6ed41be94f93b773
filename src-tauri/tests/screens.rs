//! The screens a person can land on besides the list, end to end in the real app:
//! a keychain that is running but locked (its own screen, then unlocked), a desktop
//! with no keychain at all where the demo still runs, Settings taking effect (the
//! language at once, a browser found on this machine for the next console), and the
//! app in Japanese, start at login from a path holding a space. Screenshots go to
//! `target/screenshots/`.

mod support;

#[path = "../../crates/kumo-cli/tests/support/keyring_bus.rs"]
mod keyring_bus;

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use keyring_bus::KeyringBus;
use kumo_fake::{Directory, Options};
use support::webdriver::Driver;

#[tokio::test(flavor = "multi_thread")]
async fn a_locked_keychain_gets_its_own_screen_and_the_list_once_unlocked() {
    let mut bus = KeyringBus::start("locked");
    let options = Options {
        directory: Directory::generated(1, 1),
        ..Options::default()
    };
    let (_fake, home) = support::fake_and_home(&options, support::nothing).await;
    let service = format!("kumo-e2e-locked-{}", std::process::id());
    let (d, _driver) = Driver::start(
        home.path(),
        &service,
        &[("DBUS_SESSION_BUS_ADDRESS", &bus.address)],
    )
    .await;

    d.wait_for(".keychain-screen[data-keychain=\"locked\"]")
        .await;
    d.wait_for_text("The keychain is locked").await;
    for action in [".unlock", ".try-demo", ".diagnostics"] {
        d.wait_for(&format!(".keychain-screen {action}")).await;
    }
    d.screenshot("app-keychain-locked").await;

    // The person types their password at the keychain's prompt; Unlock goes on.
    bus.unlock();
    let unlock = d.wait_for(".keychain-screen .unlock").await;
    d.click(&unlock).await;
    d.wait_for_count(".session", 3).await;
    assert!(d.find_all(".keychain-screen").await.is_empty());
    let _ = d.call(reqwest::Method::DELETE, "", None).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn with_no_keychain_on_the_desktop_the_demo_runs_and_diagnostics_say_why() {
    let bus = KeyringBus::start("missing");
    let home = tempfile::tempdir().unwrap();
    let service = format!("kumo-e2e-no-keychain-{}", std::process::id());
    let (d, _driver) = Driver::start(
        home.path(),
        &service,
        &[
            ("KUMO_DEMO", "1"),
            ("DBUS_SESSION_BUS_ADDRESS", &bus.address),
        ],
    )
    .await;
    d.wait_for_text("114 of 114").await;
    d.wait_for_text("Demo cloud").await;
    assert!(d.find_all(".keychain-screen").await.is_empty());
    assert!(d.find_all("[role=alert]").await.is_empty());

    // The demo's own checks: its secrets are in memory.
    let diagnostics = d.wait_for(".doctor-button").await;
    d.click(&diagnostics).await;
    let keychain = d
        .wait_for("[data-check=\"keychain\"][data-status=\"ok\"]")
        .await;
    let text = d.get(&format!("/element/{keychain}/text")).await;
    assert!(text.as_str().unwrap().contains("in-memory store"), "{text}");
    d.screenshot("app-demo-without-keychain").await;
    let _ = d.call(reqwest::Method::DELETE, "", None).await;
}

/// Selects `value` in the Settings' select `name`, as a person picking from it would.
async fn choose(d: &Driver, name: &str, value: &str) {
    d.script(&format!(
        "const s = document.querySelector('.settings select[name={name}]');
         s.value = '{value}';
         s.dispatchEvent(new Event('change', {{ bubbles: true }}));"
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_switch_the_language_at_once_and_send_consoles_to_the_browser_chosen() {
    let options = Options {
        directory: Directory::generated(1, 2),
        ..Options::default()
    };
    let (fake, home) = support::fake_and_home(&options, support::nothing).await;
    // A Firefox on this machine: it records how it was started, then fetches the page
    // its container is to open, as the container extension would.
    let bin = home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let firefox = bin.join("firefox");
    std::fs::write(
        &firefox,
        format!(
            r#"#!/usr/bin/env bash
printf '%s\n' "$*" >> {log}
page="${{1##*url=}}"
page="${{page%%&*}}"
exec {browser} "$(printf '%b' "${{page//%/\\x}}")"
"#,
            log = home.path().join("firefox.log").display(),
            browser = support::webdriver::BROWSER,
        ),
    )
    .unwrap();
    std::fs::set_permissions(&firefox, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let service = format!("kumo-e2e-settings-{}", std::process::id());
    let (d, _driver) = Driver::start(home.path(), &service, &[("PATH", &path)]).await;

    let sign_in = d.wait_for(".sign-in-all").await;
    d.click(&sign_in).await;
    d.wait_for_count(".session[data-signed-in=\"true\"]", 3)
        .await;
    d.wait_for_text("8 of 8").await;
    d.screenshot("app-list-en").await;

    let settings = d.wait_for(".settings-button").await;
    d.click(&settings).await;
    d.wait_for(".settings select[name=browser] option[value=firefox]")
        .await;
    choose(&d, "browser", "firefox").await;
    d.wait_for_text("Consoles open in Firefox.").await;
    choose(&d, "language", "ja").await;
    d.wait_for_text("コンソールは Firefox で開きます。").await;
    let lang = d.script("return document.documentElement.lang").await;
    assert_eq!(lang, serde_json::json!("ja"));
    d.screenshot("app-settings-ja").await;
    let close = d.wait_for(".settings-button").await;
    d.click(&close).await;
    d.wait_for_text("8 / 8 件").await;
    d.screenshot("app-list-ja").await;

    // Enter opens the read-only role in Firefox, in a container of its own.
    let search = d.wait_for("input[type=search]").await;
    d.keys(&search, "ReadOnly").await;
    d.wait_for_text("1 / 8 件").await;
    d.keys(&search, support::webdriver::ENTER).await;
    let log = home.path().join("firefox.log");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !log.exists() {
        assert!(Instant::now() < deadline, "Firefox was never started");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let started = std::fs::read_to_string(&log).unwrap();
    assert!(started.contains("ext+container:"), "{started}");
    d.wait_for_text("のコンソールを開きました。").await;
    let login = fake.console_logins().pop().expect("a console sign-in");
    assert_eq!(login.role_name, "ReadOnlyAccess");
    let _ = d.call(reqwest::Method::DELETE, "", None).await;
}

/// Start at login, from Settings, for a Kumo installed where the path holds a space: the
/// desktop entry the autostart plugin writes names the program quoted, so the session
/// starts it.
#[tokio::test(flavor = "multi_thread")]
async fn start_at_login_names_a_program_whose_path_holds_a_space() {
    let home = tempfile::tempdir().unwrap();
    let apps = home.path().join("My Apps");
    std::fs::create_dir_all(&apps).unwrap();
    let program = apps.join("kumo-app");
    std::fs::copy(env!("CARGO_BIN_EXE_kumo-app"), &program).unwrap();
    let service = format!("kumo-e2e-autostart-{}", std::process::id());
    let (base, _driver) = Driver::launch(home.path(), &service, &[("KUMO_DEMO", "1")]).await;
    let d = Driver::session_of(base, &program).await;

    let settings = d.wait_for(".settings-button").await;
    d.click(&settings).await;
    let start_at_login = d.wait_for("input[name=start-at-login]").await;
    d.click(&start_at_login).await;

    let entry = home.path().join(".config/autostart/Kumo.desktop");
    let wanted = format!("Exec=\"{}\" --minimised", program.display());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let written = std::fs::read_to_string(&entry).unwrap_or_default();
        if written.lines().any(|line| line == wanted) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the entry never said {wanted:?}:\n{written}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = d.call(reqwest::Method::DELETE, "", None).await;
}
