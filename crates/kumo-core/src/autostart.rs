//! Starting the desktop app, minimised to the tray, when the person logs in: an XDG
//! autostart entry on Linux desktops.

use std::path::{Path, PathBuf};

use crate::environment::Environment;
use crate::fsutil::write_atomic;
use crate::paths;

/// `$XDG_CONFIG_HOME/autostart/kumo.desktop`, else under `~/.config`.
pub fn entry_path(env: &Environment) -> PathBuf {
    paths::config_home(env)
        .join("autostart")
        .join("kumo.desktop")
}

pub fn is_enabled(env: &Environment) -> bool {
    entry_path(env).is_file()
}

/// The desktop entry that starts `app` minimised.
pub fn entry(app: &Path) -> String {
    let exec = app.display().to_string();
    let quoted = if exec.contains(char::is_whitespace) {
        format!("\"{exec}\"")
    } else {
        exec
    };
    format!(
        "[Desktop Entry]\nType=Application\nName=Kumo\nComment=One sign-in, every cloud console\nExec={quoted} --minimised\nIcon=kumo-app\nX-GNOME-Autostart-enabled=true\n"
    )
}

/// Writes or removes the entry.
pub fn set(env: &Environment, app: &Path, enabled: bool) -> std::io::Result<()> {
    let path = entry_path(env);
    if enabled {
        write_atomic(&path, entry(app).as_bytes())
    } else {
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enabling_writes_an_entry_that_starts_minimised_and_disabling_removes_it() {
        let dir = tempfile::tempdir().unwrap();
        let env = Environment::from_pairs([("XDG_CONFIG_HOME", dir.path().display().to_string())]);
        set(&env, Path::new("/usr/bin/kumo-app"), true).unwrap();
        assert!(is_enabled(&env));
        let text = std::fs::read_to_string(dir.path().join("autostart/kumo.desktop")).unwrap();
        assert!(
            text.contains("\nExec=/usr/bin/kumo-app --minimised\n"),
            "{text}"
        );
        set(&env, Path::new("/usr/bin/kumo-app"), false).unwrap();
        assert!(!is_enabled(&env));
        set(&env, Path::new("/usr/bin/kumo-app"), false).unwrap();
    }

    #[test]
    fn a_path_with_spaces_is_quoted() {
        assert!(
            entry(Path::new("/opt/my apps/kumo-app"))
                .contains("Exec=\"/opt/my apps/kumo-app\" --minimised")
        );
    }
}
