//! AWS IAM Identity Center: sign-in, discovery of accounts and roles, role credentials.

pub mod console;
pub mod credentials;
pub mod discovery;
pub mod endpoints;
pub mod org;
pub mod principal;
pub mod session;
pub mod sign_in;
pub mod sso_cache;

use std::path::Path;

use aws_sdk_sso::error::{ProvideErrorMetadata, SdkError};

use crate::config::{AwsOrg, Config};
use crate::loopback::LoopbackError;
use crate::retry::{Retry, Verdict};
use crate::vault::VaultError;

#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    #[error(
        "no AWS org is configured: add an [[aws]] table with name, start_url and region to {0}"
    )]
    NoOrgs(String),
    #[error("no AWS org is named `{name}`; configured: {available}")]
    UnknownOrg { name: String, available: String },
    #[error("several AWS orgs are configured ({0}): pick one with --org")]
    OrgRequired(String),
    #[error("not signed in to `{0}`")]
    NotSignedIn(String),
    #[error("the session for `{0}` has expired or was revoked")]
    SessionExpired(String),
    #[error("the sign-in for `{0}` was denied in the browser")]
    SignInDenied(String),
    #[error("the sign-in code for `{0}` expired before it was approved")]
    SignInExpired(String),
    #[error("browser sign-in for `{org}` failed: {source}")]
    Loopback {
        org: String,
        #[source]
        source: LoopbackError,
    },
    #[error("no access to role `{role}` in account {account_id} of `{org}`")]
    NoAccess {
        org: String,
        account_id: String,
        role: String,
    },
    #[error("AWS {operation} failed for `{org}`: {message}")]
    Service {
        org: String,
        operation: &'static str,
        message: String,
    },
    #[error("cannot reach AWS for {operation} (`{org}`): {message}")]
    Unreachable {
        org: String,
        operation: &'static str,
        message: String,
    },
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
    #[error(transparent)]
    Cache(#[from] crate::cache::CacheError),
}

/// The org a command means: the one named, or the only one configured.
pub fn select_org<'a>(
    config: &'a Config,
    name: Option<&str>,
    config_path: &Path,
) -> Result<&'a AwsOrg, AwsError> {
    let names = || {
        config
            .aws
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (name, config.aws.as_slice()) {
        (_, []) => Err(AwsError::NoOrgs(config_path.display().to_string())),
        (Some(name), _) => config.org(name).ok_or_else(|| AwsError::UnknownOrg {
            name: name.to_owned(),
            available: names(),
        }),
        (None, [only]) => Ok(only),
        (None, _) => Err(AwsError::OrgRequired(names())),
    }
}

/// What a failed SDK call means for a person. Only the service's code and message are
/// shown: SDK errors can echo request parts, and requests carry tokens.
pub(crate) fn describe_sdk_error<E, R>(
    org: &str,
    operation: &'static str,
    err: &SdkError<E, R>,
) -> AwsError
where
    E: ProvideErrorMetadata,
{
    match err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let code = e.code().unwrap_or("an unexpected answer");
            let message = match e.message() {
                Some(m) => format!("{code}: {m}"),
                None => code.to_owned(),
            };
            AwsError::Service {
                org: org.to_owned(),
                operation,
                message,
            }
        }
        SdkError::TimeoutError(_) => AwsError::Unreachable {
            org: org.to_owned(),
            operation,
            message: "the request timed out".into(),
        },
        SdkError::DispatchFailure(f) => AwsError::Unreachable {
            org: org.to_owned(),
            operation,
            message: if f.is_timeout() {
                "the connection timed out".into()
            } else if f.is_io() {
                "the connection failed".into()
            } else {
                "the request could not be sent".into()
            },
        },
        SdkError::ResponseError(_) => AwsError::Service {
            org: org.to_owned(),
            operation,
            message: "the answer could not be read (garbled or too large)".into(),
        },
        _ => AwsError::Service {
            org: org.to_owned(),
            operation,
            message: "the request could not be built".into(),
        },
    }
}

/// The HTTP status of a failed SDK call, when the service answered.
pub(crate) fn status_of<E, R: HasStatus>(err: &SdkError<E, R>) -> Option<u16> {
    err.raw_response().map(HasStatus::status)
}

pub(crate) trait HasStatus {
    fn status(&self) -> u16;
}

impl HasStatus for aws_sdk_sso::config::http::HttpResponse {
    fn status(&self) -> u16 {
        self.status().as_u16()
    }
}

/// Runs an SDK call under the one retry policy.
pub(crate) async fn retrying<T, E, R, F, Fut>(call: F) -> Result<T, SdkError<E, R>>
where
    R: HasStatus,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, SdkError<E, R>>>,
{
    Retry::STANDARD.run(None, verdict, call).await
}

/// Throttling, server errors and transport failures are worth another try.
pub(crate) fn verdict<E, R: HasStatus>(err: &SdkError<E, R>) -> Verdict {
    match err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => Verdict::Transient,
        _ => match status_of(err) {
            Some(429) => Verdict::Throttled { retry_after: None },
            Some(s) if s >= 500 => Verdict::Transient,
            _ => Verdict::Fatal,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(names: &[&str]) -> Config {
        let text: String = names
            .iter()
            .map(|n| format!("[[aws]]\nname = \"{n}\"\nstart_url = \"https://{n}.awsapps.com/start\"\nregion = \"eu-west-1\"\n"))
            .collect();
        Config::parse(&text, Path::new("c.toml")).unwrap()
    }

    #[test]
    fn the_only_org_is_chosen_without_a_name() {
        let c = config(&["acme"]);
        assert_eq!(
            select_org(&c, None, Path::new("c.toml"))
                .unwrap()
                .name
                .as_str(),
            "acme"
        );
    }

    #[test]
    fn several_orgs_need_a_name() {
        let c = config(&["acme", "beta"]);
        assert_eq!(
            select_org(&c, None, Path::new("c.toml"))
                .unwrap_err()
                .to_string(),
            "several AWS orgs are configured (acme, beta): pick one with --org"
        );
    }

    #[test]
    fn an_unknown_org_lists_the_configured_ones() {
        let c = config(&["acme", "beta"]);
        assert_eq!(
            select_org(&c, Some("gamma"), Path::new("c.toml"))
                .unwrap_err()
                .to_string(),
            "no AWS org is named `gamma`; configured: acme, beta"
        );
    }

    #[test]
    fn no_orgs_says_where_to_add_one() {
        let c = config(&[]);
        assert_eq!(
            select_org(&c, None, Path::new("/h/kumo.toml"))
                .unwrap_err()
                .to_string(),
            "no AWS org is configured: add an [[aws]] table with name, start_url and region to /h/kumo.toml"
        );
    }
}
