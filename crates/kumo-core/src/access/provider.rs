//! The provider model: the company identity, each AWS IAM Identity Center org, each
//! Entra tenant and Google Cloud behind one enum with the same verbs (status, sign in,
//! sign out, cached and fresh targets; consoles go by the target's id, credentials exist
//! for AWS roles only). The use cases walk [`providers`] and never branch on a cloud, so
//! adding one is a module of its own and a variant here, not a change to every use case.

use super::{Error, Feedback, Outcome, Provider, SessionStatus, SignedIn, SignedOut};
use crate::aws::org::OrgClient;
use crate::aws::sign_in::{Flow, Interaction, LoginOptions};
use crate::browser::Browser;
use crate::config::{AwsOrg, AzureTenantConfig, Config, GcpConfig, IdentityConfig};
use crate::context::Context;
use crate::identity::oidc;
use crate::oauth::Person;
use crate::sessions::{Revocation, SessionReport, UNREACHABLE_AFTER, sign_in_due};
use crate::target::list::{self as targets, Target};

/// A session's access token: its end, whether it renews silently, the sign-in's known
/// end.
type TokenFacts = (i64, bool, Option<i64>);

/// One configured provider.
#[derive(Clone, Copy)]
pub(super) enum Configured<'a> {
    Identity(&'a IdentityConfig),
    Aws(&'a AwsOrg),
    Azure(&'a AzureTenantConfig),
    /// Google Cloud signs in as the company identity: it has targets, not a session.
    Gcp(&'a GcpConfig),
}

/// Every configured provider, in the order of a sign-in: the identity first (the others
/// are hinted with its account), then each org, each tenant, and Google Cloud.
pub(super) fn providers(config: &Config) -> Vec<Configured<'_>> {
    config
        .identity
        .iter()
        .map(Configured::Identity)
        .chain(config.aws.iter().map(Configured::Aws))
        .chain(config.azure.iter().map(Configured::Azure))
        .chain(config.gcp.iter().map(Configured::Gcp))
        .collect()
}

/// What a sign-in may use to ask the person.
pub(super) struct Asking<'a> {
    pub login: LoginOptions,
    pub browser: &'a dyn Browser,
    pub feedback: &'a dyn Feedback,
}

impl Asking<'_> {
    /// The device flow: asked for, or chosen for a machine without a display.
    fn device(&self) -> bool {
        self.login.flow == Flow::DeviceCode
    }

    fn person(&self) -> Person<'_> {
        Person {
            open_browser: self.login.open_browser,
            browser: self.browser,
            feedback: self.feedback,
        }
    }
}

impl Configured<'_> {
    /// The provider as a person names it in a listing: "AWS org `acme`", "Google Cloud".
    pub fn source(&self) -> String {
        match self {
            Self::Identity(_) => "the identity".to_owned(),
            Self::Aws(org) => format!("AWS org `{}`", org.name),
            Self::Azure(tenant) => format!("Azure tenant `{}`", tenant.tenant),
            Self::Gcp(_) => "Google Cloud".to_owned(),
        }
    }

    /// The session, from the keychain, the clock and the last renewal's record alone;
    /// `None` for Google Cloud, whose session is the identity's. An unreadable keychain
    /// counts as not signed in: the status is for display, and a sign-in will say more.
    pub fn status(&self, ctx: &Context) -> Option<SessionStatus> {
        let report = self.report(ctx)?;
        let lost = report.lost();
        Some(SessionStatus {
            provider: report.provider,
            renews: report.renews && !lost,
            // A provider never signed in is not "lost": it simply offers a sign-in.
            needs_sign_in: lost && (report.signed_in || report.last_error.is_some()),
            name: report.name,
            account: report.principal,
            expires_at: report.access_expires_at,
            sign_in_ends_at: report.sign_in_ends_at,
            unreachable: report
                .last_error
                .as_ref()
                .is_some_and(|e| !e.refused && e.attempts >= UNREACHABLE_AFTER),
        })
    }

    /// The provider and the name its session goes by (the issuer, the org, the tenant),
    /// without reading anything; `None` for Google Cloud.
    pub fn id(&self) -> Option<(Provider, String)> {
        Some(match self {
            Self::Identity(identity) => {
                (Provider::Identity, oidc::issuer_name(identity).to_owned())
            }
            Self::Aws(org) => (Provider::Aws, org.name.to_string()),
            Self::Azure(tenant) => (Provider::Azure, tenant.tenant.to_string()),
            Self::Gcp(_) => return None,
        })
    }

    /// The session as `kumo status` tells it, from one keychain read, the clock and the
    /// last renewal's record alone; `None` for Google Cloud.
    pub fn report(&self, ctx: &Context) -> Option<SessionReport> {
        let (provider, name) = self.id()?;
        let (store, now) = (ctx.store.as_ref(), ctx.env.now());
        // Who, and the access token's facts.
        let (principal, facts): (Option<String>, Option<TokenFacts>) = match self {
            Self::Identity(_) => match oidc::session_facts(store).ok().flatten() {
                Some((email, at, renews)) => (Some(email), Some((at, renews, None))),
                None => (None, None),
            },
            Self::Aws(org) => {
                let session = crate::aws::session::load_session(store, org.name.as_str()).ok();
                let principal = session.as_ref().and_then(|s| s.principal.clone());
                let facts = session.and_then(|s| {
                    let token = s.token?;
                    let registration_end = s.registration.map(|r| r.expires_at);
                    let renews = token.refresh_token.is_some()
                        && registration_end.is_some_and(|end| end > now);
                    Some((token.expires_at, renews, registration_end))
                });
                (principal, facts)
            }
            Self::Azure(tenant) => {
                match crate::azure::session_facts(tenant, store).ok().flatten() {
                    Some((principal, at, renews)) => (principal, Some((at, renews, None))),
                    None => (None, None),
                }
            }
            Self::Gcp(_) => return None,
        };
        let record = crate::renewals::of(&ctx.env, provider, &name);
        let (last_error, last_renewal) = (record.failure, record.renewed_at);
        let access_valid = facts.is_some_and(|(at, _, _)| at > now);
        let renews = facts.is_some_and(|(_, renews, _)| renews);
        let sign_in_ends_at = facts.and_then(|(_, _, end)| end);
        let mut report = SessionReport {
            provider,
            name,
            principal,
            signed_in: facts.is_some(),
            access_valid,
            access_expires_at: facts.map(|(at, _, _)| at),
            renews,
            sign_in_ends_at,
            last_error,
            last_renewal,
            next_renewal: facts.filter(|(_, renews, _)| *renews).map(|(end, _, _)| {
                end - crate::sessions::renewal_ahead(end, last_renewal.unwrap_or(now).min(end))
            }),
            needs_sign_in: false,
        };
        report.needs_sign_in = report.lost() || sign_in_due(report.sign_in_ends_at, now);
        Some(report)
    }

    /// Makes sure of a session, asking only when none can be had silently (or `force`).
    /// `None` for Google Cloud, which the identity's sign-in covers.
    pub async fn sign_in(
        &self,
        ctx: &Context,
        asking: &Asking<'_>,
    ) -> Result<Option<SignedIn>, Error> {
        let (env, store) = (&ctx.env, ctx.store.as_ref());
        let force = asking.login.force;
        Ok(Some(match self {
            Self::Identity(identity) => {
                // The identity's access token also lists Google Cloud projects.
                let scopes: &[&str] = if ctx.config.gcp.is_some() {
                    &[oidc::GCP_SCOPE]
                } else {
                    &[]
                };
                let (outcome, who) = oidc::login(
                    identity,
                    scopes,
                    force,
                    asking.device(),
                    env,
                    store,
                    &asking.person(),
                )
                .await?;
                SignedIn {
                    provider: Provider::Identity,
                    name: who.issuer,
                    account: Some(who.email),
                    outcome,
                    expires_at: who.expires_at,
                    listed: None,
                }
            }
            Self::Aws(org) => {
                let client = OrgClient::new(org, env, store);
                let (outcome, expires_at) = client
                    .login(asking.login, asking.browser, asking.feedback)
                    .await?;
                // Who it signed in, to bind it to the company identity when there is
                // one; unknown (an org without roles, STS unreachable) leaves the
                // binding unchecked rather than failing the sign-in.
                let principal = match ctx.config.identity {
                    None => None,
                    Some(_) => client.principal(env).await.unwrap_or_else(|e| {
                        tracing::warn!(org = %org.name, "cannot tell who the org signed in: {e}");
                        None
                    }),
                };
                SignedIn {
                    provider: Provider::Aws,
                    name: org.name.to_string(),
                    account: principal,
                    outcome,
                    expires_at,
                    listed: None,
                }
            }
            Self::Azure(tenant) => sign_in_tenant(ctx, tenant, asking).await?,
            Self::Gcp(_) => return Ok(None),
        }))
    }

    /// Ends the session: the provider revokes it where it can, then its tokens and
    /// credentials leave the keychain. `None` for Google Cloud, which signs out with the
    /// identity.
    pub async fn sign_out(&self, ctx: &Context) -> Result<Option<SignedOut>, Error> {
        let (env, store) = (&ctx.env, ctx.store.as_ref());
        Ok(Some(match self {
            Self::Identity(identity) => {
                let (had_session, revocation) = oidc::sign_out(identity, store).await?;
                SignedOut {
                    provider: Provider::Identity,
                    name: oidc::issuer_name(identity).to_owned(),
                    had_session,
                    revocation,
                }
            }
            Self::Aws(org) => {
                let (had_session, revocation) = OrgClient::new(org, env, store).logout().await?;
                SignedOut {
                    provider: Provider::Aws,
                    name: org.name.to_string(),
                    had_session,
                    revocation,
                }
            }
            Self::Azure(tenant) => {
                let had_session = crate::azure::session_expiry(tenant, store)?.is_some();
                crate::azure::sign_out(tenant, store)?;
                SignedOut {
                    provider: Provider::Azure,
                    name: tenant.tenant.to_string(),
                    had_session,
                    // Entra has no endpoint that revokes one refresh token (only every
                    // session of the user, through Graph, which is not Kumo's to end).
                    revocation: if had_session {
                        Revocation::NotOffered
                    } else {
                        Revocation::NothingLive
                    },
                }
            }
            Self::Gcp(_) => return Ok(None),
        }))
    }

    /// The targets of its cache; `None` when there is none (the identity has no targets).
    pub fn cached(&self, ctx: &Context) -> Result<Option<Vec<Target>>, Error> {
        let env = &ctx.env;
        Ok(match self {
            Self::Identity(_) => None,
            Self::Aws(org) => crate::cache::load(env, org.name.as_str(), org.start_url.as_str())?
                .map(|listing| targets::from_cache(&listing)),
            Self::Azure(tenant) => crate::azure::load_cache(env, tenant)
                .map(|subscriptions| targets::from_subscriptions(&subscriptions)),
            Self::Gcp(_) => crate::gcp::load_cache(env).map(|p| targets::from_projects(&p)),
        })
    }

    /// How many accounts (an org) or subscriptions (a tenant) its cache holds, from the
    /// cache alone; `None` without a cache, and for the identity and Google Cloud.
    pub fn listed(&self, ctx: &Context) -> Option<usize> {
        match self {
            Self::Aws(org) => {
                crate::cache::load(&ctx.env, org.name.as_str(), org.start_url.as_str())
                    .ok()
                    .flatten()
                    .map(|listing| listing.accounts.len())
            }
            Self::Azure(tenant) => crate::azure::load_cache(&ctx.env, tenant).map(|s| s.len()),
            Self::Identity(_) | Self::Gcp(_) => None,
        }
    }

    /// Lists its targets again from the cloud and caches them. For AWS, an ended session
    /// is signed in again as `interaction` allows.
    pub async fn relist(
        &self,
        ctx: &Context,
        interaction: &Interaction<'_>,
        feedback: &dyn Feedback,
    ) -> Result<Vec<Target>, Error> {
        let (env, store) = (&ctx.env, ctx.store.as_ref());
        Ok(match self {
            Self::Identity(_) => Vec::new(),
            Self::Aws(org) => {
                let fresh = OrgClient::new(org, env, store)
                    .relist(env, interaction, feedback)
                    .await?;
                targets::from_cache(&fresh)
            }
            Self::Azure(tenant) => {
                targets::from_subscriptions(&crate::azure::relist(tenant, store, env).await?)
            }
            Self::Gcp(gcp) => targets::from_projects(&crate::gcp::relist(ctx, gcp).await?),
        })
    }
}

/// Entra is asked for the identity's account, so the federated session carries through
/// without a second choice of account.
async fn sign_in_tenant(
    ctx: &Context,
    tenant: &AzureTenantConfig,
    asking: &Asking<'_>,
) -> Result<SignedIn, Error> {
    let (env, store) = (&ctx.env, ctx.store.as_ref());
    let force = asking.login.force;
    let signed_in = |outcome, expires_at: Option<i64>| SignedIn {
        provider: Provider::Azure,
        name: tenant.tenant.to_string(),
        account: crate::azure::principal(tenant, store).ok().flatten(),
        outcome,
        expires_at: expires_at.unwrap_or_default(),
        listed: None,
    };
    let expiry = crate::azure::session_expiry(tenant, store)?;
    if !force && expiry.is_some_and(|at| at - env.now() > crate::azure::RENEW_MARGIN_SECS) {
        return Ok(signed_in(Outcome::AlreadySignedIn, expiry));
    }
    if !force && expiry.is_some() && crate::azure::access_token(tenant, env, store).await.is_ok() {
        let renewed = crate::azure::session_expiry(tenant, store)?;
        return Ok(signed_in(Outcome::Renewed, renewed));
    }
    let email = oidc::whoami(store)?.map(|who| who.email);
    crate::azure::sign_in(
        tenant,
        email.as_deref(),
        asking.device(),
        env,
        store,
        &asking.person(),
    )
    .await?;
    let expiry = crate::azure::session_expiry(tenant, store)?;
    Ok(signed_in(Outcome::SignedIn, expiry))
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
        let all: Vec<SessionStatus> = providers(&ctx.config)
            .iter()
            .filter_map(|provider| provider.status(&ctx))
            .collect();
        assert_eq!(
            all,
            [
                SessionStatus {
                    provider: Provider::Identity,
                    name: "https://accounts.google.com".into(),
                    account: None,
                    expires_at: None,
                    renews: false,
                    needs_sign_in: false,
                    unreachable: false,
                    sign_in_ends_at: None,
                },
                SessionStatus {
                    provider: Provider::Aws,
                    name: "acme".into(),
                    account: None,
                    expires_at: None,
                    renews: false,
                    needs_sign_in: false,
                    unreachable: false,
                    sign_in_ends_at: None,
                },
                SessionStatus {
                    provider: Provider::Azure,
                    name: "acme.onmicrosoft.com".into(),
                    account: None,
                    expires_at: None,
                    renews: false,
                    needs_sign_in: false,
                    unreachable: false,
                    sign_in_ends_at: None,
                },
            ]
        );
    }

    #[test]
    fn the_identity_signs_in_first_and_google_cloud_last() {
        let config = crate::config::Config::parse(
            "[[aws]]\nname = \"acme\"\nstart_url = \"https://acme.awsapps.com/start\"\nregion = \"eu-west-1\"\n\n[gcp]\n\n[identity]\nclient_id = \"c\"\n",
            std::path::Path::new("c.toml"),
        )
        .unwrap();
        let sources: Vec<String> = providers(&config).iter().map(Configured::source).collect();
        assert_eq!(sources, ["the identity", "AWS org `acme`", "Google Cloud"]);
    }
}
