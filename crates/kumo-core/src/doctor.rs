//! `kumo doctor`: what Kumo will use on this machine, and what is broken, with what to do.
//!
//! The report is metadata only: it is shown in the terminal and in the desktop app's
//! webview, so it never carries a secret.

use serde::Serialize;

use crate::browser::{Browser, SystemBrowser};
use crate::config::Config;
use crate::environment::Environment;
use crate::overrides;
use crate::vault::{KeychainState, SECRET_SERVICE_PACKAGES, SecretStore};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Fail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// A stable identifier: `config`, `keychain`, `browser` or `endpoints`.
    pub id: &'static str,
    pub title: &'static str,
    pub status: Status,
    pub summary: String,
    /// Further facts, one per line.
    pub details: Vec<String>,
    /// What to do, when the check failed.
    pub fix: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DoctorReport {
    pub version: String,
    pub checks: Vec<Check>,
}

impl DoctorReport {
    pub fn healthy(&self) -> bool {
        self.checks.iter().all(|c| c.status == Status::Ok)
    }
}

/// Runs every check. The keychain check writes, reads back and deletes a probe item.
pub fn diagnose(env: &Environment, store: &dyn SecretStore) -> DoctorReport {
    let (config_check, config) = check_config(env);
    DoctorReport {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        checks: vec![
            config_check,
            check_keychain(store),
            check_browser(env),
            check_endpoints(env, config.as_ref()),
        ],
    }
}

fn check(id: &'static str, title: &'static str, summary: String) -> Check {
    Check {
        id,
        title,
        status: Status::Ok,
        summary,
        details: Vec::new(),
        fix: None,
    }
}

fn failed(mut check: Check, fix: String) -> Check {
    check.status = Status::Fail;
    check.fix = Some(fix);
    check
}

fn check_config(env: &Environment) -> (Check, Option<Config>) {
    const TITLE: &str = "Config file";
    match Config::load(env) {
        Ok((path, None)) => (
            check(
                "config",
                TITLE,
                format!("{} does not exist yet (optional)", path.display()),
            ),
            None,
        ),
        Ok((path, Some(config))) => {
            let mut c = check("config", TITLE, format!("{} parses", path.display()));
            c.details = if config.aws.is_empty() {
                vec!["no AWS orgs configured".into()]
            } else {
                config
                    .aws
                    .iter()
                    .map(|o| {
                        format!(
                            "AWS org `{}`: {} ({})",
                            o.name,
                            o.start_url.as_str(),
                            o.region
                        )
                    })
                    .collect()
            };
            (c, Some(config))
        }
        Err(e) => (
            failed(
                check("config", TITLE, e.to_string()),
                "correct the file at the line named, or move it aside to start afresh".into(),
            ),
            None,
        ),
    }
}

fn check_keychain(store: &dyn SecretStore) -> Check {
    const TITLE: &str = "Keychain";
    // A probe of a locked keychain would wait at its unlock prompt.
    match store.state() {
        KeychainState::Ready => {}
        KeychainState::Locked => {
            return failed(
                check("keychain", TITLE, format!("{} is locked", store.describe())),
                "unlock it: the app's Unlock button shows its prompt, as do Seahorse (\"Passwords and Keys\") and KeePassXC".into(),
            );
        }
        KeychainState::Missing => {
            return failed(
                check(
                    "keychain",
                    TITLE,
                    "no Secret Service runs on this desktop".into(),
                ),
                format!(
                    "install one ({SECRET_SERVICE_PACKAGES}), log out and in, then run `kumo doctor` again"
                ),
            );
        }
        KeychainState::Unreachable { reason } => {
            return failed(
                check("keychain", TITLE, format!("{} cannot be asked: {reason}", store.describe())),
                "start a D-Bus session and your keychain (on Linux: gnome-keyring or another Secret Service), then run `kumo doctor` again".into(),
            );
        }
    }
    let key = format!("doctor-probe-{:016x}", rand::random::<u64>());
    let probe: [u8; 16] = rand::random();
    let outcome = store
        .put(&key, &probe)
        .and_then(|()| store.get(&key))
        .and_then(|read| {
            let deleted = store.delete(&key);
            deleted.map(|()| read)
        });
    match outcome {
        Ok(Some(read)) if read.expose() == probe => check(
            "keychain",
            TITLE,
            format!("{}: write, read and delete work", store.describe()),
        ),
        Ok(_) => {
            // Best effort: leave nothing behind from a probe that misbehaved.
            let _ = store.delete(&key);
            failed(
                check(
                    "keychain",
                    TITLE,
                    format!("{}: an item written could not be read back", store.describe()),
                ),
                "unlock the keychain and check that no other program rewrites Kumo's items".into(),
            )
        }
        Err(e) => failed(
            check("keychain", TITLE, format!("{}: {e}", store.describe())),
            "start and unlock your keychain (on Linux: gnome-keyring or another Secret Service), then run `kumo doctor` again".into(),
        ),
    }
}

fn check_browser(env: &Environment) -> Check {
    const TITLE: &str = "Browser";
    match SystemBrowser::from_env(env) {
        Ok(browser) => {
            let summary = format!("URLs open with {}", browser.describe());
            match &browser {
                SystemBrowser::Command(argv) if find_program(&argv[0], env).is_none() => failed(
                    check("browser", TITLE, summary),
                    format!(
                        "`{}` is not an executable on PATH: fix BROWSER or install it",
                        argv[0]
                    ),
                ),
                _ => check("browser", TITLE, summary),
            }
        }
        Err(e) => failed(
            check("browser", TITLE, e.to_string()),
            "set BROWSER to a command such as `firefox` or `chromium --new-window`, or unset it"
                .into(),
        ),
    }
}

/// The path of an executable named like a shell would find it.
fn find_program(program: &str, env: &Environment) -> Option<std::path::PathBuf> {
    let is_executable = |p: &std::path::Path| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        }
        #[cfg(not(unix))]
        {
            p.is_file()
        }
    };
    if program.contains(std::path::MAIN_SEPARATOR) || program.contains('/') {
        let path = std::path::PathBuf::from(program);
        return is_executable(&path).then_some(path);
    }
    std::env::split_paths(env.get("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| is_executable(p))
}

fn check_endpoints(env: &Environment, config: Option<&Config>) -> Check {
    const TITLE: &str = "Endpoint overrides";
    let empty = Config::default();
    let details: Vec<String> = overrides::in_effect(config.unwrap_or(&empty), env)
        .iter()
        .map(ToString::to_string)
        .collect();
    let invalid: Vec<String> = overrides::invalid(env)
        .into_iter()
        .map(|(var, e)| format!("{var}: {e}"))
        .collect();
    // A variable that is not a valid endpoint is not used: it is listed, not counted.
    let summary = match details.len() {
        0 => "none: Kumo talks to the real cloud endpoints".to_owned(),
        n => format!("{n} in effect"),
    };
    let mut c = check("endpoints", TITLE, summary);
    c.details = details;
    if invalid.is_empty() {
        c
    } else {
        c.details.extend(invalid);
        failed(
            c,
            "set each endpoint variable to an https URL (plain http only to 127.0.0.1) without user name, query or fragment, or unset it"
                .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::{MemoryStore, VaultError};

    struct BrokenStore;

    impl SecretStore for BrokenStore {
        fn put(&self, _: &str, _: &[u8]) -> Result<(), VaultError> {
            Err(VaultError::Unavailable("no D-Bus session".into()))
        }
        fn get(&self, _: &str) -> Result<Option<crate::vault::Secret>, VaultError> {
            Ok(None)
        }
        fn delete(&self, _: &str) -> Result<(), VaultError> {
            Ok(())
        }
        fn describe(&self) -> String {
            "broken store".into()
        }
    }

    fn env_with_config(text: &str, extra: &[(&str, &str)]) -> (tempfile::TempDir, Environment) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        let mut pairs = vec![
            ("KUMO_CONFIG".to_owned(), path.display().to_string()),
            ("PATH".to_owned(), "/usr/bin:/bin".to_owned()),
        ];
        pairs.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        (dir, Environment::from_pairs(pairs))
    }

    fn find<'a>(report: &'a DoctorReport, id: &str) -> &'a Check {
        report.checks.iter().find(|c| c.id == id).unwrap()
    }

    const ORG: &str = "[[aws]]\nname = \"acme\"\nstart_url = \"https://acme.awsapps.com/start\"\nregion = \"eu-west-1\"\nportal_endpoint = \"http://127.0.0.1:9/\"\n";

    #[test]
    fn a_healthy_machine_passes_every_check() {
        let (_dir, env) = env_with_config(ORG, &[]);
        let store = MemoryStore::new();
        let report = diagnose(&env, &store);
        assert!(report.healthy(), "{report:#?}");
        assert_eq!(
            find(&report, "config").details,
            vec!["AWS org `acme`: https://acme.awsapps.com/start (eu-west-1)"]
        );
    }

    #[test]
    fn the_keychain_probe_leaves_nothing_behind() {
        let (_dir, env) = env_with_config("", &[]);
        let store = MemoryStore::new();
        diagnose(&env, &store);
        assert!(store.keys().is_empty());
    }

    #[test]
    fn an_unreachable_keychain_fails_with_a_fix() {
        let (_dir, env) = env_with_config("", &[]);
        let report = diagnose(&env, &BrokenStore);
        let keychain = find(&report, "keychain");
        assert_eq!(keychain.status, Status::Fail);
        assert!(
            keychain.summary.contains("no D-Bus session"),
            "{}",
            keychain.summary
        );
        assert!(
            keychain
                .fix
                .as_deref()
                .unwrap()
                .starts_with("start and unlock")
        );
        assert!(!report.healthy());
    }

    #[test]
    fn a_malformed_config_fails_and_names_the_line() {
        let (_dir, env) = env_with_config("[[aws]]\nnmae = \"x\"\n", &[]);
        let report = diagnose(&env, &MemoryStore::new());
        let config = find(&report, "config");
        assert_eq!(config.status, Status::Fail);
        assert!(
            config.summary.contains("line 2, field `nmae`"),
            "{}",
            config.summary
        );
    }

    #[test]
    fn a_missing_config_is_fine() {
        let env = Environment::from_pairs([("KUMO_CONFIG", "/nonexistent/kumo.toml")]);
        let report = diagnose(&env, &MemoryStore::new());
        let config = find(&report, "config");
        assert_eq!(config.status, Status::Ok);
        assert_eq!(
            config.summary,
            "/nonexistent/kumo.toml does not exist yet (optional)"
        );
    }

    #[test]
    fn endpoint_overrides_from_env_and_config_are_listed() {
        let (_dir, env) =
            env_with_config(ORG, &[("AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:8/")]);
        let report = diagnose(&env, &MemoryStore::new());
        let endpoints = find(&report, "endpoints");
        assert_eq!(endpoints.status, Status::Ok);
        assert_eq!(
            endpoints.details,
            vec![
                "org `acme` portal_endpoint = http://127.0.0.1:9/",
                "AWS_ENDPOINT_URL_SSO_OIDC = http://127.0.0.1:8/"
            ]
        );
    }

    #[test]
    fn an_invalid_endpoint_variable_fails() {
        let (_dir, env) = env_with_config("", &[("AWS_ENDPOINT_URL_SSO", "not a url")]);
        let report = diagnose(&env, &MemoryStore::new());
        assert_eq!(find(&report, "endpoints").status, Status::Fail);
    }

    #[test]
    fn a_browser_command_not_on_path_fails() {
        let (_dir, env) = env_with_config("", &[("BROWSER", "no-such-browser-kumo")]);
        let report = diagnose(&env, &MemoryStore::new());
        let browser = find(&report, "browser");
        assert_eq!(browser.status, Status::Fail);
        assert_eq!(
            browser.fix.as_deref(),
            Some("`no-such-browser-kumo` is not an executable on PATH: fix BROWSER or install it")
        );
    }

    #[test]
    fn a_browser_command_on_path_passes() {
        let (_dir, env) = env_with_config("", &[("BROWSER", "sh -c true")]);
        let report = diagnose(&env, &MemoryStore::new());
        let browser = find(&report, "browser");
        assert_eq!(browser.status, Status::Ok);
        assert_eq!(
            browser.summary,
            "URLs open with BROWSER command `sh -c true`"
        );
    }
}
