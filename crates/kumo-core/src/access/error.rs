//! The one error of the access layer: what happened, in a sentence, and the step that
//! puts it right as data. Each front end words the step its own way: the CLI as a
//! command to run, the app as a button.

use serde::Serialize;

use crate::aws::AwsError;
use crate::azure::AzureError;
use crate::config::ConfigError;
use crate::gcp::{GcpError, RelistError};
use crate::identity::oidc::IdentityError;
use crate::launch::LaunchError;
use crate::sessions::Provider;
use crate::target::TargetError;
use crate::vault::VaultError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{message}")]
pub struct Error {
    /// What happened, without advice on what to run.
    pub message: String,
    /// What puts it right, when something does.
    pub next: Option<NextStep>,
}

/// The step that puts an error right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NextStep {
    /// Sign in to this provider.
    SignIn {
        provider: Provider,
        /// The org or tenant; empty for the identity.
        name: String,
        why: SignInReason,
    },
    /// List the org again: an account or role asked for is not in its listing.
    Relist { provider: Provider, name: String },
    /// Start and unlock the OS keychain.
    UnlockKeychain,
    /// A stored session is damaged: sign out, then in again.
    SignOutAndIn,
    /// Check the network and the endpoint overrides.
    CheckNetwork,
    /// Elevate to this privileged target, with a reason.
    Elevate { target: String },
}

/// Why a sign-in is the next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInReason {
    /// There is no session.
    Missing,
    /// The session ended or was revoked.
    Ended,
    /// The sign-in was refused or denied: it may be tried again.
    Refused,
    /// The device code expired before it was approved.
    CodeExpired,
}

impl Error {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            next: None,
        }
    }

    fn with(message: impl ToString, next: NextStep) -> Self {
        Self {
            message: message.to_string(),
            next: Some(next),
        }
    }

    /// The same error, its message led by `context` ("no credentials for …").
    pub fn context(self, context: impl std::fmt::Display) -> Self {
        Self {
            message: format!("{context}: {}", self.message),
            next: self.next,
        }
    }
}

fn sign_in(provider: Provider, name: &str, why: SignInReason) -> NextStep {
    NextStep::SignIn {
        provider,
        name: name.to_owned(),
        why,
    }
}

impl From<AwsError> for Error {
    fn from(e: AwsError) -> Self {
        use SignInReason::*;
        if let AwsError::Vault(v) = e {
            return v.into();
        }
        let next = match &e {
            AwsError::NotSignedIn(org) => sign_in(Provider::Aws, org, Missing),
            AwsError::SessionExpired(org) => sign_in(Provider::Aws, org, Ended),
            AwsError::SignInDenied(org) => sign_in(Provider::Aws, org, Refused),
            AwsError::SignInExpired(org) => sign_in(Provider::Aws, org, CodeExpired),
            AwsError::NoAccess { org, .. } => NextStep::Relist {
                provider: Provider::Aws,
                name: org.clone(),
            },
            AwsError::Unreachable { .. } => NextStep::CheckNetwork,
            _ => return Error::new(e.to_string()),
        };
        Error::with(e, next)
    }
}

impl From<TargetError> for Error {
    fn from(e: TargetError) -> Self {
        match e {
            TargetError::Aws(e) => e.into(),
            TargetError::UnknownAccount { ref org, .. } => {
                let next = NextStep::Relist {
                    provider: Provider::Aws,
                    name: org.clone(),
                };
                Error::with(e, next)
            }
            other => Error::new(other.to_string()),
        }
    }
}

impl From<AzureError> for Error {
    fn from(e: AzureError) -> Self {
        if let AzureError::Vault(v) = e {
            return v.into();
        }
        let next = match &e {
            AzureError::NotSignedIn(t) => sign_in(Provider::Azure, t, SignInReason::Missing),
            AzureError::Expired(t) => sign_in(Provider::Azure, t, SignInReason::Ended),
            _ => return Error::new(e.to_string()),
        };
        Error::with(e, next)
    }
}

impl From<IdentityError> for Error {
    fn from(e: IdentityError) -> Self {
        if let IdentityError::Vault(v) = e {
            return v.into();
        }
        let why = match &e {
            IdentityError::NotSignedIn => SignInReason::Missing,
            IdentityError::Expired => SignInReason::Ended,
            IdentityError::Refused(_) => SignInReason::Refused,
            _ => return Error::new(e.to_string()),
        };
        Error::with(e, sign_in(Provider::Identity, "", why))
    }
}

impl From<GcpError> for Error {
    fn from(e: GcpError) -> Self {
        match &e {
            GcpError::Unauthorized(_) => {
                Error::with(e, sign_in(Provider::Identity, "", SignInReason::Ended))
            }
            GcpError::Failed(_) => Error::new(e.to_string()),
        }
    }
}

impl From<RelistError> for Error {
    fn from(e: RelistError) -> Self {
        match e {
            RelistError::Identity(e) => e.into(),
            RelistError::Gcp(e) => e.into(),
            RelistError::Cache(e) => Error::new(e.to_string()),
        }
    }
}

impl From<crate::handoff::HandoffError> for Error {
    fn from(e: crate::handoff::HandoffError) -> Self {
        Error::new(e.to_string())
    }
}

impl From<VaultError> for Error {
    fn from(e: VaultError) -> Self {
        match &e {
            VaultError::Unavailable(_) => Error::with(e, NextStep::UnlockKeychain),
            VaultError::Corrupt { .. } => Error::with(e, NextStep::SignOutAndIn),
            VaultError::Refused { .. } => Error::new(e.to_string()),
        }
    }
}

impl From<LaunchError> for Error {
    fn from(e: LaunchError) -> Self {
        match e {
            LaunchError::Aws(e) => e.into(),
            LaunchError::Target(e) => e.into(),
            LaunchError::Identity(e) => e.into(),
            LaunchError::Console(e @ crate::aws::console::ConsoleError::Refused(_)) => {
                Error::with(e, NextStep::SignOutAndIn)
            }
            other => Error::new(other.to_string()),
        }
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::new(e.to_string())
    }
}

/// Errors whose message says all there is to say.
macro_rules! plain {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Error {
            fn from(e: $ty) -> Self {
                Error::new(e.to_string())
            }
        }
    )*};
}

plain!(
    crate::browser::BrowserError,
    crate::export::aws_config::ExportError,
    crate::export::gcloud::GcloudError,
    crate::lock::LockError,
    crate::prefs::PrefsError,
    crate::cache::CacheError,
    std::io::Error
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_session_names_the_sign_in_as_the_next_step() {
        let e = Error::from(AwsError::NotSignedIn("acme".into()));
        assert_eq!(e.message, "not signed in to `acme`");
        assert_eq!(
            e.next,
            Some(NextStep::SignIn {
                provider: Provider::Aws,
                name: "acme".into(),
                why: SignInReason::Missing
            })
        );
    }

    #[test]
    fn a_locked_keychain_asks_for_it_to_be_unlocked_wherever_it_is_met() {
        let e = Error::from(AzureError::Vault(VaultError::Unavailable("locked".into())));
        assert_eq!(e.next, Some(NextStep::UnlockKeychain));
    }

    #[test]
    fn the_step_travels_to_the_app_as_data() {
        let e = Error::from(IdentityError::NotSignedIn);
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({
                "message": "not signed in to the identity provider",
                "next": {"kind": "sign_in", "provider": "identity", "name": "", "why": "missing"}
            })
        );
    }
}
