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

/// Discovered targets: `$XDG_CACHE_HOME/kumo`, else `~/.cache/kumo`.
pub fn cache_dir(env: &Environment) -> PathBuf {
    match env.get("XDG_CACHE_HOME") {
        Some(dir) => PathBuf::from(dir).join("kumo"),
        None => home(env).join(".cache").join("kumo"),
    }
}

/// Kumo's own data (browser profiles): `$XDG_DATA_HOME/kumo`, else `~/.local/share/kumo`.
pub fn data_dir(env: &Environment) -> PathBuf {
    match env.get("XDG_DATA_HOME") {
        Some(dir) => PathBuf::from(dir).join("kumo"),
        None => home(env).join(".local").join("share").join("kumo"),
    }
}

/// What Kumo records (the audit trail): `$XDG_STATE_HOME/kumo`, else
/// `~/.local/state/kumo`.
pub fn state_dir(env: &Environment) -> PathBuf {
    match env.get("XDG_STATE_HOME") {
        Some(dir) => PathBuf::from(dir).join("kumo"),
        None => home(env).join(".local").join("state").join("kumo"),
    }
}

/// Lock files: `$XDG_RUNTIME_DIR/kumo` (per-user, on tmpfs), else the cache dir.
pub fn lock_dir(env: &Environment) -> PathBuf {
    match env.get("XDG_RUNTIME_DIR") {
        Some(dir) => PathBuf::from(dir).join("kumo"),
        None => cache_dir(env).join("locks"),
    }
}

/// Files that must not outlive the session, like gcloud's token file of `kumo exec`:
/// `$XDG_RUNTIME_DIR/kumo` (per-user, on tmpfs), else the cache dir's `run`.
pub fn runtime_dir(env: &Environment) -> PathBuf {
    match env.get("XDG_RUNTIME_DIR") {
        Some(dir) => PathBuf::from(dir).join("kumo"),
        None => cache_dir(env).join("run"),
    }
}

pub(crate) fn home(env: &Environment) -> PathBuf {
    // Without any home directory the working directory is the only place left.
    env.get("HOME")
        .or_else(|| env.get("USERPROFILE"))
        .map_or_else(|| PathBuf::from("."), PathBuf::from)
}

/// Configuration's home: `$XDG_CONFIG_HOME`, else `~/.config` (`%APPDATA%` on Windows).
pub fn config_home(env: &Environment) -> PathBuf {
    if let Some(dir) = env.get("XDG_CONFIG_HOME") {
        return PathBuf::from(dir);
    }
    if cfg!(windows)
        && let Some(dir) = env.get("APPDATA")
    {
        return PathBuf::from(dir);
    }
    home(env).join(".config")
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
    fn cache_and_lock_dirs_follow_xdg() {
        let env =
            Environment::from_pairs([("XDG_CACHE_HOME", "/c"), ("XDG_RUNTIME_DIR", "/run/user/1")]);
        assert_eq!(cache_dir(&env), PathBuf::from("/c/kumo"));
        assert_eq!(lock_dir(&env), PathBuf::from("/run/user/1/kumo"));
    }

    #[test]
    fn locks_fall_back_to_the_cache_dir() {
        let env = Environment::from_pairs([("HOME", "/home/a")]);
        assert_eq!(lock_dir(&env), PathBuf::from("/home/a/.cache/kumo/locks"));
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
