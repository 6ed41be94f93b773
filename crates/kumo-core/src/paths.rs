//! Where Kumo keeps its files, following the XDG base directory conventions.

use std::path::PathBuf;

use crate::environment::Environment;

/// The config file: `$KUMO_CONFIG`, else `$XDG_CONFIG_HOME/kumo/config.toml`, else
/// `~/.config/kumo/config.toml` (`%APPDATA%\kumo\config.toml` on Windows).
pub fn config_file(env: &Environment) -> PathBuf {
    if let Some(path) = env.get("KUMO_CONFIG") {
        return PathBuf::from(path);
    }
    config_home(env).join("kumo").join("config.toml")
}

fn config_home(env: &Environment) -> PathBuf {
    if let Some(dir) = env.get("XDG_CONFIG_HOME") {
        return PathBuf::from(dir);
    }
    if cfg!(windows)
        && let Some(dir) = env.get("APPDATA")
    {
        return PathBuf::from(dir);
    }
    match env.get("HOME").or_else(|| env.get("USERPROFILE")) {
        Some(home) => PathBuf::from(home).join(".config"),
        // Without any home directory the working directory is the only place left.
        None => PathBuf::from(".config"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kumo_config_wins_over_xdg() {
        let env =
            Environment::from_pairs([("KUMO_CONFIG", "/etc/kumo.toml"), ("XDG_CONFIG_HOME", "/x")]);
        assert_eq!(config_file(&env), PathBuf::from("/etc/kumo.toml"));
    }

    #[test]
    fn xdg_config_home_is_used_when_set() {
        let env = Environment::from_pairs([("XDG_CONFIG_HOME", "/x"), ("HOME", "/home/a")]);
        assert_eq!(config_file(&env), PathBuf::from("/x/kumo/config.toml"));
    }

    #[test]
    fn home_dot_config_is_the_fallback() {
        let env = Environment::from_pairs([("HOME", "/home/a")]);
        assert_eq!(
            config_file(&env),
            PathBuf::from("/home/a/.config/kumo/config.toml")
        );
    }
}
