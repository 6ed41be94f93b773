//! Every target across clouds: at once from the caches, or listed again from every org,
//! tenant and Google Cloud concurrently, with what each relisting added and removed.
//! One source failing leaves the others' results in place.

use std::future::Future;

use serde::Serialize;

use super::provider::{Configured, providers};
use super::{Changes, Error, Feedback, Kumo, Prompt, Target};
use crate::aws::org::OrgClient;
use crate::aws::sign_in::Interaction;
use crate::aws::{AwsError, select_org};
use crate::cache::{self, OrgCache};
use crate::config::AwsOrg;
use crate::target::list as targets;

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

/// One source's part of a listing.
struct Sourced {
    /// The source as a person names it: "AWS org `acme`", "Google Cloud".
    source: String,
    /// The org of an AWS source, whose relisting is reported.
    org: Option<String>,
    /// What the cache held when the source was listed again.
    before: Option<Vec<Target>>,
    now: Result<Vec<Target>, Error>,
}

impl Sourced {
    /// The source's targets from its cache, unless `refresh` asks or there is none: then
    /// from `relist`, which is not started otherwise.
    async fn of(
        source: String,
        org: Option<String>,
        cached: Result<Option<Vec<Target>>, Error>,
        refresh: bool,
        relist: impl Future<Output = Result<Vec<Target>, Error>>,
    ) -> Self {
        let (before, now) = match cached {
            Err(e) => (None, Err(e)),
            Ok(Some(cached)) if !refresh => (None, Ok(cached)),
            Ok(before) => (before, relist.await),
        };
        Sourced {
            source,
            org,
            before,
            now,
        }
    }
}

impl Kumo {
    /// Every cached target: AWS, then Azure, then Google Cloud. Reads files only.
    pub fn cached(&self) -> Listing {
        let mut listing = Listing::default();
        for source in providers(&self.ctx.config) {
            match source.cached(&self.ctx) {
                Ok(targets) => listing.targets.extend(targets.into_iter().flatten()),
                Err(error) => listing.errors.push(SourceError {
                    source: source.source(),
                    error,
                }),
            }
        }
        self.mark_privileged(&mut listing.targets);
        listing
    }

    /// The providers with targets that `request` names. AWS is the default cloud: with
    /// nothing else configured, its "no org" error is the answer.
    fn sources(&self, request: &ListRequest<'_>) -> Result<Vec<Configured<'_>>, Error> {
        let config = &self.ctx.config;
        let wants = |cloud: Cloud| request.cloud.is_none_or(|c| c == cloud);
        if request.org.is_some()
            || (config.aws.is_empty() && config.azure.is_empty() && config.gcp.is_none())
        {
            return if wants(Cloud::Aws) {
                Ok(self
                    .orgs(request.org)?
                    .into_iter()
                    .map(Configured::Aws)
                    .collect())
            } else {
                Ok(Vec::new())
            };
        }
        Ok(providers(config)
            .into_iter()
            .filter(|source| match source {
                Configured::Identity(_) => false,
                Configured::Aws(_) => wants(Cloud::Aws),
                Configured::Azure(_) => wants(Cloud::Azure),
                Configured::Gcp(_) => wants(Cloud::Gcp),
            })
            .collect())
    }

    /// What `request` names, each source at the same time as the others: from its cache,
    /// or listed again when it has none or `refresh` asks (then cached).
    pub async fn list(&self, request: &ListRequest<'_>, feedback: &dyn Feedback) -> Listing {
        let mut listing = Listing::default();
        let sources = match self.sources(request) {
            Ok(sources) => sources,
            Err(error) => {
                listing.errors.push(SourceError {
                    source: "AWS".into(),
                    error,
                });
                Vec::new()
            }
        };
        let browser = self.sign_in_browser().ok();
        let listed = sources.iter().map(|source| async {
            let org = match source {
                Configured::Aws(org) => Some(*org),
                _ => None,
            };
            // Only an AWS org may sign in again on the way; the others say so.
            let interaction = match (org, &browser) {
                (Some(org), Some(browser)) => {
                    self.interaction(request.prompt, org, browser.as_ref(), feedback)
                }
                _ => Interaction::None,
            };
            Sourced::of(
                source.source(),
                org.map(|org| org.name.to_string()),
                source.cached(&self.ctx),
                request.refresh,
                source.relist(&self.ctx, &interaction, feedback),
            )
            .await
        });
        let mut before = Vec::new();
        for sourced in futures::future::join_all(listed).await {
            match sourced.now {
                Ok(now) => {
                    if let (Some(org), Some(before)) = (sourced.org, &sourced.before) {
                        let changes = targets::changes(before, &now);
                        listing.relisted.push(Relisted {
                            org,
                            roles: now.len(),
                            added: changes.added,
                            removed: changes.removed,
                        });
                    }
                    listing.targets.extend(now);
                }
                Err(error) => {
                    if request.keep_stale {
                        // What this source had before still opens: keep it listed.
                        listing
                            .targets
                            .extend(sourced.before.iter().flatten().cloned());
                    }
                    listing.errors.push(SourceError {
                        source: sourced.source,
                        error,
                    });
                }
            }
            before.extend(sourced.before.into_iter().flatten());
        }
        if request.refresh {
            listing.changes = targets::changes(&before, &listing.targets);
        }
        self.mark_privileged(&mut listing.targets);
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

    /// The org's accounts and roles: from the cache, or listed from AWS (then cached)
    /// when there is none.
    pub(super) async fn org_listing(
        &self,
        org: &AwsOrg,
        interaction: &Interaction<'_>,
        feedback: &dyn Feedback,
    ) -> Result<OrgCache, Error> {
        let env = &self.ctx.env;
        if let Some(cached) = cache::load(env, org.name.as_str(), org.start_url.as_str())? {
            return Ok(cached);
        }
        let client = OrgClient::new(org, env, self.ctx.store.as_ref());
        Ok(client.relist(env, interaction, feedback).await?)
    }

    /// Targets matching `query` fuzzily, best first; all of them for an empty query.
    pub fn search(targets: Vec<Target>, query: &str) -> Vec<Target> {
        targets::search(targets, query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::context::Context;
    use crate::environment::Environment;

    #[test]
    fn a_config_without_caches_has_no_targets() {
        let dir = tempfile::tempdir().unwrap();
        let env = Environment::from_pairs([("XDG_CACHE_HOME", dir.path().display().to_string())]);
        let config = Config::parse(
            "[[aws]]\nname = \"acme\"\nstart_url = \"https://acme.awsapps.com/start\"\nregion = \"eu-west-1\"\n",
            std::path::Path::new("c.toml"),
        )
        .unwrap();
        let kumo = Kumo::over(Context::in_memory(env, config).0);
        assert_eq!(kumo.cached(), Listing::default());
    }
}
