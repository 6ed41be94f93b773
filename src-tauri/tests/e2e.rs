//! The real app under Xvfb, driven through WebDriver (tauri-driver in front of
//! WebKitWebDriver) against kumo-fake: sign in to every provider (a BROWSER program plays
//! the user), refresh, search, star, open a console (the BROWSER program records the
//! federation login URL, and the fake counts the console sign-in for that account and
//! role), copy exports (read back from the X clipboard; never shown in the page).
//! Screenshots of each screen are saved under `target/screenshots/`.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use kumo_fake::{Directory, FakeServer, Options};
use serde_json::{Value, json};

const BROWSER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../crates/kumo-cli/tests/support/browser.sh"
);
/// W3C WebDriver's key for element references.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
const ENTER: &str = "\u{E007}";
const CONTROL: &str = "\u{E009}";
const RELEASE: &str = "\u{E000}";

/// tauri-driver in a process group of its own, which goes whole on drop: it starts
/// WebKitWebDriver, which would outlive it.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.0.id())])
            .status();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn tauri_driver() -> PathBuf {
    let cargo_bin = PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo/bin");
    [
        cargo_bin.join("tauri-driver"),
        PathBuf::from("tauri-driver"),
    ]
    .into_iter()
    .find(|p| p.is_file())
    .unwrap_or_else(|| PathBuf::from("tauri-driver"))
}

fn screenshots_dir() -> PathBuf {
    let app = Path::new(env!("CARGO_BIN_EXE_kumo-app"));
    let dir = app.parent().unwrap().parent().unwrap().join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Driver {
    http: reqwest::Client,
    base: String,
    session: String,
}

impl Driver {
    /// tauri-driver (killed on drop) with the app in a session of its own: home, config,
    /// caches, runtime dir and keychain namespace under `home`, plus `extra` variables.
    async fn start(home: &Path, service: &str, extra: &[(&str, &str)]) -> (Self, KillOnDrop) {
        let (port, native_port) = (free_port(), free_port());
        let mut command = Command::new(tauri_driver());
        command
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
            .env("HOME", home)
            .env("KUMO_CONFIG", home.join("config.toml"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_RUNTIME_DIR", home.join("run"))
            .env("KUMO_KEYCHAIN_SERVICE", service)
            .env("BROWSER", BROWSER)
            .env("KUMO_TEST_BROWSER_LOG", home.join("browser.log"))
            .env("KUMO_LOG", "kumo_app=info")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .process_group(0);
        for (name, value) in extra {
            command.env(name, value);
        }
        let driver = KillOnDrop(
            command
                .spawn()
                .expect("tauri-driver is installed (the test command installs it)"),
        );
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let created: Value = loop {
            let attempt = http
                .post(format!("{base}/session"))
                .json(&json!({"capabilities": {"alwaysMatch": {
                    "tauri:options": {"application": env!("CARGO_BIN_EXE_kumo-app")}
                }}}))
                .send()
                .await;
            if let Ok(response) = attempt {
                break response.json().await.unwrap();
            }
            assert!(Instant::now() < deadline, "tauri-driver never listened");
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let session = created["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {created}"))
            .to_owned();
        (
            Self {
                http,
                base,
                session,
            },
            driver,
        )
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut request = self.http.request(method, &url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer: Value = request.send().await.unwrap().json().await.unwrap();
        if answer["value"]["error"].is_string() {
            panic!("WebDriver {path}: {}", answer["value"]);
        }
        answer["value"].clone()
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> Value {
        self.call(reqwest::Method::GET, path, None).await
    }

    async fn script(&self, script: &str) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": []}))
            .await
    }

    async fn find_all(&self, css: &str) -> Vec<String> {
        let found = self
            .post("/elements", json!({"using": "css selector", "value": css}))
            .await;
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                e[ELEMENT]
                    .as_str()
                    .unwrap_or_else(|| panic!("not an element reference: {e}"))
                    .to_owned()
            })
            .collect()
    }

    /// Waits until `css` matches at least one element, and returns the first.
    async fn wait_for(&self, css: &str) -> String {
        self.wait_for_count(css, 1).await.remove(0)
    }

    async fn wait_for_count(&self, css: &str, n: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let found = self.find_all(css).await;
            if found.len() >= n {
                return found;
            }
            if Instant::now() > deadline {
                let text = self.script("return document.body.innerText").await;
                panic!("never saw {n} of `{css}`; the page says:\n{text}");
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Waits until the page's text contains `text`.
    async fn wait_for_text(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let page = self.script("return document.body.innerText").await;
            if page.as_str().unwrap_or_default().contains(text) {
                return;
            }
            if Instant::now() > deadline {
                panic!("never saw {text:?}; the page says:\n{page}");
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    async fn click(&self, element: &str) {
        self.post(&format!("/element/{element}/click"), json!({}))
            .await;
    }

    async fn keys(&self, element: &str, text: &str) {
        self.post(&format!("/element/{element}/value"), json!({"text": text}))
            .await;
    }

    async fn attribute(&self, element: &str, name: &str) -> String {
        self.get(&format!("/element/{element}/attribute/{name}"))
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    async fn screenshot(&self, name: &str) {
        let png = self.get("/screenshot").await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        std::fs::write(screenshots_dir().join(format!("{name}.png")), bytes).unwrap();
    }
}

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
    let fake = FakeServer::start(options.clone()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        kumo_fake::demo::kumo_config(fake.base_url(), &options),
    )
    .unwrap();
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
    d.wait_for_count(".row", 12).await;
    d.wait_for_text("12 of 12").await;
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
        ".row[data-id=\"{chosen}\"] .star[aria-pressed=\"true\"]"
    ))
    .await;
    let first = d.find_all(".row").await.remove(0);
    assert_eq!(d.attribute(&first, "data-id").await, chosen);

    // Enter opens the starred (now selected, first) target's console.
    d.keys(&search, ENTER).await;
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
    assert!(
        last.starts_with(&format!("{}/federation?Action=login", fake.base_url())),
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
    d.wait_for_text("Copied the credential exports").await;
    let copied = arboard::Clipboard::new().unwrap().get_text().unwrap();
    assert!(copied.starts_with("export AWS_ACCESS_KEY_ID="), "{copied}");
    let secret = copied
        .lines()
        .find_map(|l| l.strip_prefix("export AWS_SECRET_ACCESS_KEY="))
        .unwrap()
        .to_owned();
    let html = d.script("return document.documentElement.outerHTML").await;
    assert!(!html.as_str().unwrap().contains(&secret));

    // Export as profile: Kumo's block in ~/.aws/config runs the kumo beside the app.
    let export = d.wait_for(".actions button:nth-of-type(3)").await;
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
