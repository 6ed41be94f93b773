//! Sign-in status of every provider (the identity, each AWS org, each Azure tenant), from
//! the keychain and the clock alone.

use serde::Serialize;

use crate::aws::org::OrgClient;
use crate::context::Context;
use crate::identity::oidc;

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

/// Every configured provider's session, identity first. A keychain that cannot be read
/// counts as not signed in: the status is for display, and sign-in will say more.
pub fn statuses(ctx: &Context) -> Vec<SessionStatus> {
    let (config, env, store) = (&ctx.config, &ctx.env, ctx.store.as_ref());
    let mut all = Vec::new();
    if let Some(identity) = &config.identity {
        let who = oidc::whoami(store).ok().flatten();
        all.push(SessionStatus {
            provider: Provider::Identity,
            name: identity.issuer.as_str().trim_end_matches('/').to_owned(),
            account: who.as_ref().map(|w| w.email.clone()),
            expires_at: who.map(|w| w.expires_at),
        });
    }
    for org in &config.aws {
        let expiry = OrgClient::new(org, env, store)
            .session_expiry()
            .ok()
            .flatten();
        all.push(SessionStatus {
            provider: Provider::Aws,
            name: org.name.to_string(),
            account: None,
            expires_at: expiry,
        });
    }
    for tenant in &config.azure {
        all.push(SessionStatus {
            provider: Provider::Azure,
            name: tenant.tenant.to_string(),
            account: None,
            expires_at: crate::azure::session_expiry(tenant, store).ok().flatten(),
        });
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_configured_provider_is_listed_signed_out() {
        let config = crate::config::Config::parse(
            "[identity]\nclient_id = \"c\"\n\n[[aws]]\nname = \"acme\"\nstart_url = \"https://acme.awsapps.com/start\"\nregion = \"eu-west-1\"\n\n[[azure]]\ntenant = \"acme.onmicrosoft.com\"\nclient_id = \"a\"\n",
            std::path::Path::new("c.toml"),
        )
        .unwrap();
        let (ctx, _) = Context::in_memory(crate::environment::Environment::default(), config);
        let all = statuses(&ctx);
        assert_eq!(
            all,
            [
                SessionStatus {
                    provider: Provider::Identity,
                    name: "https://accounts.google.com".into(),
                    account: None,
                    expires_at: None,
                },
                SessionStatus {
                    provider: Provider::Aws,
                    name: "acme".into(),
                    account: None,
                    expires_at: None,
                },
                SessionStatus {
                    provider: Provider::Azure,
                    name: "acme.onmicrosoft.com".into(),
                    account: None,
                    expires_at: None,
                },
            ]
        );
    }

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
