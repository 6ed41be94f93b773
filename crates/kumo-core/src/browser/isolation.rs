//! Consoles of several accounts side by side need separate browser contexts: a profile
//! directory per target (or org) for the Chromium family, a container per target for
//! Firefox (through the "Open external links in a container" add-on's `ext+container:`
//! URLs). Each launcher only computes its command line; [`launch`] runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::browser::BrowserError;
use crate::config::BrowserName;

/// Firefox container colours, in the add-on's names; also the colours a target may be
/// given in the app.
pub const COLOURS: [&str; 8] = [
    "blue",
    "turquoise",
    "green",
    "yellow",
    "orange",
    "red",
    "pink",
    "purple",
];

/// The context a console opens in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// A stable key: the target id, or the org name when isolating per org.
    pub key: String,
    /// What a person sees: the container's name.
    pub label: String,
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

/// A colour per context, the same every time.
pub fn colour(key: &str) -> &'static str {
    let hash = key
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    COLOURS[hash as usize % COLOURS.len()]
}

/// The directory of a Chromium profile: a readable, filesystem-safe name per key.
pub fn profile_dir(data_dir: &Path, key: &str) -> PathBuf {
    let safe: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    data_dir.join("browser-profiles").join(safe)
}

/// The argv that opens `url` in `browser`, isolated in `context` when given. `None` for
/// the default browser, which has no isolation.
pub fn command_line(
    browser: BrowserName,
    url: &str,
    context: Option<&Context>,
    data_dir: &Path,
) -> Option<Vec<String>> {
    let program = program(browser)?.to_owned();
    let mut argv = vec![program];
    match (browser, context) {
        (BrowserName::Firefox, Some(context)) => {
            let mut container = url::form_urlencoded::Serializer::new(String::new());
            container
                .append_pair("name", &context.label)
                .append_pair("color", colour(&context.key))
                .append_pair("icon", "briefcase")
                .append_pair("url", url);
            argv.push(format!("ext+container:{}", container.finish()));
        }
        (BrowserName::Firefox, None) => argv.push(url.to_owned()),
        (_, Some(context)) => {
            argv.push(format!(
                "--user-data-dir={}",
                profile_dir(data_dir, &context.key).display()
            ));
            argv.extend([
                "--no-first-run".to_owned(),
                "--no-default-browser-check".to_owned(),
                url.to_owned(),
            ]);
        }
        (_, None) => argv.push(url.to_owned()),
    }
    Some(argv)
}

/// Runs an argv from [`command_line`], creating a Chromium profile directory first.
pub fn launch(argv: &[String]) -> Result<(), BrowserError> {
    if let Some(dir) = argv.iter().find_map(|a| a.strip_prefix("--user-data-dir=")) {
        std::fs::create_dir_all(dir).map_err(|e| BrowserError::Launch {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Context {
        Context {
            key: "aws:acme/123456789012/Admin".into(),
            label: "acme payments-prod Admin".into(),
        }
    }

    #[test]
    fn chromium_family_gets_a_profile_directory_per_target() {
        let argv = command_line(
            BrowserName::Chrome,
            "https://x.test/",
            Some(&context()),
            Path::new("/d/kumo"),
        )
        .unwrap();
        assert_eq!(
            argv,
            [
                "google-chrome",
                "--user-data-dir=/d/kumo/browser-profiles/aws_acme_123456789012_Admin",
                "--no-first-run",
                "--no-default-browser-check",
                "https://x.test/"
            ]
        );
        assert_eq!(
            command_line(BrowserName::Brave, "u", Some(&context()), Path::new("/d")).unwrap()[0],
            "brave-browser"
        );
    }

    #[test]
    fn firefox_gets_a_named_coloured_container() {
        let argv = command_line(
            BrowserName::Firefox,
            "https://x.test/?a=1&b=2",
            Some(&context()),
            Path::new("/d"),
        )
        .unwrap();
        assert_eq!(
            argv,
            [
                "firefox",
                &format!(
                    "ext+container:name=acme+payments-prod+Admin&color={}&icon=briefcase&url=https%3A%2F%2Fx.test%2F%3Fa%3D1%26b%3D2",
                    colour("aws:acme/123456789012/Admin")
                )
            ]
        );
    }

    #[test]
    fn without_isolation_the_url_is_the_only_argument() {
        assert_eq!(
            command_line(BrowserName::Edge, "u", None, Path::new("/d")).unwrap(),
            ["microsoft-edge", "u"]
        );
        assert_eq!(
            command_line(BrowserName::Default, "u", Some(&context()), Path::new("/d")),
            None
        );
    }

    #[test]
    fn colours_are_stable_per_key() {
        assert_eq!(colour("a"), colour("a"));
        assert!(COLOURS.contains(&colour("anything")));
    }
}
