//! Opening a target's console, whatever its cloud: the URL (for AWS a federation sign-in
//! made from the role's credentials, for Azure and Google Cloud the portal as the right
//! account), the browser, and the isolation context, then the launch itself.

use std::path::Path;

use crate::aws::AwsError;
use crate::aws::console::{
    ConsoleError, destination, federation_endpoint, portal_shortcut, signin_url,
};
use crate::aws::org::OrgClient;
use crate::aws::sign_in::Interaction;
use crate::browser::BrowserError;
use crate::browser::launcher::{BrowserContext, Console};
use crate::config::{AzureTenantConfig, BrowserName, Config, Isolation};
use crate::environment::Environment;
use crate::identity::oidc::{self, IdentityError};
use crate::target::{self, AwsRole, TargetError, TargetId};
use crate::vault::SecretStore;

#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error(
        "no [[azure]] table for tenant `{tenant}` in {config}: add one with tenant and client_id"
    )]
    UnknownTenant { tenant: String, config: String },
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error(transparent)]
    Aws(#[from] AwsError),
    #[error(transparent)]
    Console(#[from] ConsoleError),
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error(transparent)]
    Browser(#[from] BrowserError),
}

/// How a console is to be opened.
#[derive(Debug, Clone, Default)]
pub struct Options<'a> {
    /// The AWS console's region (default: the org's).
    pub region: Option<&'a str>,
    /// An AWS service to land on (`ec2`, `s3`, …).
    pub service: Option<&'a str>,
    /// An https URL of the AWS console to land on.
    pub destination: Option<&'a str>,
    /// Overrides the configured browser.
    pub browser: Option<BrowserName>,
    /// Open in the browser's everyday profile.
    pub no_isolation: bool,
    /// The longest the AWS console session may last (a privileged target's elevation
    /// time left); never under the federation endpoint's 15 minutes.
    pub session_limit: Option<u32>,
}

pub struct Consoles<'a> {
    pub config: &'a Config,
    pub config_path: &'a Path,
    pub env: &'a Environment,
    pub store: &'a dyn SecretStore,
}

impl<'a> Consoles<'a> {
    /// The console of `target` (`aws:…`, `azure:<tenant>/<id>` or `gcp:<project>`).
    /// For AWS this fetches the role's credentials (signing in as `interaction` allows)
    /// and makes a 15-minute sign-in URL.
    pub async fn console(
        &self,
        target: &str,
        options: &Options<'_>,
        interaction: &Interaction<'_>,
    ) -> Result<Console, LaunchError> {
        match TargetId::parse(target)? {
            TargetId::Gcp { project } => self.gcp(&project, options),
            TargetId::Azure {
                tenant,
                subscription,
            } => self.azure(&tenant, &subscription, options),
            TargetId::Aws { .. } => self.aws(target, options, interaction).await,
        }
    }

    /// The org, account id and role an AWS TARGET names; an account name is resolved
    /// through the cached listing.
    pub fn resolve_aws(&self, target: &str) -> Result<AwsRole<'a>, LaunchError> {
        Ok(target::resolve_aws(
            target,
            self.config,
            self.config_path,
            self.env,
        )?)
    }

    async fn aws(
        &self,
        target: &str,
        options: &Options<'_>,
        interaction: &Interaction<'_>,
    ) -> Result<Console, LaunchError> {
        let mut role = self.resolve_aws(target)?;
        let org = role.org;
        // The listing names the account for the browser profile, even given an id.
        if role.listing.is_none() {
            role.listing = target::load_listing(org, self.env)?;
        }
        let region = options.region.unwrap_or(org.region.as_str());
        let landing = destination(region, options.service, options.destination)?;
        let url = if org.portal_shortcut {
            portal_shortcut(
                org.start_url.as_str(),
                &role.account_id,
                &role.role,
                &landing,
            )
        } else {
            let client = OrgClient::new(org, self.env, self.store);
            let credentials = client
                .role_credentials(&role.account_id, &role.role, interaction)
                .await?;
            let endpoint = federation_endpoint(org, region, self.env);
            let seconds = match options.session_limit {
                Some(limit) => org.session_duration.seconds().min(limit.max(900)),
                None => org.session_duration.seconds(),
            };
            signin_url(&endpoint, &credentials, seconds, &landing).await?
        };
        let id = role.id().to_string();
        let name = org.name.as_str();
        let account_name = role.account_name();
        let context = (!options.no_isolation).then(|| match org.isolation {
            Isolation::Target => BrowserContext {
                key: id.clone(),
                label: format!("{name} {account_name} {}", role.role),
            },
            Isolation::Org => BrowserContext {
                key: format!("aws:{name}"),
                label: format!("{name} (AWS)"),
            },
        });
        Ok(Console {
            browser: options
                .browser
                .unwrap_or_else(|| org.browser_for(&role.account_id, account_name, &role.role)),
            id,
            url,
            signs_in: !org.portal_shortcut,
            destination: landing,
            context,
        })
    }

    fn azure(
        &self,
        tenant: &str,
        subscription: &str,
        options: &Options<'_>,
    ) -> Result<Console, LaunchError> {
        let tenant = self.tenant(tenant)?.tenant.as_str();
        let id = TargetId::azure(tenant, subscription).to_string();
        let url = crate::azure::portal_url(tenant, subscription);
        Ok(Console {
            destination: url.clone(),
            url,
            signs_in: false,
            browser: options.browser.unwrap_or(BrowserName::Default),
            context: (!options.no_isolation).then(|| BrowserContext {
                key: id.clone(),
                label: format!("Azure {subscription}"),
            }),
            id,
        })
    }

    fn gcp(&self, project: &str, options: &Options<'_>) -> Result<Console, LaunchError> {
        let who = oidc::whoami(self.store)?.ok_or(IdentityError::NotSignedIn)?;
        let id = TargetId::gcp(project).to_string();
        let url = crate::gcp::console_url(project, &who.email);
        Ok(Console {
            destination: url.clone(),
            url,
            signs_in: false,
            browser: options.browser.unwrap_or(BrowserName::Default),
            context: (!options.no_isolation).then(|| BrowserContext {
                key: id.clone(),
                label: format!("GCP {project}"),
            }),
            id,
        })
    }

    /// The configured tenant of that name (its domain or id, in any case).
    pub fn tenant(&self, name: &str) -> Result<&'a AzureTenantConfig, LaunchError> {
        self.config
            .tenant(name)
            .ok_or_else(|| LaunchError::UnknownTenant {
                tenant: name.to_owned(),
                config: self.config_path.display().to_string(),
            })
    }
}
