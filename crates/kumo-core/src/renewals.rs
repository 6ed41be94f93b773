//! How each provider's last renewal ended, kept in the state directory
//! (`renewals.json`): when it last renewed, and the failure since, if any. What `kumo
//! status` and the app tell without asking the network. Nothing secret: times, a
//! message, whether the provider refused.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::environment::Environment;
use crate::lock::FileLock;
use crate::paths;
use crate::sessions::{Provider, RenewalFailure};

/// One provider's record.
#[derive(Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// When the session last renewed (or was signed in), epoch seconds.
    #[serde(default)]
    pub renewed_at: Option<i64>,
    /// The failure since then.
    #[serde(default)]
    pub failure: Option<RenewalFailure>,
}

/// How a sign-in or renewal ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// A new access token, at this time.
    Renewed(i64),
    /// The session was good as it was.
    Unchanged,
    Failed(RenewalFailure),
    /// Signed out: nothing is kept, so the provider reads as never signed in, not lost.
    SignedOut,
}

fn key(provider: Provider, name: &str) -> String {
    format!("{}:{name}", provider.label().to_lowercase())
}

fn path(env: &Environment) -> std::path::PathBuf {
    paths::state_dir(env).join("renewals.json")
}

fn load_all(env: &Environment) -> BTreeMap<String, Record> {
    std::fs::read(path(env))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// The provider's record: when it last renewed, and the failure since, if any.
pub fn of(env: &Environment, provider: Provider, name: &str) -> Record {
    load_all(env)
        .remove(&key(provider, name))
        .unwrap_or_default()
}

/// Records how a renewal with the refresh token ended, where it happens (so a renewal
/// inside a listing or a credential request counts as much as the app's): renewed now,
/// refused by the provider, or the provider not reached.
pub fn refreshed(
    env: &Environment,
    provider: Provider,
    name: &str,
    outcome: Result<(), (bool, String)>,
) {
    let ended = match outcome {
        Ok(()) => Ended::Renewed(env.now()),
        Err((refused, message)) => Ended::Failed(RenewalFailure {
            at: env.now(),
            message,
            refused,
            attempts: 1,
        }),
    };
    record(env, provider, name, ended);
}

/// Records how the provider's sign-in or renewal ended. A record that cannot be written
/// only costs `kumo status` its detail.
pub fn record(env: &Environment, provider: Provider, name: &str, ended: Ended) {
    let written = (|| -> Result<(), String> {
        let _lock = FileLock::acquire(&paths::lock_dir(env).join("renewals.lock"))
            .map_err(|e| e.to_string())?;
        let mut all = load_all(env);
        let record = all.entry(key(provider, name)).or_default();
        match ended {
            Ended::Renewed(at) => {
                record.renewed_at = Some(at);
                record.failure = None;
            }
            Ended::Unchanged if record.failure.is_none() => return Ok(()),
            Ended::Unchanged => record.failure = None,
            Ended::Failed(mut failure) => {
                // Failures to reach the provider count up; a refusal starts afresh. The
                // renewal and the use case around it may both record one failure: within
                // the same second it is one attempt.
                if let Some(before) = record
                    .failure
                    .as_ref()
                    .filter(|b| !b.refused && !failure.refused)
                {
                    failure.attempts = before.attempts + u32::from(before.at != failure.at);
                }
                record.failure = Some(failure);
            }
            Ended::SignedOut => {
                all.remove(&key(provider, name));
            }
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
        record(&env, Provider::Aws, "acme", Ended::Failed(failure.clone()));
        assert_eq!(of(&env, Provider::Aws, "acme").failure, Some(failure));
        assert_eq!(of(&env, Provider::Azure, "acme"), Record::default());
        record(&env, Provider::Aws, "acme", Ended::Renewed(9));
        assert_eq!(
            of(&env, Provider::Aws, "acme"),
            Record {
                renewed_at: Some(9),
                failure: None
            }
        );
    }

    #[test]
    fn failures_within_the_same_second_are_one_attempt() {
        let dir = tempfile::tempdir().unwrap();
        let env = env(dir.path());
        let failure = |message: &str| RenewalFailure {
            at: 5,
            message: message.into(),
            refused: false,
            attempts: 1,
        };
        record(
            &env,
            Provider::Aws,
            "acme",
            Ended::Failed(failure("CreateToken")),
        );
        record(
            &env,
            Provider::Aws,
            "acme",
            Ended::Failed(failure("sign-in")),
        );
        assert_eq!(
            of(&env, Provider::Aws, "acme").failure,
            Some(failure("sign-in"))
        );
    }

    #[test]
    fn a_sign_out_forgets_the_record() {
        let dir = tempfile::tempdir().unwrap();
        let env = env(dir.path());
        record(&env, Provider::Aws, "acme", Ended::Renewed(9));
        record(&env, Provider::Aws, "other", Ended::Renewed(9));
        record(&env, Provider::Aws, "acme", Ended::SignedOut);
        assert_eq!(of(&env, Provider::Aws, "acme"), Record::default());
        assert_eq!(of(&env, Provider::Aws, "other").renewed_at, Some(9));
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
            record(&env, Provider::Aws, "acme", Ended::Failed(unreachable(at)));
        }
        assert_eq!(of(&env, Provider::Aws, "acme").failure.unwrap().attempts, 3);
        record(&env, Provider::Aws, "acme", Ended::Unchanged);
        record(&env, Provider::Aws, "acme", Ended::Failed(unreachable(9)));
        assert_eq!(of(&env, Provider::Aws, "acme").failure.unwrap().attempts, 1);
    }
}
