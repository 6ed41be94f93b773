//! The palette, as a person meets it: the global shortcut (pressed through the X server,
//! as a keyboard would) shows a small window with its search field focused; typing
//! narrows the list, Enter opens the console and puts the palette away, Escape puts it
//! away. The main window's list and the palette's share the cached listing.

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use kumo_fake::{Directory, Options};
use serde_json::json;
use support::webdriver::{Driver, ENTER};

const ESCAPE: &str = "\u{E00C}";

/// Presses keys on the X display the app runs on.
fn press(keys: &str) {
    let status = Command::new("xdotool")
        .args(["key", "--clearmodifiers", keys])
        .status()
        .expect("xdotool is installed (scripts/setup.sh)");
    assert!(status.success(), "xdotool key {keys} failed");
}

/// The app's webview windows, as WebDriver knows them.
async fn windows(d: &Driver) -> Vec<String> {
    let handles = d.get("/window/handles").await;
    handles
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_shortcut_shows_the_palette_where_a_few_letters_and_enter_open_a_console() {
    let options = Options {
        directory: Directory::generated(3, 2),
        ..Options::default()
    };
    let (fake, home) = support::fake_and_home(&options, support::nothing).await;
    let service = format!("kumo-e2e-palette-{}", std::process::id());
    let (d, _driver) = Driver::start(home.path(), &service, &[]).await;

    let sign_in = d.wait_for(".sign-in-all").await;
    d.click(&sign_in).await;
    d.wait_for_count(".session[data-signed-in=\"true\"]", 3)
        .await;
    d.wait_for_text("12 of 12").await;
    let main = d.get("/window").await.as_str().unwrap().to_owned();

    // The palette is made once the launch has settled; the shortcut shows it.
    let deadline = Instant::now() + Duration::from_secs(30);
    let palette = loop {
        press("ctrl+alt+k");
        tokio::time::sleep(Duration::from_millis(300)).await;
        if let Some(other) = windows(&d).await.into_iter().find(|h| *h != main) {
            break other;
        }
        assert!(Instant::now() < deadline, "the shortcut showed no palette");
    };
    d.post("/window", json!({ "handle": palette })).await;
    let field = d.wait_for("input[type=search]").await;
    d.wait_for_count(".palette [role=option]", 8).await;
    let focused = d
        .script("return document.activeElement === document.querySelector('.palette input')")
        .await;
    assert_eq!(focused, json!(true));
    d.screenshot("app-palette").await;

    d.keys(&field, "search-prod ReadOnly").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while d.find_all(".palette [role=option]").await.len() != 1 {
        assert!(
            Instant::now() < deadline,
            "typing did not narrow the palette"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let chosen = d
        .script("return document.querySelector('.palette [role=option]').dataset.id")
        .await;
    assert!(
        chosen.as_str().unwrap().ends_with("/ReadOnlyAccess"),
        "{chosen}"
    );

    d.keys(&field, ENTER).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while fake.console_logins().is_empty() {
        assert!(Instant::now() < deadline, "Enter opened no console");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let login = fake.console_logins().pop().unwrap();
    assert!(
        chosen
            .as_str()
            .unwrap()
            .ends_with(&format!("{}/{}", login.account_id, login.role_name)),
        "{chosen} but {login:?}"
    );
    wait_until_hidden(&d).await;

    // Shown again: a new search; Escape puts it away.
    press("ctrl+alt+k");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let state = d
            .script(
                "return [document.visibilityState, document.querySelector('.palette input').value]",
            )
            .await;
        if state == json!(["visible", ""]) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the palette came back as {state}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let field = d.wait_for("input[type=search]").await;
    d.keys(&field, ESCAPE).await;
    wait_until_hidden(&d).await;
    let _ = d.call(reqwest::Method::DELETE, "", None).await;
}

async fn wait_until_hidden(d: &Driver) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while d.script("return document.visibilityState").await != json!("hidden") {
        assert!(Instant::now() < deadline, "the palette stayed on screen");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
