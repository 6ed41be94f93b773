//! Which browsers this machine has, and where: the programs on `PATH` on Linux, the
//! application bundles on macOS, the registry's App Paths on Windows. Settings offers
//! what is found; the launcher starts the program found for a family.

use std::path::{Path, PathBuf};

use crate::config::BrowserName;
use crate::environment::Environment;

/// The families Kumo isolates, in the order Settings offers them (and picks a default).
pub const FAMILIES: [BrowserName; 6] = [
    BrowserName::Chrome,
    BrowserName::Chromium,
    BrowserName::Brave,
    BrowserName::Edge,
    BrowserName::Vivaldi,
    BrowserName::Firefox,
];

/// The browsers found here, each with its program, in [`FAMILIES`] order.
pub fn installed(env: &Environment) -> Vec<(BrowserName, PathBuf)> {
    FAMILIES
        .iter()
        .filter_map(|family| locate(env, *family).map(|program| (*family, program)))
        .collect()
}

/// The program of `family` on this machine, if it has one.
#[cfg(all(unix, not(target_os = "macos")))]
pub fn locate(env: &Environment, family: BrowserName) -> Option<PathBuf> {
    let names: &[&str] = match family {
        BrowserName::Chrome => &["google-chrome", "google-chrome-stable"],
        BrowserName::Chromium => &["chromium", "chromium-browser"],
        BrowserName::Brave => &["brave-browser", "brave"],
        BrowserName::Edge => &["microsoft-edge", "microsoft-edge-stable"],
        BrowserName::Vivaldi => &["vivaldi", "vivaldi-stable"],
        BrowserName::Firefox => &["firefox", "firefox-esr"],
        BrowserName::Default => return None,
    };
    let path = env.get("PATH")?;
    names.iter().find_map(|name| on_path(path, name))
}

/// The first executable `name` in the directories of `path`.
#[cfg(all(unix, not(target_os = "macos")))]
fn on_path(path: &str, name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    std::env::split_paths(path)
        .map(|dir| dir.join(name))
        .find(|candidate| {
            candidate
                .metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// The executable inside the family's application bundle, in /Applications or
/// ~/Applications: started directly, it takes the same arguments as on Linux.
#[cfg(target_os = "macos")]
pub fn locate(env: &Environment, family: BrowserName) -> Option<PathBuf> {
    let (bundle, executable) = match family {
        BrowserName::Chrome => ("Google Chrome.app", "Google Chrome"),
        BrowserName::Chromium => ("Chromium.app", "Chromium"),
        BrowserName::Brave => ("Brave Browser.app", "Brave Browser"),
        BrowserName::Edge => ("Microsoft Edge.app", "Microsoft Edge"),
        BrowserName::Vivaldi => ("Vivaldi.app", "Vivaldi"),
        BrowserName::Firefox => ("Firefox.app", "firefox"),
        BrowserName::Default => return None,
    };
    let home = crate::paths::home(env);
    [PathBuf::from("/Applications"), home.join("Applications")]
        .into_iter()
        .map(|dir| dir.join(bundle).join("Contents/MacOS").join(executable))
        .find(|program| program.is_file())
}

/// The family's executable as the registry's App Paths name it (per user, then per
/// machine), asked with `reg query` so no registry crate is linked.
#[cfg(windows)]
pub fn locate(_env: &Environment, family: BrowserName) -> Option<PathBuf> {
    let executable = match family {
        BrowserName::Chrome => "chrome.exe",
        BrowserName::Chromium => return None,
        BrowserName::Brave => "brave.exe",
        BrowserName::Edge => "msedge.exe",
        BrowserName::Vivaldi => "vivaldi.exe",
        BrowserName::Firefox => "firefox.exe",
        BrowserName::Default => return None,
    };
    ["HKCU", "HKLM"].iter().find_map(|hive| {
        let key =
            format!(r"{hive}\SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\{executable}");
        let output = std::process::Command::new("reg")
            .args(["query", &key, "/ve"])
            .output()
            .ok()?;
        app_path(&String::from_utf8_lossy(&output.stdout)).filter(|p| p.is_file())
    })
}

/// The default value of an App Paths key in `reg query … /ve` output:
/// `    (Default)    REG_SZ    C:\Program Files\…\chrome.exe`.
#[cfg_attr(not(windows), allow(dead_code))]
fn app_path(reg_output: &str) -> Option<PathBuf> {
    reg_output.lines().find_map(|line| {
        let (_, value) = line.split_once("REG_SZ")?;
        let value = value.trim().trim_matches('"');
        (!value.is_empty()).then(|| PathBuf::from(value))
    })
}

/// The program to start for `family`: the one found here, else its usual name (which
/// fails to start with a message naming it).
pub fn program(env: &Environment, family: BrowserName, usual: &str) -> PathBuf {
    locate(env, family).unwrap_or_else(|| Path::new(usual).to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn browsers_are_found_on_path_under_any_of_their_names() {
        use std::os::unix::fs::PermissionsExt;
        let bin = tempfile::tempdir().unwrap();
        for (name, mode) in [
            ("google-chrome-stable", 0o755),
            ("firefox-esr", 0o755),
            ("brave-browser", 0o644),
        ] {
            let file = bin.path().join(name);
            std::fs::write(&file, "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let env = Environment::from_pairs([("PATH", bin.path().display().to_string())]);
        assert_eq!(
            installed(&env),
            vec![
                (BrowserName::Chrome, bin.path().join("google-chrome-stable")),
                (BrowserName::Firefox, bin.path().join("firefox-esr")),
            ]
        );
        assert_eq!(
            program(&env, BrowserName::Vivaldi, "vivaldi"),
            PathBuf::from("vivaldi")
        );
    }

    #[test]
    fn the_registry_answer_names_the_executable() {
        let output = "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\App Paths\\chrome.exe\r\n    (Default)    REG_SZ    C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\r\n\r\n";
        assert_eq!(
            app_path(output),
            Some(PathBuf::from(
                "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"
            ))
        );
        assert_eq!(
            app_path(
                "ERROR: The system was unable to find the specified registry key or value.\r\n"
            ),
            None
        );
    }
}
