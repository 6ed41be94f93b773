//! The real app window under the test command's Xvfb display: it opens, its UI asks the
//! Rust side for its overview, and the rendered page is on screen. A screenshot is
//! kept under `target/screenshots/` for people to look at.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The header's background colour in ui/src/app.css (`--brand`).
const BRAND: [u8; 3] = [0x3b, 0x5b, 0xdb];
/// The page background in the light theme (`--bg`).
const PAGE: [u8; 3] = [0xf8, 0xf9, 0xfa];

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn screenshots_dir() -> PathBuf {
    // target/debug/kumo-app → target/screenshots
    let app = Path::new(env!("CARGO_BIN_EXE_kumo-app"));
    let dir = app.parent().unwrap().parent().unwrap().join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn capture_screen(path: &Path) {
    // PNG24: always truecolour, even for an all-black screen (else grayscale or palette).
    let status = Command::new("import")
        .args(["-window", "root"])
        .arg(format!("PNG24:{}", path.display()))
        .status()
        .expect("ImageMagick's `import` is installed");
    assert!(status.success(), "import failed to capture the screen");
}

/// How many pixels of the screenshot have each of the given colours.
fn count_colours(path: &Path, colours: &[[u8; 3]]) -> Vec<usize> {
    let mut decoder = png::Decoder::new(BufReader::new(std::fs::File::open(path).unwrap()));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = reader.output_color_type().0.samples();
    assert!(
        channels >= 3,
        "expected an RGB screenshot, got {:?}",
        info.color_type
    );
    let pixels = buf[..info.buffer_size()].chunks_exact(channels);
    let mut counts = vec![0; colours.len()];
    for px in pixels {
        for (i, c) in colours.iter().enumerate() {
            if px[..3] == c[..] {
                counts[i] += 1;
            }
        }
    }
    counts
}

#[test]
fn the_window_opens_and_renders_the_first_run_screen() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "no DISPLAY: run the tests with `make test`, which starts Xvfb"
    );
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kumo-app"))
        .env("KUMO_CONFIG", home.path().join("config.toml"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("KUMO_LOG", "kumo_app=info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the app starts");
    let stderr = child.stderr.take().unwrap();
    let app = KillOnDrop(child);

    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("app: {line}");
            if line.contains("overview requested by the UI") {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(90))
        .expect("the UI never asked for the overview: the webview did not load the app");

    // The report arrives after the keychain probe; poll until the page shows.
    let shot = screenshots_dir().join("kumo-onboarding.png");
    let deadline = Instant::now() + Duration::from_secs(30);
    let counts = loop {
        capture_screen(&shot);
        let counts = count_colours(&shot, &[BRAND, PAGE]);
        if (counts[0] > 20_000 && counts[1] > 100_000) || Instant::now() > deadline {
            break counts;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    drop(app);
    assert!(
        counts[0] > 20_000,
        "the brand header is not on screen ({} pixels); see {}",
        counts[0],
        shot.display()
    );
    assert!(
        counts[1] > 100_000,
        "the page background is not on screen ({} pixels); see {}",
        counts[1],
        shot.display()
    );
}
