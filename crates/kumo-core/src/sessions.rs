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
    /// When the access token was last renewed (or signed in), where known.
    pub last_renewal: Option<i64>,
    /// About when the app renews it next (it adds a random part ahead of this).
    pub next_renewal: Option<i64>,
    /// A person must sign in: now, or before the known end within a week.
    pub needs_sign_in: bool,
}

impl SessionReport {
    /// Only a sign-in brings the session back: none held, an access token ended with
    /// nothing to renew it, or the provider refused the last renewal.
    pub fn lost(&self) -> bool {
        !self.signed_in
            || (!self.access_valid && !self.renews)
            || self.last_error.as_ref().is_some_and(|e| e.refused)
    }
}

/// A sign-in whose known end (an org's client registration) is this close is due.
pub fn sign_in_due(sign_in_ends_at: Option<i64>, now: i64) -> bool {
    sign_in_ends_at.is_some_and(|end| end - now < REGISTRATION_WARN_SECS)
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
    /// How many renewals in a row have failed so.
    #[serde(default = "one")]
    pub attempts: u32,
}

fn one() -> u32 {
    1
}

/// Renewals that could not reach the provider this many times in a row are told to the
/// person ("Kumo cannot reach AWS"), never as a session ended.
pub const UNREACHABLE_AFTER: u32 = 3;

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
    /// When the access token ends (epoch seconds); `None` when not signed in.
    pub expires_at: Option<i64>,
    /// Kumo renews the access token by itself: its end asks nothing of a person.
    pub renews: bool,
    /// A session the person had can go on only with a sign-in (refused, or an org's
    /// registration about to end); false for a provider never signed in.
    pub needs_sign_in: bool,
    /// Renewals have failed to reach the provider [`UNREACHABLE_AFTER`] times or more in
    /// a row: the session may be fine, the network is not.
    pub unreachable: bool,
    /// The sign-in's known end (an org's client registration), epoch seconds: Kumo
    /// renews until then, and a person must sign in before it.
    pub sign_in_ends_at: Option<i64>,
}

/// A background renewal comes this long before the access token's end at the most…
const RENEW_AHEAD_SECS: i64 = 5 * 60;

/// …and otherwise in the last tenth of the token's life seen since `since`.
pub fn renewal_ahead(end: i64, since: i64) -> i64 {
    ((end - since) / 10).clamp(1, RENEW_AHEAD_SECS)
}

impl SessionStatus {
    /// When to renew a session that renews by itself (epoch seconds): in the last tenth
    /// of the token's life seen since `since` (five minutes at the most), less a random
    /// part of that again, so that the app and the CLI, and many machines, do not all
    /// renew at one instant. `None` for a session that does not renew.
    pub fn renew_at(&self, since: i64) -> Option<i64> {
        let end = self.expires_at.filter(|_| self.renews)?;
        let ahead = renewal_ahead(end, since);
        let jitter = rand::random_range(0..=ahead / 2);
        Some(end - ahead - jitter)
    }

    /// A session that renews, whose sign-in ends within a week: a person must sign in
    /// before then, though nothing has stopped yet.
    pub fn sign_in_due(&self, now: i64) -> bool {
        !self.needs_sign_in && sign_in_due(self.sign_in_ends_at, now)
    }

    pub fn seconds_left(&self, now: i64) -> Option<i64> {
        self.expires_at.map(|at| at - now)
    }

    /// Signed in without a way to renew by itself, and ending within
    /// [`WARN_BEFORE_SECS`]: a session that renews never ends for a person.
    pub fn ends_soon(&self, now: i64) -> bool {
        !self.renews
            && self
                .seconds_left(now)
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
            renews: false,
            needs_sign_in: false,
            unreachable: false,
            sign_in_ends_at: None,
        };
        assert!(!status(WARN_BEFORE_SECS + 1).ends_soon(1000));
        assert!(status(WARN_BEFORE_SECS).ends_soon(1000));
        assert!(!status(0).ends_soon(1000));
    }

    #[test]
    fn a_renewal_falls_in_the_last_tenth_of_the_tokens_life_at_most_five_minutes_ahead() {
        let status = |life: i64| SessionStatus {
            provider: Provider::Aws,
            name: "acme".into(),
            account: None,
            expires_at: Some(1000 + life),
            renews: true,
            needs_sign_in: false,
            unreachable: false,
            sign_in_ends_at: None,
        };
        for _ in 0..100 {
            let minute = status(60).renew_at(1000).unwrap();
            assert!(
                (1000 + 60 - 6 - 3..=1000 + 60 - 6).contains(&minute),
                "{minute}"
            );
            let hour = status(3600).renew_at(1000).unwrap();
            assert!(
                (1000 + 3600 - 300 - 150..=1000 + 3600 - 300).contains(&hour),
                "{hour}"
            );
        }
        let fixed = SessionStatus {
            renews: false,
            ..status(60)
        };
        assert_eq!(fixed.renew_at(1000), None);
    }

    #[test]
    fn a_session_that_renews_by_itself_never_ends_soon() {
        let status = SessionStatus {
            provider: Provider::Aws,
            name: "acme".into(),
            account: None,
            expires_at: Some(1000 + 60),
            renews: true,
            needs_sign_in: false,
            unreachable: false,
            sign_in_ends_at: None,
        };
        assert!(!status.ends_soon(1000));
    }
}
