//! Every target across clouds: at once from the caches, or listed again from every org,
//! tenant and Google Cloud concurrently, with what each relisting added and removed.
//! One source failing leaves the others' results in place.

use serde::Serialize;

use super::{Changes, Error, Feedback, Kumo, Prompt, Target};
use crate::aws::org::OrgClient;
use crate::aws::sign_in::Interaction;
use crate::aws::{AwsError, select_org};
use crate::cache::{self, OrgCache};
use crate::config::{AwsOrg, AzureTenantConfig, GcpConfig};
use crate::inventory;
use crate::targets;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cloud {
    Aws,
    Azure,
    Gcp,
}

impl Cloud {
    pub const NAMES: [&'static str; 3] = ["aws", "azure", "gcp"];

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "aws" => Some(Cloud::Aws),
            "azure" => Some(Cloud::Azure),
            "gcp" => Some(Cloud::Gcp),
            _ => None,
        }
    }
}

/// What to list, and how.
#[derive(Debug, Clone, Copy)]
pub struct ListRequest<'a> {
    /// Only this AWS org.
    pub org: Option<&'a str>,
    pub cloud: Option<Cloud>,
    /// List again from the clouds, even where a cache exists.
    pub refresh: bool,
    /// A source that fails to list again keeps its cached targets in the result.
    pub keep_stale: bool,
    pub prompt: Prompt,
}

/// A listing that failed, named for the person: "AWS org `acme`", "Azure tenant `…`".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceError {
    pub source: String,
    #[serde(flatten)]
    pub error: Error,
}

/// What listing one AWS org again found, against its cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relisted {
    pub org: String,
    pub roles: usize,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    pub targets: Vec<Target>,
    pub errors: Vec<SourceError>,
    /// Each AWS org listed again while it had a cache.
    pub relisted: Vec<Relisted>,
    /// Every target added or removed since the caches.
    pub changes: Changes,
}

/// One source's result: its targets, and for a relisted org what changed.
type Listed = Result<(Vec<Target>, Option<Relisted>), Error>;

impl Kumo {
    /// Every cached target: AWS, then Azure, then Google Cloud. Reads files only.
    pub fn cached(&self) -> Listing {
        let cached = inventory::cached(&self.ctx.config, &self.ctx.env);
        Listing {
            targets: cached.targets,
            errors: cached
                .errors
                .into_iter()
                .map(|e| SourceError {
                    source: e.source,
                    error: Error::new(e.message),
                })
                .collect(),
            ..Listing::default()
        }
    }

    /// What `request` names, each source at the same time as the others: from its cache,
    /// or listed again when it has none or `refresh` asks (then cached).
    pub async fn list(&self, request: &ListRequest<'_>, feedback: &dyn Feedback) -> Listing {
        let config = &self.ctx.config;
        let wants = |cloud: Cloud| request.cloud.is_none_or(|c| c == cloud);
        let only_aws = request.org.is_some();
        let azure: &[AzureTenantConfig] = if wants(Cloud::Azure) && !only_aws {
            &config.azure
        } else {
            &[]
        };
        let gcp = config
            .gcp
            .as_ref()
            .filter(|_| wants(Cloud::Gcp) && !only_aws);
        // AWS is the default cloud: with nothing else configured, its "no org" error shows.
        let mut aws_error = None;
        let mut orgs: Vec<&AwsOrg> = Vec::new();
        if wants(Cloud::Aws)
            && (only_aws || !config.aws.is_empty() || (azure.is_empty() && gcp.is_none()))
        {
            match self.orgs(request.org) {
                Ok(found) => orgs = found,
                Err(e) => aws_error = Some(e),
            }
        }
        let before = if request.keep_stale || request.refresh {
            self.cached().targets
        } else {
            Vec::new()
        };
        let browser = self.sign_in_browser().ok();
        let aws = orgs.iter().map(|org| async {
            let interaction = match &browser {
                Some(browser) => self.interaction(request.prompt, org, browser.as_ref(), feedback),
                None => Interaction::None,
            };
            let listed = self
                .org_listing(org, request.refresh, &interaction, feedback)
                .await;
            (format!("AWS org `{}`", org.name), listed)
        });
        let tenants = azure.iter().map(|tenant| async {
            let listed = self.tenant_listing(tenant, request.refresh).await;
            (format!("Azure tenant `{}`", tenant.tenant), listed)
        });
        let projects = gcp.into_iter().map(|gcp| async {
            let listed = self.project_listing(gcp, request.refresh).await;
            ("Google Cloud".to_owned(), listed)
        });
        let (aws, tenants, projects) = futures::join!(
            futures::future::join_all(aws),
            futures::future::join_all(tenants),
            futures::future::join_all(projects)
        );
        let mut listing = Listing::default();
        if let Some(error) = aws_error {
            listing.errors.push(SourceError {
                source: "AWS".into(),
                error,
            });
        }
        for (source, listed) in aws.into_iter().chain(tenants).chain(projects) {
            match listed {
                Ok((targets, relisted)) => {
                    listing.targets.extend(targets);
                    listing.relisted.extend(relisted);
                }
                Err(error) => {
                    if request.keep_stale {
                        // What this source had before still opens: keep it listed.
                        listing.targets.extend(
                            before
                                .iter()
                                .filter(|t| inventory::belongs_to(t, &source))
                                .cloned(),
                        );
                    }
                    listing.errors.push(SourceError { source, error });
                }
            }
        }
        if request.refresh {
            listing.changes = inventory::changes(&before, &listing.targets);
        }
        listing
    }

    /// The orgs a command means: the one named, or every configured one.
    pub(super) fn orgs(&self, name: Option<&str>) -> Result<Vec<&AwsOrg>, Error> {
        let ctx = &self.ctx;
        Ok(match name {
            Some(name) => vec![select_org(&ctx.config, Some(name), &ctx.config_path)?],
            None if ctx.config.aws.is_empty() => {
                return Err(AwsError::NoOrgs(ctx.config_path.display().to_string()).into());
            }
            None => ctx.config.aws.iter().collect(),
        })
    }

    /// The org's accounts and roles: from the cache, or listed from AWS when there is
    /// none or `refresh` asks (then saved).
    pub(super) async fn org_cache(
        &self,
        org: &AwsOrg,
        refresh: bool,
        interaction: &Interaction<'_>,
        feedback: &dyn Feedback,
    ) -> Result<(OrgCache, Option<OrgCache>), Error> {
        let env = &self.ctx.env;
        let old = match cache::load(env, org.name.as_str(), org.start_url.as_str())? {
            Some(cached) if !refresh => return Ok((cached, None)),
            old => old,
        };
        let client = OrgClient::new(org, env, self.ctx.store.as_ref());
        let fresh = client.relist(env, interaction, feedback).await?;
        Ok((fresh, old))
    }

    async fn org_listing(
        &self,
        org: &AwsOrg,
        refresh: bool,
        interaction: &Interaction<'_>,
        feedback: &dyn Feedback,
    ) -> Listed {
        let (fresh, old) = self.org_cache(org, refresh, interaction, feedback).await?;
        let targets = targets::from_cache(&fresh);
        let relisted = old.map(|old| {
            let changes = inventory::changes(&targets::from_cache(&old), &targets);
            Relisted {
                org: org.name.to_string(),
                roles: fresh.role_count(),
                added: changes.added,
                removed: changes.removed,
            }
        });
        Ok((targets, relisted))
    }

    async fn tenant_listing(&self, tenant: &AzureTenantConfig, refresh: bool) -> Listed {
        let env = &self.ctx.env;
        let subscriptions = match crate::azure::load_cache(env, tenant) {
            Some(cached) if !refresh => cached,
            _ => crate::azure::relist(tenant, self.ctx.store.as_ref(), env).await?,
        };
        Ok((targets::from_subscriptions(&subscriptions), None))
    }

    pub(super) async fn project_listing(&self, gcp: &GcpConfig, refresh: bool) -> Listed {
        let projects = match crate::gcp::load_cache(&self.ctx.env) {
            Some(cached) if !refresh => cached,
            _ => crate::gcp::relist(&self.ctx, gcp).await?,
        };
        Ok((targets::from_projects(&projects), None))
    }

    /// Targets matching `query` fuzzily, best first; all of them for an empty query.
    pub fn search(targets: Vec<Target>, query: &str) -> Vec<Target> {
        targets::search(targets, query)
    }
}
