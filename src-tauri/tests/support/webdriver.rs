//! A WebDriver client for the real app: tauri-driver (in front of WebKitWebDriver) in a
//! process group of its own, the W3C calls the tests and the benchmark need, screenshots.

#![allow(dead_code)] // the e2e tests and the benchmark each use their own part

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const BROWSER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../crates/kumo-cli/tests/support/browser.sh"
);
/// W3C WebDriver's key for element references.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
pub const ENTER: &str = "\u{E007}";
pub const CONTROL: &str = "\u{E009}";
pub const RELEASE: &str = "\u{E000}";

/// tauri-driver in a process group of its own, which goes whole on drop: it starts
/// WebKitWebDriver, which would outlive it.
/// tauri-driver, killed (with the app) on drop, and the screen while it runs.
pub struct KillOnDrop {
    driver: Child,
    _screen: tokio::sync::OwnedMutexGuard<()>,
}

/// The X screen, one app at a time: every app's window opens at the same place, and a
/// screenshot is cut from the screen, where another test's window would cover it.
static SCREEN: std::sync::LazyLock<std::sync::Arc<tokio::sync::Mutex<()>>> =
    std::sync::LazyLock::new(Default::default);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.wait();
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

pub fn screenshots_dir() -> PathBuf {
    let app = Path::new(env!("CARGO_BIN_EXE_kumo-app"));
    let dir = app.parent().unwrap().parent().unwrap().join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Where the app keeps its workspace: home, config, caches, state, runtime dir and
/// keychain namespace under `home`.
pub fn app_environment(home: &Path, service: &str) -> Vec<(String, String)> {
    let under = |dir: &str| home.join(dir).display().to_string();
    vec![
        ("HOME".into(), home.display().to_string()),
        ("KUMO_CONFIG".into(), under("config.toml")),
        ("XDG_CONFIG_HOME".into(), under("config")),
        ("XDG_CACHE_HOME".into(), under("cache")),
        ("XDG_DATA_HOME".into(), under("data")),
        ("XDG_RUNTIME_DIR".into(), under("run")),
        ("XDG_STATE_HOME".into(), under("state")),
        ("KUMO_KEYCHAIN_SERVICE".into(), service.into()),
    ]
}

pub struct Driver {
    http: reqwest::Client,
    base: String,
    session: String,
}

impl Driver {
    /// tauri-driver (killed on drop) with the app in a session of its own: home, config,
    /// caches, runtime dir and keychain namespace under `home`, plus `extra` variables.
    pub async fn start(home: &Path, service: &str, extra: &[(&str, &str)]) -> (Self, KillOnDrop) {
        let (base, driver) = Self::launch(home, service, extra).await;
        (Self::session(base).await, driver)
    }

    /// Starts tauri-driver with the app's environment and waits until it listens;
    /// returns its base URL.
    pub async fn launch(
        home: &Path,
        service: &str,
        extra: &[(&str, &str)],
    ) -> (String, KillOnDrop) {
        let screen = SCREEN.clone().lock_owned().await;
        let (port, native_port) = (free_port(), free_port());
        let mut command = Command::new(tauri_driver());
        command
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
            .envs(app_environment(home, service))
            .env("BROWSER", BROWSER)
            .env("KUMO_TEST_BROWSER_LOG", home.join("browser.log"))
            .env("KUMO_LOG", "kumo_app=info")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .process_group(0);
        for (name, value) in extra {
            command.env(name, value);
        }
        let driver = KillOnDrop {
            driver: command
                .spawn()
                .expect("tauri-driver is installed (the test command installs it)"),
            _screen: screen,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "tauri-driver never listened");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        (format!("http://127.0.0.1:{port}"), driver)
    }

    /// A new WebDriver session: this launches the app.
    pub async fn session(base: String) -> Self {
        Self::session_of(base, Path::new(env!("CARGO_BIN_EXE_kumo-app"))).await
    }

    /// A new WebDriver session of another Tauri program (the benchmark's bare window).
    /// Retried while the connection fails: tauri-driver listens before the native
    /// driver behind it does, and drops requests until then.
    pub async fn session_of(base: String, application: &Path) -> Self {
        // A page that stops answering fails the test at the call that waited, instead of
        // hanging the run: no WebDriver call here takes more than seconds.
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let created: Value = loop {
            let attempt = http
                .post(format!("{base}/session"))
                .json(&json!({"capabilities": {"alwaysMatch": {
                    "tauri:options": {"application": application}
                }}}))
                .send()
                .await;
            match attempt {
                Ok(response) => break response.json().await.unwrap(),
                Err(e) => assert!(Instant::now() < deadline, "no WebDriver session: {e}"),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let session = created["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {created}"))
            .to_owned();
        Self {
            http,
            base,
            session,
        }
    }

    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut request = self.http.request(method, &url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer: Value = match request.send().await {
            Ok(response) => response.json().await.unwrap(),
            Err(e) => panic!("WebDriver {path}: no answer ({e})"),
        };
        if answer["value"]["error"].is_string() {
            panic!("WebDriver {path}: {}", answer["value"]);
        }
        answer["value"].clone()
    }

    pub async fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn get(&self, path: &str) -> Value {
        self.call(reqwest::Method::GET, path, None).await
    }

    pub async fn script(&self, script: &str) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": []}))
            .await
    }

    pub async fn find_all(&self, css: &str) -> Vec<String> {
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
    pub async fn wait_for(&self, css: &str) -> String {
        self.wait_for_count(css, 1).await.remove(0)
    }

    pub async fn wait_for_count(&self, css: &str, n: usize) -> Vec<String> {
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
    pub async fn wait_for_text(&self, text: &str) {
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

    pub async fn click(&self, element: &str) {
        self.post(&format!("/element/{element}/click"), json!({}))
            .await;
    }

    pub async fn keys(&self, element: &str, text: &str) {
        self.post(&format!("/element/{element}/value"), json!({"text": text}))
            .await;
    }

    pub async fn attribute(&self, element: &str, name: &str) -> String {
        self.get(&format!("/element/{element}/attribute/{name}"))
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Saves the current window as `target/screenshots/{name}.png`, once the page has
    /// painted what it holds now (two frames: under load the first may still be
    /// pending). Taken from the X server's screen, not with WebDriver's screenshot:
    /// without accelerated compositing, WebKit's snapshot of a page at rest waited for a
    /// repaint nothing asked for, and never answered.
    pub async fn screenshot(&self, name: &str) {
        let painted = "const done = arguments[arguments.length - 1];
                       requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
        self.post("/execute/async", json!({"script": painted, "args": []}))
            .await;
        // The window's rectangle is in CSS pixels; the screen's are device pixels.
        let scale = self
            .script("return window.devicePixelRatio")
            .await
            .as_f64()
            .unwrap_or(1.0);
        let rect = self.get("/window/rect").await;
        let pixels = |key: &str| {
            let css = rect[key]
                .as_f64()
                .unwrap_or_else(|| panic!("no {key} in {rect}"));
            (css * scale).round()
        };
        let geometry = format!(
            "{}x{}+{}+{}",
            pixels("width"),
            pixels("height"),
            pixels("x"),
            pixels("y")
        );
        let file = screenshots_dir().join(format!("{name}.png"));
        let status = Command::new("import")
            .args(["-window", "root", "-crop", &geometry, "+repage"])
            .arg(format!("PNG24:{}", file.display()))
            .status()
            .expect("ImageMagick's import is installed (the test command installs it)");
        assert!(status.success(), "import could not capture {geometry}");
    }
}
