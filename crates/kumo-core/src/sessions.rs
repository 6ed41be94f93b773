//! Sign-in status of every provider (the identity, each AWS org, each Azure tenant), and
//! renewing one: silently with its refresh token when it can, else through the browser.

use serde::Serialize;

use crate::aws::org::OrgClient;
use crate::aws::select_org;
use crate::aws::session::now_secs;
use crate::aws::sign_in::{Flow, LoginOptions};
use crate::browser::Browser;
use crate::context::Context;
use crate::feedback::Feedback;
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

pub struct Renewal<'a> {
    pub ctx: &'a Context,
    pub browser: &'a dyn Browser,
    pub feedback: &'a dyn Feedback,
}

impl Renewal<'_> {
    /// Renews one provider's session: with the refresh token when it still works, else
    /// a browser sign-in. Errors are the providers' own one-line messages.
    pub async fn renew(&self, provider: Provider, name: &str) -> Result<(), String> {
        let ctx = self.ctx;
        let store = ctx.store.as_ref();
        match provider {
            Provider::Identity => {
                let identity = oidc::configured(ctx.config.identity.as_ref(), &ctx.config_path)
                    .map_err(|e| e.to_string())?;
                if oidc::access_token(identity, store).await.is_ok()
                    && oidc::whoami(store)
                        .ok()
                        .flatten()
                        .is_some_and(|w| w.expires_at - now_secs() > WARN_BEFORE_SECS)
                {
                    return Ok(());
                }
                let scopes: &[&str] = if ctx.config.gcp.is_some() {
                    &[oidc::GCP_SCOPE]
                } else {
                    &[]
                };
                oidc::sign_in(
                    identity,
                    scopes,
                    &ctx.env,
                    store,
                    self.browser,
                    self.feedback,
                )
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
            }
            Provider::Aws => {
                let org = select_org(&ctx.config, Some(name), &ctx.config_path)
                    .map_err(|e| e.to_string())?;
                let options = LoginOptions {
                    flow: Flow::Browser,
                    open_browser: true,
                    force: false,
                };
                OrgClient::new(org, &ctx.env, store)
                    .login(options, self.browser, self.feedback)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            Provider::Azure => {
                let tenant = ctx
                    .config
                    .tenant(name)
                    .ok_or_else(|| format!("no [[azure]] table for tenant `{name}`"))?;
                if crate::azure::access_token(tenant, store).await.is_ok() {
                    return Ok(());
                }
                let email = oidc::whoami(store).ok().flatten().map(|w| w.email);
                crate::azure::sign_in(tenant, email.as_deref(), store, self.browser, self.feedback)
                    .await
                    .map_err(|e| e.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::MemoryStore;

    #[test]
    fn every_configured_provider_is_listed_signed_out() {
        let config = crate::config::Config::parse(
            "[identity]\nclient_id = \"c\"\n\n[[aws]]\nname = \"acme\"\nstart_url = \"https://acme.awsapps.com/start\"\nregion = \"eu-west-1\"\n\n[[azure]]\ntenant = \"acme.onmicrosoft.com\"\nclient_id = \"a\"\n",
            std::path::Path::new("c.toml"),
        )
        .unwrap();
        let ctx = Context {
            env: crate::environment::Environment::default(),
            config_path: "c.toml".into(),
            config,
            store: Box::new(MemoryStore::new()),
        };
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
