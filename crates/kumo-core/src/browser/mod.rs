//! Opening URLs in the user's browser.
//!
//! `BROWSER`, when set, names the command (as xdg-open honours it): the URL replaces a
//! `%s` in it, or is appended as the last argument. Otherwise the OS default browser.
//! Consoles reach a browser through the [`launcher`] seam, which starts each browser
//! family ([`chromium`], [`firefox`]) with one context per target.

pub mod chromium;
pub mod firefox;
pub mod installed;
pub mod launcher;

use std::process::{Command, Stdio};

use crate::environment::Environment;

#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    #[error("BROWSER is set to `{0}`, which is not a command line (check its quoting)")]
    BadCommand(String),
    #[error("cannot start the browser `{program}`: {reason}; fix BROWSER or install a browser")]
    Launch { program: String, reason: String },
    #[error("cannot open the default browser: {0}; set BROWSER to your browser's command")]
    Default(String),
}

/// Opens URLs for the user.
pub trait Browser: Send + Sync {
    fn open(&self, url: &str) -> Result<(), BrowserError>;
    /// Which browser this is, for people.
    fn describe(&self) -> String;
}

/// The browser a person has configured: `BROWSER`, else the OS default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SystemBrowser {
    Command(Vec<String>),
    OsDefault,
}

impl SystemBrowser {
    pub fn from_env(env: &Environment) -> Result<Self, BrowserError> {
        match env.get("BROWSER") {
            None => Ok(Self::OsDefault),
            Some(value) => match shell_words::split(value) {
                Ok(words) if !words.is_empty() => Ok(Self::Command(words)),
                _ => Err(BrowserError::BadCommand(value.to_owned())),
            },
        }
    }

    /// The argv this browser runs for `url`, or `None` for the OS default.
    pub fn command_line(&self, url: &str) -> Option<Vec<String>> {
        let Self::Command(words) = self else {
            return None;
        };
        let mut substituted = false;
        let mut argv: Vec<String> = words
            .iter()
            .map(|w| {
                if w.contains("%s") {
                    substituted = true;
                    w.replace("%s", url)
                } else {
                    w.clone()
                }
            })
            .collect();
        if !substituted {
            argv.push(url.to_owned());
        }
        Some(argv)
    }
}

impl Browser for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), BrowserError> {
        let Some(argv) = self.command_line(url) else {
            return open::that_detached(url).map_err(|e| BrowserError::Default(e.to_string()));
        };
        let mut child = Command::new(&argv[0])
            .args(&argv[1..])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| BrowserError::Launch {
                program: argv[0].clone(),
                reason: e.to_string(),
            })?;
        // Reap the child when it exits so it does not linger as a zombie; a browser
        // usually hands the URL to a running instance and exits at once.
        std::thread::spawn(move || {
            if let Ok(status) = child.wait()
                && !status.success()
            {
                tracing::warn!(%status, "the browser command exited with a failure");
            }
        });
        Ok(())
    }

    fn describe(&self) -> String {
        match self {
            Self::Command(words) => format!("BROWSER command `{}`", shell_words::join(words)),
            Self::OsDefault => "the system default browser".into(),
        }
    }
}

/// A browser with nobody at it: it fetches the URL and follows the redirects, as a
/// person clicking through a sign-in that asks nothing would. The demo's stand-in user.
#[derive(Debug, Default)]
pub struct FollowingBrowser;

impl Browser for FollowingBrowser {
    fn open(&self, url: &str) -> Result<(), BrowserError> {
        let url = url.to_owned();
        tokio::spawn(async move {
            // Its own client: a person's browser follows redirects, Kumo's calls never do.
            if let Ok(client) = reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .build()
            {
                let _ = client.get(url).send().await;
            }
        });
        Ok(())
    }

    fn describe(&self) -> String {
        "a stand-in user following the sign-in's redirects".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn browser(value: &str) -> SystemBrowser {
        SystemBrowser::from_env(&Environment::from_pairs([("BROWSER", value)])).unwrap()
    }

    #[test]
    fn without_browser_the_os_default_is_used() {
        let b = SystemBrowser::from_env(&Environment::default()).unwrap();
        assert_eq!(b, SystemBrowser::OsDefault);
        assert_eq!(b.command_line("https://x.test/"), None);
    }

    #[test]
    fn the_url_is_appended_as_the_last_argument() {
        assert_eq!(
            browser("firefox --new-tab").command_line("https://x.test/?a=1&b=2"),
            Some(vec![
                "firefox".into(),
                "--new-tab".into(),
                "https://x.test/?a=1&b=2".into()
            ])
        );
    }

    #[test]
    fn percent_s_is_replaced_by_the_url() {
        assert_eq!(
            browser("open-url --url=%s --quiet").command_line("https://x.test/"),
            Some(vec![
                "open-url".into(),
                "--url=https://x.test/".into(),
                "--quiet".into()
            ])
        );
    }

    #[test]
    fn quoted_paths_with_spaces_stay_one_argument() {
        assert_eq!(
            browser("'/opt/My Browser/bin' -p work").command_line("u"),
            Some(vec![
                "/opt/My Browser/bin".into(),
                "-p".into(),
                "work".into(),
                "u".into()
            ])
        );
    }

    #[test]
    fn unbalanced_quotes_are_a_clear_error() {
        let err = SystemBrowser::from_env(&Environment::from_pairs([("BROWSER", "'firefox")]))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "BROWSER is set to `'firefox`, which is not a command line (check its quoting)"
        );
    }

    #[test]
    fn a_missing_program_is_a_launch_error() {
        let err = browser("/nonexistent/kumo-browser")
            .open("https://x.test/")
            .unwrap_err();
        assert!(
            matches!(err, BrowserError::Launch { ref program, .. } if program == "/nonexistent/kumo-browser")
        );
    }

    #[test]
    fn the_browser_program_receives_the_url() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("url");
        let script = format!("sh -c 'echo \"$1\" > {}' browser", out.display());
        browser(&script).open("https://x.test/a?b=c").unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::fs::read_to_string(&out).unwrap_or_default().is_empty() {
            assert!(std::time::Instant::now() < deadline, "browser never ran");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "https://x.test/a?b=c\n"
        );
    }
}
