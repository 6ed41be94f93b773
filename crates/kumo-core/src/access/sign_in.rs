//! Signing in and out of every provider, their statuses, and renewing one: the identity
//! first, then each AWS org and Entra tenant. Nothing that holds a valid or silently
//! renewable session asks the person anything.

use serde::Serialize;

use super::provider::{Asking, Configured, providers};
use super::{Error, Feedback, Kumo, Outcome, Provider, Revocation, SessionStatus};
use crate::audit::Event;
use crate::aws::org::OrgClient;
use crate::aws::select_org;
use crate::aws::sign_in::{Flow, Interaction, LoginOptions};
use crate::config::AzureTenantConfig;
use crate::identity::oidc;
use crate::renewals::Ended;
use crate::sessions::{RenewalFailure, SessionReport};

/// Which providers a sign-in is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInScope {
    /// The identity (when configured), then every org and tenant. With only AWS
    /// configured, an org must be named when there are several.
    Everything,
    Identity,
    Org(String),
    Tenant(String),
}

/// Which providers a sign-out is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignOutScope {
    Identity,
    /// The org named, or the only one configured.
    Org(Option<String>),
    Tenant(String),
    /// Every org and tenant, then the identity.
    All,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SignInOptions {
    /// The device flow: a code to confirm in any browser, on any device.
    pub device_code: bool,
    /// Print the URL instead of opening the browser.
    pub no_browser: bool,
    /// Sign in again even with a valid session.
    pub force: bool,
}

/// One provider's sign-in, as it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignedIn {
    pub provider: Provider,
    /// The org or tenant; the issuer for the identity.
    pub name: String,
    /// Who is signed in, where the provider says (the identity's email).
    pub account: Option<String>,
    pub outcome: Outcome,
    pub expires_at: i64,
    /// How many accounts (an org) or subscriptions (a tenant) its cached listing holds;
    /// `None` before the first listing, and for the identity.
    pub listed: Option<usize>,
}

/// One provider's sign-out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignedOut {
    pub provider: Provider,
    pub name: String,
    /// Whether there was a session to remove.
    pub had_session: bool,
    /// What the provider did with it.
    pub revocation: Revocation,
}

/// The signed-in company identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub email: String,
    pub issuer: String,
    pub expires_at: i64,
}

impl Kumo {
    /// Signs in to what `scope` names, in order, reporting each provider as it is done.
    pub async fn sign_in(
        &self,
        scope: &SignInScope,
        options: SignInOptions,
        feedback: &dyn Feedback,
        report: &mut (dyn FnMut(&SignedIn) + Send),
    ) -> Result<(), Error> {
        let chosen = self.sign_in_scope(scope)?;
        let browser = self.sign_in_browser()?;
        let asking = Asking {
            login: LoginOptions {
                flow: if options.device_code {
                    Flow::DeviceCode
                } else {
                    self.flow()
                },
                open_browser: !options.no_browser,
                force: options.force,
            },
            browser: browser.as_ref(),
            feedback,
        };
        for provider in chosen {
            let signed_in = provider.sign_in(&self.ctx, &asking).await;
            match &signed_in {
                Err(e) => self.record_renewal(&provider, Err(e)),
                Ok(Some(done)) => {
                    self.record_renewal(&provider, Ok(done.outcome != Outcome::AlreadySignedIn))
                }
                Ok(None) => {}
            }
            if let Some(mut signed_in) = signed_in? {
                signed_in.listed = provider.listed(&self.ctx);
                self.bind(&provider, &signed_in, feedback).await?;
                if signed_in.outcome != Outcome::AlreadySignedIn {
                    self.record(&Event::SignedIn {
                        provider: signed_in.provider,
                        name: signed_in.name.clone(),
                        principal: signed_in.account.clone(),
                        renewed: signed_in.outcome == Outcome::Renewed,
                    })?;
                }
                report(&signed_in);
            }
        }
        Ok(())
    }

    /// Keeps how a provider's sign-in or renewal ended, for `kumo status`: renewed (or
    /// not: the session was good as it was), or the failure (refused, or the provider
    /// unreachable).
    fn record_renewal(&self, provider: &Configured<'_>, ended: Result<bool, &Error>) {
        let ended = match ended {
            Ok(true) => Ended::Renewed(self.now()),
            Ok(false) => Ended::Unchanged,
            Err(e) => Ended::Failed(RenewalFailure {
                at: self.now(),
                message: e.message.clone(),
                refused: matches!(e.next, Some(super::NextStep::SignIn { .. })),
                attempts: 1,
            }),
        };
        self.record_renewal_end(provider, ended);
    }

    fn record_renewal_end(&self, provider: &Configured<'_>, ended: Ended) {
        if let Some((kind, name)) = provider.id() {
            crate::renewals::record(&self.ctx.env, kind, &name, ended);
        }
    }

    /// Renews the provider's access token with its refresh token if it is due, never
    /// asking the person: what the app does in the background ahead of the token's end.
    /// The refresh keeps its outcome for `kumo status` (a refusal: a sign-in is needed),
    /// and a renewal that happened is recorded in the audit trail.
    pub async fn renew_silently(&self, provider: Provider, name: &str) -> Result<(), Error> {
        let (config, path) = (&self.ctx.config, &self.ctx.config_path);
        let (env, store) = (&self.ctx.env, self.ctx.store.as_ref());
        let configured = match provider {
            Provider::Identity => {
                Configured::Identity(oidc::configured(config.identity.as_ref(), path)?)
            }
            Provider::Aws => Configured::Aws(select_org(config, Some(name), path)?),
            Provider::Azure => Configured::Azure(self.tenant(name)?),
        };
        let before = configured.status(&self.ctx).and_then(|s| s.expires_at);
        let renewed: Result<(), Error> = match configured {
            Configured::Identity(identity) => oidc::access_token(identity, env, store)
                .await
                .map(drop)
                .map_err(Error::from),
            Configured::Aws(org) => OrgClient::new(org, env, store)
                .access_token(&Interaction::None)
                .await
                .map(drop)
                .map_err(Error::from),
            Configured::Azure(tenant) => crate::azure::access_token(tenant, env, store)
                .await
                .map(drop)
                .map_err(Error::from),
            Configured::Gcp(_) => Ok(()),
        };
        // The refresh itself recorded how it ended (`renewals::refreshed`).
        renewed?;
        let after = configured.status(&self.ctx);
        let changed = after.as_ref().is_some_and(|s| s.expires_at != before);
        if let Some(status) = after.filter(|_| changed) {
            self.record(&Event::SignedIn {
                provider,
                name: status.name,
                principal: status.account,
                renewed: true,
            })?;
        }
        Ok(())
    }

    /// Every configured provider's session as `kumo status` tells it: the keychain, the
    /// clock and the last renewal's record; no network.
    pub fn session_reports(&self) -> Vec<SessionReport> {
        providers(&self.ctx.config)
            .iter()
            .filter_map(|provider| provider.report(&self.ctx))
            .collect()
    }

    /// The providers `scope` names, in sign-in order.
    fn sign_in_scope(&self, scope: &SignInScope) -> Result<Vec<Configured<'_>>, Error> {
        let (config, path) = (&self.ctx.config, &self.ctx.config_path);
        Ok(match scope {
            SignInScope::Identity => vec![Configured::Identity(oidc::configured(
                config.identity.as_ref(),
                path,
            )?)],
            SignInScope::Org(name) => vec![Configured::Aws(select_org(config, Some(name), path)?)],
            SignInScope::Tenant(name) => vec![Configured::Azure(self.tenant(name)?)],
            // With only AWS configured, "everything" is the org, which must be named
            // among several.
            SignInScope::Everything if config.identity.is_none() && config.azure.is_empty() => {
                vec![Configured::Aws(select_org(config, None, path)?)]
            }
            SignInScope::Everything => providers(config),
        })
    }

    /// Signs out of what `scope` names: the provider revokes the session where it can,
    /// and its tokens and credentials leave the keychain and every cache. With `All`, the
    /// identity goes last, so every record names who signed out.
    pub async fn sign_out(&self, scope: &SignOutScope) -> Result<Vec<SignedOut>, Error> {
        let (config, path) = (&self.ctx.config, &self.ctx.config_path);
        let chosen = match scope {
            SignOutScope::Identity => vec![Configured::Identity(oidc::configured(
                config.identity.as_ref(),
                path,
            )?)],
            SignOutScope::Org(name) => {
                vec![Configured::Aws(select_org(config, name.as_deref(), path)?)]
            }
            SignOutScope::Tenant(name) => vec![Configured::Azure(self.tenant(name)?)],
            SignOutScope::All => {
                let mut all = providers(config);
                all.rotate_left(usize::from(config.identity.is_some()));
                all
            }
        };
        // Recorded as the person signed in before: the identity may be about to go.
        let actor_before = self.actor();
        let mut done = Vec::new();
        for provider in chosen {
            let Some(signed_out) = provider.sign_out(&self.ctx).await? else {
                continue;
            };
            self.record_renewal_end(&provider, Ended::SignedOut);
            if signed_out.had_session {
                self.record_as(
                    &Event::SignedOut {
                        provider: signed_out.provider,
                        name: signed_out.name.clone(),
                    },
                    actor_before.as_ref(),
                )?;
            }
            done.push(signed_out);
        }
        Ok(done)
    }

    /// Who is signed in to the company identity. An access token near its end is renewed
    /// with the refresh token on the way, without a prompt.
    pub async fn whoami(&self) -> Result<Identity, Error> {
        let store = self.ctx.store.as_ref();
        let who = match &self.ctx.config.identity {
            Some(config) => oidc::access_token(config, &self.ctx.env, store).await?.1,
            None => oidc::whoami(store)?.ok_or(oidc::IdentityError::NotSignedIn)?,
        };
        Ok(Identity {
            email: who.email,
            issuer: who.issuer,
            expires_at: who.expires_at,
        })
    }

    /// Every configured provider's session, identity first; keychain and clock only.
    pub fn statuses(&self) -> Vec<SessionStatus> {
        providers(&self.ctx.config)
            .iter()
            .filter_map(|provider| provider.status(&self.ctx))
            .collect()
    }

    /// "Renew now" in the app: silently where a refresh token still works, else through
    /// the browser.
    pub async fn renew(
        &self,
        provider: Provider,
        name: &str,
        feedback: &dyn Feedback,
    ) -> Result<(), Error> {
        let scope = match provider {
            Provider::Identity => SignInScope::Identity,
            Provider::Aws => SignInScope::Org(name.to_owned()),
            Provider::Azure => SignInScope::Tenant(name.to_owned()),
        };
        self.sign_in(&scope, SignInOptions::default(), feedback, &mut |_| {})
            .await
    }

    /// The configured tenant of that name (its domain or id, in any case).
    pub(super) fn tenant(&self, name: &str) -> Result<&AzureTenantConfig, Error> {
        Ok(self.ctx.consoles().tenant(name)?)
    }
}
