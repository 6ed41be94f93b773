//! The launcher seam: the one place a console reaches a browser. Consoles of several
//! accounts side by side need separate browser contexts; each family computes its own
//! command line ([`chromium`](super::chromium), [`firefox`](super::firefox)), and the
//! default browser (`BROWSER`, else the OS's) has no isolation.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{Browser, BrowserError, SystemBrowser, chromium, firefox};
use crate::config::BrowserName;
use crate::environment::Environment;

/// The browser context a console opens in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserContext {
    /// A stable key: the target id, or the org name when isolating per org.
    pub key: String,
    /// What a person sees: the container's or profile's name.
    pub label: String,
}

/// What to open and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Console {
    /// The target's canonical id.
    pub id: String,
    /// The URL that opens it; for AWS it holds a sign-in token.
    pub url: String,
    /// The URL holds a sign-in token: it reaches the browser through a one-shot local
    /// redirect (`handoff.rs`), never in an argv.
    pub signs_in: bool,
    /// Where it lands, without any token: what the audit trail records.
    pub destination: String,
    pub browser: BrowserName,
    /// The profile or container it opens in; `None` for the browser's everyday one.
    pub context: Option<BrowserContext>,
}

/// Opens consoles in browsers.
pub trait Launcher: Send + Sync {
    /// Opens the console's URL in its browser, in its context when the browser supports
    /// isolation.
    fn open(&self, console: &Console) -> Result<(), BrowserError>;
}

/// The program of a browser family on this OS.
pub fn program(browser: BrowserName) -> Option<&'static str> {
    Some(match browser {
        BrowserName::Chrome => "google-chrome",
        BrowserName::Chromium => "chromium",
        BrowserName::Brave => "brave-browser",
        BrowserName::Edge => "microsoft-edge",
        BrowserName::Vivaldi => "vivaldi",
        BrowserName::Firefox => "firefox",
        BrowserName::Default => return None,
    })
}

/// The argv that opens `url` in `browser`; `None` for the default browser.
pub fn command_line(
    browser: BrowserName,
    url: &str,
    context: Option<&BrowserContext>,
    data_dir: &std::path::Path,
) -> Option<Vec<String>> {
    Some(match browser {
        BrowserName::Firefox => firefox::argv(url, context),
        other => chromium::argv(program(other)?, url, context, data_dir),
    })
}

/// The launcher of this desktop: starts browser processes.
pub struct DesktopLauncher {
    env: Environment,
    data_dir: PathBuf,
}

impl DesktopLauncher {
    pub fn new(env: &Environment) -> Self {
        Self {
            env: env.clone(),
            data_dir: crate::paths::data_dir(env),
        }
    }
}

impl Launcher for DesktopLauncher {
    fn open(&self, console: &Console) -> Result<(), BrowserError> {
        let context = console.context.as_ref();
        match command_line(console.browser, &console.url, context, &self.data_dir) {
            Some(mut argv) => {
                // The family's program as this machine has it (firefox-esr, an app bundle…).
                argv[0] = super::installed::program(&self.env, console.browser, &argv[0])
                    .display()
                    .to_string();
                spawn(&argv)
            }
            None => SystemBrowser::from_env(&self.env)?.open(&console.url),
        }
    }
}

/// Runs a browser's argv, creating a Chromium profile directory first.
fn spawn(argv: &[String]) -> Result<(), BrowserError> {
    if let Some(dir) = argv.iter().find_map(|a| a.strip_prefix("--user-data-dir=")) {
        crate::fsutil::private_dir(Path::new(dir)).map_err(|e| BrowserError::Launch {
            program: argv[0].clone(),
            reason: format!("cannot create {dir}: {e}"),
        })?;
    }
    let mut child = Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| BrowserError::Launch {
            program: argv[0].clone(),
            reason: e.to_string(),
        })?;
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// A launcher that only remembers what it was asked to open: the in-memory twin.
#[cfg(test)]
#[derive(Debug, Default)]
pub struct RecordingLauncher {
    pub opened: std::sync::Mutex<Vec<Console>>,
}

#[cfg(test)]
impl Launcher for std::sync::Arc<RecordingLauncher> {
    /// Records the console, and like a browser follows a local hand-off's redirect.
    fn open(&self, console: &Console) -> Result<(), BrowserError> {
        self.opened.lock().unwrap().push(console.clone());
        if console.url.starts_with("http://127.0.0.1:") {
            super::FollowingBrowser.open(&console.url)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn each_family_has_its_program() {
        let context = BrowserContext {
            key: "k".into(),
            label: "l".into(),
        };
        let first = |b| command_line(b, "u", Some(&context), Path::new("/d")).unwrap()[0].clone();
        assert_eq!(first(BrowserName::Brave), "brave-browser");
        assert_eq!(first(BrowserName::Firefox), "firefox");
    }

    #[test]
    fn the_default_browser_has_no_command_line_of_its_own() {
        assert_eq!(
            command_line(BrowserName::Default, "u", None, Path::new("/d")),
            None
        );
    }
}
