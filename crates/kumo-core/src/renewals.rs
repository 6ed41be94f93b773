//! The last failed renewal of each provider, kept in the state directory
//! (`renewals.json`): what `kumo status` and the app tell without asking the network.
//! Nothing secret: a time, a message and whether the provider refused.

use std::collections::BTreeMap;

use crate::environment::Environment;
use crate::lock::FileLock;
use crate::paths;
use crate::sessions::{Provider, RenewalFailure};

type Failures = BTreeMap<String, RenewalFailure>;

fn key(provider: Provider, name: &str) -> String {
    format!("{}:{name}", provider.label().to_lowercase())
}

fn path(env: &Environment) -> std::path::PathBuf {
    paths::state_dir(env).join("renewals.json")
}

fn load_all(env: &Environment) -> Failures {
    std::fs::read(path(env))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// The provider's last failed renewal since the last that worked.
pub fn last_failure(env: &Environment, provider: Provider, name: &str) -> Option<RenewalFailure> {
    load_all(env).remove(&key(provider, name))
}

/// Records how the provider's renewal ended: a failure, or `None` when it worked. A
/// record that cannot be written only costs `kumo status` its detail.
pub fn record(env: &Environment, provider: Provider, name: &str, failure: Option<RenewalFailure>) {
    let written = (|| -> Result<(), String> {
        let _lock = FileLock::acquire(&paths::lock_dir(env).join("renewals.lock"))
            .map_err(|e| e.to_string())?;
        let mut all = load_all(env);
        let key = key(provider, name);
        let changed = match failure {
            Some(mut failure) => {
                // Failures to reach the provider count up; a refusal starts afresh.
                if let Some(before) = all.get(&key).filter(|b| !b.refused && !failure.refused) {
                    failure.attempts = before.attempts + 1;
                }
                all.insert(key, failure);
                true
            }
            None => all.remove(&key).is_some(),
        };
        if !changed {
            return Ok(());
        }
        let dir = paths::state_dir(env);
        crate::fsutil::private_dir(&dir).map_err(|e| e.to_string())?;
        let text = serde_json::to_vec_pretty(&all).map_err(|e| e.to_string())?;
        crate::fsutil::write_atomic(&path(env), &text).map_err(|e| e.to_string())
    })();
    if let Err(e) = written {
        tracing::warn!(
            "cannot record the renewal of {} {name}: {e}",
            provider.label()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(dir: &std::path::Path) -> Environment {
        Environment::from_pairs([
            ("XDG_STATE_HOME", dir.join("state").display().to_string()),
            ("XDG_RUNTIME_DIR", dir.join("run").display().to_string()),
        ])
    }

    #[test]
    fn a_failure_is_kept_until_a_renewal_works() {
        let dir = tempfile::tempdir().unwrap();
        let env = env(dir.path());
        let failure = RenewalFailure {
            at: 7,
            message: "refused".into(),
            refused: true,
            attempts: 1,
        };
        record(&env, Provider::Aws, "acme", Some(failure.clone()));
        assert_eq!(last_failure(&env, Provider::Aws, "acme"), Some(failure));
        assert_eq!(last_failure(&env, Provider::Azure, "acme"), None);
        record(&env, Provider::Aws, "acme", None);
        assert_eq!(last_failure(&env, Provider::Aws, "acme"), None);
    }

    #[test]
    fn failures_to_reach_the_provider_are_counted_in_a_row() {
        let dir = tempfile::tempdir().unwrap();
        let env = env(dir.path());
        let unreachable = |at| RenewalFailure {
            at,
            message: "cannot reach AWS".into(),
            refused: false,
            attempts: 1,
        };
        for at in 1..=3 {
            record(&env, Provider::Aws, "acme", Some(unreachable(at)));
        }
        assert_eq!(
            last_failure(&env, Provider::Aws, "acme").unwrap().attempts,
            3
        );
        record(&env, Provider::Aws, "acme", None);
        record(&env, Provider::Aws, "acme", Some(unreachable(9)));
        assert_eq!(
            last_failure(&env, Provider::Aws, "acme").unwrap().attempts,
            1
        );
    }
}
