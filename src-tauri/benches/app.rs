//! The desktop app's figures for docs/BENCHMARKS.md, measured on the real app under Xvfb
//! through WebDriver (run by `make bench` inside the test session):
//! - launch to a usable list of 6,000 cached targets;
//! - search keystroke to updated list (DOM updated and laid out) with 10,000 targets;
//! - the global shortcut pressed (through the X server) to the palette on screen with
//!   its field focused;
//! - memory of the app and its WebKit processes, idle with 6,000 targets, as PSS (pages
//!   shared between them counted once), next to a bare Tauri window's
//!   (examples/bare_window.rs).

#[path = "../tests/support/webdriver.rs"]
mod webdriver;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kumo_core::harness::{Account, Environment, OrgCache, save_aws_listing};
use serde_json::json;
use webdriver::Driver;

const LAUNCH_RUNS: usize = 15;

/// A home whose config has one org and whose cache lists `targets` roles of it.
fn home_with(targets: usize) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "[[aws]]\nname = \"bench\"\nstart_url = \"https://bench.awsapps.com/start\"\nregion = \"eu-west-1\"\n",
    )
    .unwrap();
    let roles = ["AdministratorAccess", "ReadOnlyAccess"];
    let accounts = (0..targets.div_ceil(roles.len()))
        .map(|i| Account {
            id: format!("{:012}", 200_000_000_000u64 + i as u64),
            name: format!("team-{i:05}-{}", ["prod", "dev", "staging"][i % 3]),
            email: String::new(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
        })
        .collect();
    let env = Environment::from_pairs([(
        "XDG_CACHE_HOME",
        home.path().join("cache").display().to_string(),
    )]);
    save_aws_listing(
        &env,
        &OrgCache::new("bench", "https://bench.awsapps.com/start", 0, accounts),
    )
    .unwrap();
    home
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn p90(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[(v.len() * 9 / 10).min(v.len() - 1)]
}

/// Milliseconds since the Unix epoch, the clock the page's `performance.timeOrigin` uses.
fn epoch_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

/// One launch, split where it can be seen from the page: the milliseconds from the
/// WebDriver session request (which starts the app) to each step.
#[derive(Default)]
struct Launch {
    /// The page's navigation began (the process, Tauri and the webview are up).
    page: f64,
    /// Kumo's script runs (the HTML and the modules are loaded and parsed).
    script: f64,
    /// The launch overview has arrived over IPC.
    overview: f64,
    /// The list is in the DOM.
    list: f64,
    /// The page says "N of N", seen by polling: the figure.
    usable: f64,
}

/// Each step's median, from `launches`.
fn steps(launches: &[Launch], step: fn(&Launch) -> f64) -> f64 {
    median(launches.iter().map(step).collect())
}

/// One launch of Kumo to a usable list of `targets` cached targets.
async fn launch_once(targets: usize, run: usize) -> Launch {
    let home = home_with(targets);
    let service = format!("kumo-bench-app-{}-{run}", std::process::id());
    let (base, _driver) = Driver::launch(home.path(), &service, &[]).await;
    let requested = epoch_ms();
    let started = Instant::now();
    let d = Driver::session(base).await;
    // Polled every 50 ms: the tests' 250 ms would blur it, and polling much faster
    // takes the page's own time (10 ms measured slower and noisier).
    let shown = format!("return document.body.innerText.includes('{targets} of {targets}')");
    while d.script(&shown).await != true {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let usable = started.elapsed().as_secs_f64() * 1000.0;
    let marks = d
        .script(
            "const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN; \
             return [performance.timeOrigin, at('kumo:script'), at('kumo:overview'), at('kumo:list')]",
        )
        .await;
    let mark = |i: usize| marks[i].as_f64().unwrap_or(f64::NAN);
    let page = mark(0) - requested;
    let _ = d.call(reqwest::Method::DELETE, "", None).await;
    Launch {
        page,
        script: page + mark(1),
        overview: page + mark(2),
        list: page + mark(3),
        usable,
    }
}

/// The same launch of a bare Tauri window, to its empty page being loaded: what any
/// Tauri app pays before its own work begins.
async fn launch_bare_once(run: usize) -> Launch {
    let home = tempfile::tempdir().unwrap();
    let service = format!("kumo-bench-bare-{}-{run}", std::process::id());
    let (base, _driver) = Driver::launch(home.path(), &service, &[]).await;
    let requested = epoch_ms();
    let started = Instant::now();
    let d = Driver::session_of(base, &bare_window()).await;
    while d.script("return document.readyState").await != "complete" {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let usable = started.elapsed().as_secs_f64() * 1000.0;
    let origin = d.script("return performance.timeOrigin").await;
    let _ = d.call(reqwest::Method::DELETE, "", None).await;
    Launch {
        page: origin.as_f64().unwrap_or(f64::NAN) - requested,
        usable,
        ..Launch::default()
    }
}

/// Kumo's launches and the bare window's, taken in turn: the machine's own drift over
/// the minutes of a run (it moved the bare window's median by 150 ms between runs)
/// falls on both alike.
async fn launches(targets: usize) -> (Vec<Launch>, Vec<Launch>) {
    let mut kumo = Vec::new();
    let mut bare = Vec::new();
    for run in 0..LAUNCH_RUNS {
        kumo.push(launch_once(targets, run).await);
        bare.push(launch_bare_once(run).await);
    }
    (kumo, bare)
}

/// Per keystroke, in the page, with 10,000 targets.
struct Keystrokes {
    /// From setting the search field's value to the list re-rendered (Svelte's flush,
    /// a microtask) and laid out.
    laid_out: Vec<f64>,
    /// From the same start to the next task, which also holds a rendering update (a
    /// software paint under Xvfb) whenever WebKit schedules one in between.
    next_task: Vec<f64>,
}

async fn search(targets: usize) -> Keystrokes {
    let home = home_with(targets);
    let service = format!("kumo-bench-search-{}", std::process::id());
    let (d, _driver) = Driver::start(home.path(), &service, &[]).await;
    d.wait_for_text(&format!("{targets} of {targets}")).await;
    // Typing starts once the launch's background work (the refresh, then the tray's
    // names and the sign-in watch, a second later) is over: this measures typing, not
    // the launch.
    let refreshed = "return document.querySelector('.search-bar button').textContent === 'Refresh'";
    while d.script(refreshed).await != true {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let script = r#"
        const done = arguments[arguments.length - 1];
        const input = document.querySelector("input[type=search]");
        const count = () => document.querySelector(".hints").textContent;
        // Three people's searches, each typed letter by letter from an empty field.
        const rounds = ["team 0042 prod admin", "team 1337 staging read", "team 4711 dev admin"];
        const laidOut = [];
        const nextTask = [];
        let unflushed = 0;
        // A task after the keystroke: setTimeout would add WebKit's 4 ms clamp for
        // nested timers to every keystroke.
        const task = () => new Promise((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = resolve;
          channel.port2.postMessage(0);
        });
        (async () => {
          for (const typed of rounds) {
            for (let i = 1; i <= typed.length; i++) {
              const start = performance.now();
              input.value = typed.slice(0, i);
              input.dispatchEvent(new Event("input", { bubbles: true }));
              // Svelte flushes in the microtask the keystroke queued, before this one.
              await Promise.resolve();
              document.querySelector(".target-list").getBoundingClientRect();
              document.body.offsetHeight;
              laidOut.push(performance.now() - start);
              const shown = count();
              await task();
              nextTask.push(performance.now() - start);
              // The count shown must already have been the final one.
              if (count() !== shown) unflushed++;
              await new Promise((r) => setTimeout(r, 20));
            }
          }
          done({ laidOut, nextTask, unflushed });
        })();
    "#;
    let measured = d
        .post("/execute/async", json!({"script": script, "args": []}))
        .await;
    let _ = d.call(reqwest::Method::DELETE, "", None).await;
    assert_eq!(
        measured["unflushed"], 0,
        "the list changed after it was measured: the measure is not of the whole update"
    );
    let times = |key: &str| -> Vec<f64> {
        measured[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_f64().unwrap())
            .collect()
    };
    Keystrokes {
        laid_out: times("laidOut"),
        next_task: times("nextTask"),
    }
}

const PALETTE_RUNS: usize = 21;

/// Shortcut to palette, per press: from just before `xdotool key` runs (its own start,
/// a few milliseconds, is included) to the first frame after the palette became
/// visible with its search field focused, as the page's clock (the same wall clock)
/// records it.
async fn palette(targets: usize) -> Vec<f64> {
    let home = home_with(targets);
    let service = format!("kumo-bench-palette-{}", std::process::id());
    let (d, _driver) = Driver::start(home.path(), &service, &[]).await;
    d.wait_for_text(&format!("{targets} of {targets}")).await;
    let main = d.get("/window").await.as_str().unwrap().to_owned();
    let press = || {
        let started = std::time::SystemTime::now();
        let status = Command::new("xdotool")
            .args(["key", "--clearmodifiers", "ctrl+alt+k"])
            .status()
            .unwrap();
        assert!(status.success());
        started
    };
    // The palette is made a second after the launch; the first press finds it.
    let deadline = Instant::now() + Duration::from_secs(30);
    let palette = loop {
        assert!(Instant::now() < deadline, "the shortcut showed no palette");
        press();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let handles = d.get("/window/handles").await;
        if let Some(h) = handles.as_array().unwrap().iter().find(|h| **h != main) {
            break h.as_str().unwrap().to_owned();
        }
    };
    d.post("/window", json!({ "handle": palette })).await;
    let watch = r#"
        window.__shown = null;
        const input = document.querySelector(".palette input");
        document.addEventListener("visibilitychange", () => {
          if (document.visibilityState !== "visible") return;
          requestAnimationFrame(() => {
            if (document.activeElement === input) window.__shown = Date.now();
            else input.addEventListener("focus", () => (window.__shown = Date.now()), { once: true });
          });
        });
    "#;
    d.script(watch).await;
    let mut times = Vec::new();
    for _ in 0..PALETTE_RUNS {
        d.script("window.__shown = null; document.querySelector('.palette input').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))").await;
        let deadline = Instant::now() + Duration::from_secs(5);
        while d.script("return document.visibilityState").await != "hidden" {
            assert!(
                Instant::now() < deadline,
                "Escape left the palette on screen"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let pressed = press()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
            * 1000.0;
        let deadline = Instant::now() + Duration::from_secs(5);
        let shown = loop {
            let shown = d.script("return window.__shown").await;
            if let Some(at) = shown.as_f64() {
                break at;
            }
            assert!(Instant::now() < deadline, "the palette never showed");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        times.push(shown - pressed);
    }
    let _ = d.call(reqwest::Method::DELETE, "", None).await;
    times
}

/// Proportional set size (kB) of `pid` and every process descended from it: each
/// shared page counted once across them, as the machine's memory pays for it.
fn tree_pss_kb(pid: u32) -> u64 {
    let mut total = 0;
    let mut pending = vec![pid];
    while let Some(p) = pending.pop() {
        let rollup = std::fs::read_to_string(format!("/proc/{p}/smaps_rollup")).unwrap_or_default();
        total += rollup
            .lines()
            .find_map(|l| l.strip_prefix("Pss:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or(0);
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let stat = std::fs::read_to_string(format!("/proc/{child}/stat")).unwrap_or_default();
            // The parent pid is the second field after the parenthesised command name.
            let parent = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if parent == Some(p) {
                pending.push(child);
            }
        }
    }
    total
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `program` directly (no WebDriver), lets it settle, and measures its tree.
fn idle_pss_mb(program: &Path, home: &Path) -> f64 {
    let child = Command::new(program)
        .env("HOME", home)
        .env("KUMO_CONFIG", home.join("config.toml"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_RUNTIME_DIR", home.join("run"))
        .env("KUMO_KEYCHAIN_SERVICE", "kumo-bench-memory")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let child = Killed(child);
    std::thread::sleep(Duration::from_secs(8));
    tree_pss_kb(child.0.id()) as f64 / 1024.0
}

fn bare_window() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_kumo-app"))
        .parent()
        .unwrap()
        .join("examples/bare_window")
}

#[tokio::main]
async fn main() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "no DISPLAY: run through `make bench`, which starts Xvfb"
    );
    println!("# kumo-app benchmarks ({})", env!("CARGO_BIN_EXE_kumo-app"));

    let (kumo, bare) = launches(6000).await;
    let usable: Vec<f64> = kumo.iter().map(|l| l.usable).collect();
    let bare_usable: Vec<f64> = bare.iter().map(|l| l.usable).collect();
    println!("\n## Launch to a usable list of 6,000 cached targets ({LAUNCH_RUNS} runs)");
    println!(
        "median: {:.0} ms; p90: {:.0} ms (from the WebDriver session request, which starts the app)",
        median(usable.clone()),
        p90(usable.clone())
    );
    println!(
        "the same for a bare Tauri window to its empty page: median {:.0} ms; p90: {:.0} ms",
        median(bare_usable.clone()),
        p90(bare_usable.clone())
    );
    let own: Vec<f64> = usable
        .iter()
        .zip(&bare_usable)
        .map(|(k, b)| k - b)
        .collect();
    println!(
        "Kumo's own part (each launch less the bare window's launched after it): median {:.0} ms; p90 {:.0} ms",
        median(own.clone()),
        p90(own)
    );
    println!(
        "medians from the request: page started {:.0} ms (bare window {:.0} ms); script {:.0} ms; overview {:.0} ms; list in the DOM {:.0} ms",
        steps(&kumo, |l| l.page),
        steps(&bare, |l| l.page),
        steps(&kumo, |l| l.script),
        steps(&kumo, |l| l.overview),
        steps(&kumo, |l| l.list),
    );

    let keys = search(10_000).await;
    println!(
        "\n## Search keystroke to updated list, 10,000 targets ({} keystrokes)",
        keys.laid_out.len()
    );
    for (what, times) in [
        ("to the list updated and laid out", keys.laid_out),
        (
            "to the next task (with any paint in between)",
            keys.next_task,
        ),
    ] {
        println!(
            "{what}: median {:.1} ms; p90 {:.1} ms; max {:.1} ms",
            median(times.clone()),
            p90(times.clone()),
            times.iter().copied().fold(0.0, f64::max)
        );
    }

    let shown = palette(6000).await;
    println!(
        "\n## Global shortcut to the palette on screen, field focused ({PALETTE_RUNS} presses)"
    );
    println!(
        "median {:.0} ms; p90 {:.0} ms; max {:.0} ms",
        median(shown.clone()),
        p90(shown.clone()),
        shown.iter().copied().fold(0.0, f64::max)
    );

    let home = home_with(6000);
    let app = idle_pss_mb(Path::new(env!("CARGO_BIN_EXE_kumo-app")), home.path());
    let bare_home = tempfile::tempdir().unwrap();
    let bare = idle_pss_mb(&bare_window(), bare_home.path());
    println!("\n## Memory, idle, with its WebKit processes (PSS)");
    println!(
        "kumo-app with 6,000 targets: {app:.0} MB; a bare Tauri window: {bare:.0} MB; ratio {:.2}",
        app / bare
    );
}
