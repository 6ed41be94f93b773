//! Signing in and out of every provider, their statuses, and renewing one: the identity
//! first, then each AWS org and Entra tenant. Nothing that holds a valid or silently
//! renewable session asks the person anything.

use serde::Serialize;

use super::{Error, Feedback, Kumo, Outcome, Provider, SessionStatus};
use crate::aws::org::OrgClient;
use crate::aws::select_org;
use crate::aws::sign_in::{Flow, LoginOptions};
use crate::browser::Browser;
use crate::config::{AwsOrg, AzureTenantConfig};
use crate::identity::oidc;

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
    /// The org named, or the only one configured.
    Org(Option<String>),
    Tenant(String),
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
}

/// One provider's sign-out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedOut {
    pub provider: Provider,
    pub name: String,
    /// Whether there was a session to remove.
    pub had_session: bool,
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
        let ctx = &self.ctx;
        let (config, path) = (&ctx.config, &ctx.config_path);
        let orgs: Vec<&AwsOrg> = match scope {
            SignInScope::Org(name) => vec![select_org(config, Some(name), path)?],
            SignInScope::Everything if config.identity.is_some() || !config.azure.is_empty() => {
                config.aws.iter().collect()
            }
            SignInScope::Everything => vec![select_org(config, None, path)?],
            _ => Vec::new(),
        };
        let tenants: Vec<&AzureTenantConfig> = match scope {
            SignInScope::Tenant(name) => vec![self.tenant(name)?],
            SignInScope::Everything => config.azure.iter().collect(),
            _ => Vec::new(),
        };
        let identity = match scope {
            SignInScope::Identity => true,
            SignInScope::Everything => config.identity.is_some(),
            _ => false,
        };
        let browser = self.sign_in_browser()?;
        let browser = browser.as_ref();
        if identity {
            report(
                &self
                    .sign_in_identity(options.force, browser, feedback)
                    .await?,
            );
        }
        let login = LoginOptions {
            flow: if options.device_code {
                Flow::DeviceCode
            } else {
                self.flow()
            },
            open_browser: !options.no_browser,
            force: options.force,
        };
        for org in orgs {
            report(&self.sign_in_org(org, login, browser, feedback).await?);
        }
        for tenant in tenants {
            report(
                &self
                    .sign_in_tenant(tenant, options.force, browser, feedback)
                    .await?,
            );
        }
        Ok(())
    }

    async fn sign_in_identity(
        &self,
        force: bool,
        browser: &dyn Browser,
        feedback: &dyn Feedback,
    ) -> Result<SignedIn, Error> {
        let ctx = &self.ctx;
        let config = oidc::configured(ctx.config.identity.as_ref(), &ctx.config_path)?;
        // The identity's access token also lists Google Cloud projects when [gcp] is set.
        let scopes: &[&str] = if ctx.config.gcp.is_some() {
            &[oidc::GCP_SCOPE]
        } else {
            &[]
        };
        let (outcome, who) = oidc::login(
            config,
            scopes,
            force,
            &ctx.env,
            ctx.store.as_ref(),
            browser,
            feedback,
        )
        .await?;
        Ok(SignedIn {
            provider: Provider::Identity,
            name: who.issuer,
            account: Some(who.email),
            outcome,
            expires_at: who.expires_at,
        })
    }

    async fn sign_in_org(
        &self,
        org: &AwsOrg,
        options: LoginOptions,
        browser: &dyn Browser,
        feedback: &dyn Feedback,
    ) -> Result<SignedIn, Error> {
        let client = OrgClient::new(org, &self.ctx.env, self.ctx.store.as_ref());
        let (outcome, expires_at) = client.login(options, browser, feedback).await?;
        Ok(SignedIn {
            provider: Provider::Aws,
            name: org.name.to_string(),
            account: None,
            outcome,
            expires_at,
        })
    }

    /// Entra is asked for the identity's account, so the federated session carries
    /// through without a second choice of account.
    async fn sign_in_tenant(
        &self,
        tenant: &AzureTenantConfig,
        force: bool,
        browser: &dyn Browser,
        feedback: &dyn Feedback,
    ) -> Result<SignedIn, Error> {
        let store = self.ctx.store.as_ref();
        let signed_in = |outcome, expires_at: Option<i64>| SignedIn {
            provider: Provider::Azure,
            name: tenant.tenant.to_string(),
            account: None,
            outcome,
            expires_at: expires_at.unwrap_or_default(),
        };
        let expiry = crate::azure::session_expiry(tenant, store)?;
        if !force && expiry.is_some_and(|at| at - self.now() > crate::azure::RENEW_MARGIN_SECS) {
            return Ok(signed_in(Outcome::AlreadySignedIn, expiry));
        }
        if !force
            && expiry.is_some()
            && crate::azure::access_token(tenant, &self.ctx.env, store)
                .await
                .is_ok()
        {
            let renewed = crate::azure::session_expiry(tenant, store)?;
            return Ok(signed_in(Outcome::Renewed, renewed));
        }
        let email = oidc::whoami(store)?.map(|who| who.email);
        crate::azure::sign_in(
            tenant,
            email.as_deref(),
            &self.ctx.env,
            store,
            browser,
            feedback,
        )
        .await?;
        let expiry = crate::azure::session_expiry(tenant, store)?;
        Ok(signed_in(Outcome::SignedIn, expiry))
    }

    /// Signs out of what `scope` names: its tokens and credentials leave the keychain.
    pub async fn sign_out(&self, scope: &SignOutScope) -> Result<SignedOut, Error> {
        let ctx = &self.ctx;
        let store = ctx.store.as_ref();
        match scope {
            SignOutScope::Tenant(name) => {
                let tenant = self.tenant(name)?;
                let had_session = crate::azure::session_expiry(tenant, store)?.is_some();
                crate::azure::sign_out(tenant, store)?;
                Ok(SignedOut {
                    provider: Provider::Azure,
                    name: tenant.tenant.to_string(),
                    had_session,
                })
            }
            SignOutScope::Org(name) => {
                let org = select_org(&ctx.config, name.as_deref(), &ctx.config_path)?;
                let had_session = OrgClient::new(org, &ctx.env, store).logout().await?;
                Ok(SignedOut {
                    provider: Provider::Aws,
                    name: org.name.to_string(),
                    had_session,
                })
            }
        }
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
        crate::sessions::statuses(&self.ctx)
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
