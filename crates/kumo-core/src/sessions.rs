//! What a session is to a person: which provider, how a sign-in ended, when the session
//! ends (each provider says it in `access/provider.rs`, from the keychain and the clock
//! alone).

use serde::Serialize;

/// A session is announced as ending this long before it does.
pub const WARN_BEFORE_SECS: i64 = 15 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Identity,
    Aws,
    Azure,
}

impl Provider {
    /// The name a person knows the provider by.
    pub fn label(self) -> &'static str {
        match self {
            Provider::Identity => "Identity",
            Provider::Aws => "AWS",
            Provider::Azure => "Azure",
        }
    }
}

/// What a sign-out did at the provider, beyond removing every local copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "reason", rename_all = "snake_case")]
pub enum Revocation {
    /// The provider revoked the refresh token or ended the portal session.
    Revoked,
    /// Nothing live was left to revoke.
    NothingLive,
    /// The provider has no way to revoke it; it ends by the provider's session policy.
    NotOffered,
    /// The provider could not be asked (unreachable, refused): removed locally only.
    Failed(String),
}

/// A client registration this close to its end needs a person's sign-in soon.
pub const REGISTRATION_WARN_SECS: i64 = 7 * 24 * 3600;

/// A provider's session as `kumo status` tells it: the access token (which Kumo renews
/// by itself) apart from the sign-in (which only a person can redo).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionReport {
    pub provider: Provider,
    /// The org name, the tenant, or the identity's issuer.
    pub name: String,
    /// Who is signed in, where known.
    pub principal: Option<String>,
    pub signed_in: bool,
    /// The access token is valid now.
    pub access_valid: bool,
    /// Epoch seconds.
    pub access_expires_at: Option<i64>,
    /// Kumo renews the access token without a prompt (a refresh token, and for AWS a
    /// live client registration).
    pub renews: bool,
    /// The sign-in's known end (an org's client registration); `None` where only the
    /// provider's session policy decides, which Kumo learns when a renewal is refused.
    pub sign_in_ends_at: Option<i64>,
    /// The last renewal that failed, since the last that worked.
    pub last_error: Option<RenewalFailure>,
    /// A person must sign in: now, or before the known end within a week.
    pub needs_sign_in: bool,
}

/// A renewal that failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RenewalFailure {
    /// Epoch seconds.
    pub at: i64,
    pub message: String,
    /// The provider refused it (the session ended or was revoked); otherwise it could
    /// not be reached, and the session may well be fine.
    pub refused: bool,
}

/// How a sign-in ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A valid session existed; nothing was asked.
    AlreadySignedIn,
    /// Renewed with the refresh token, without a prompt.
    Renewed,
    /// Signed in through the browser or the device flow.
    SignedIn,
}

/// One provider's session, without anything secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionStatus {
    pub provider: Provider,
    /// The org name, the tenant, or the identity's issuer.
    pub name: String,
    /// Who is signed in, where the provider says (the identity's email).
    pub account: Option<String>,
    /// Epoch seconds; `None` when not signed in.
    pub expires_at: Option<i64>,
}

impl SessionStatus {
    pub fn seconds_left(&self, now: i64) -> Option<i64> {
        self.expires_at.map(|at| at - now)
    }

    /// Signed in, and ending within [`WARN_BEFORE_SECS`].
    pub fn ends_soon(&self, now: i64) -> bool {
        self.seconds_left(now)
            .is_some_and(|left| left > 0 && left <= WARN_BEFORE_SECS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_ends_soon_in_its_last_fifteen_minutes_only() {
        let status = |left: i64| SessionStatus {
            provider: Provider::Aws,
            name: "acme".into(),
            account: None,
            expires_at: Some(1000 + left),
        };
        assert!(!status(WARN_BEFORE_SECS + 1).ends_soon(1000));
        assert!(status(WARN_BEFORE_SECS).ends_soon(1000));
        assert!(!status(0).ends_soon(1000));
    }
}
