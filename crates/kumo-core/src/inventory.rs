//! Every target across clouds: at once from the caches, or refreshed from every org,
//! tenant and Google Cloud concurrently, where one source failing leaves the others'
//! results (and its own cached ones) in place.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::aws::org::OrgClient;
use crate::aws::sign_in::Interaction;
use crate::cache;
use crate::config::Config;
use crate::context::Context;
use crate::environment::Environment;
use crate::feedback::Feedback;
use crate::targets::{self, Target};

/// A listing that failed, named for the person: "AWS org `acme`", "Azure tenant `…`".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceError {
    pub source: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Inventory {
    pub targets: Vec<Target>,
    pub errors: Vec<SourceError>,
}

/// What a refresh changed, by target id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

pub fn changes(before: &[Target], after: &[Target]) -> Changes {
    let old: BTreeSet<&str> = before.iter().map(|t| t.id.as_str()).collect();
    let new: BTreeSet<&str> = after.iter().map(|t| t.id.as_str()).collect();
    Changes {
        added: new.difference(&old).map(|s| s.to_string()).collect(),
        removed: old.difference(&new).map(|s| s.to_string()).collect(),
    }
}

/// Every cached target: AWS, then Azure, then Google Cloud. Reads files only.
pub fn cached(config: &Config, env: &Environment) -> Inventory {
    let mut inventory = Inventory::default();
    for org in &config.aws {
        match cache::load(env, org.name.as_str(), org.start_url.as_str()) {
            Ok(Some(listing)) => inventory.targets.extend(targets::from_cache(&listing)),
            Ok(None) => {}
            Err(e) => inventory.errors.push(SourceError {
                source: format!("AWS org `{}`", org.name),
                message: e.to_string(),
            }),
        }
    }
    for tenant in &config.azure {
        if let Some(subscriptions) = crate::azure::load_cache(env, tenant) {
            inventory
                .targets
                .extend(targets::from_subscriptions(&subscriptions));
        }
    }
    if config.gcp.is_some()
        && let Some(projects) = crate::gcp::load_cache(env)
    {
        inventory.targets.extend(targets::from_projects(&projects));
    }
    inventory
}

/// Lists every source again, all at once, saving each one's cache as it succeeds, and
/// says what changed since the caches. A failed source keeps its cached targets in the
/// result and reports its error. Never prompts: sources without a session say how to
/// sign in.
pub async fn refresh(ctx: &Context, feedback: &dyn Feedback) -> (Inventory, Changes) {
    let (config, env, store) = (&ctx.config, &ctx.env, ctx.store.as_ref());
    let before = cached(config, env);
    let aws = config.aws.iter().map(|org| async move {
        let listed = OrgClient::new(org, env, store)
            .relist(env, &Interaction::None, feedback)
            .await;
        (
            format!("AWS org `{}`", org.name),
            listed
                .map(|fresh| targets::from_cache(&fresh))
                .map_err(|e| e.to_string()),
        )
    });
    let azure = config.azure.iter().map(|tenant| async move {
        let listed = crate::azure::relist(tenant, store, env).await;
        (
            format!("Azure tenant `{}`", tenant.tenant),
            listed
                .map(|subs| targets::from_subscriptions(&subs))
                .map_err(|e| e.to_string()),
        )
    });
    let gcp = config.gcp.iter().map(|gcp| async move {
        let listed = crate::gcp::relist(ctx, gcp).await;
        (
            "Google Cloud".to_owned(),
            listed
                .map(|projects| targets::from_projects(&projects))
                .map_err(|e| e.to_string()),
        )
    });
    let (aws, azure, gcp) = futures::join!(
        futures::future::join_all(aws),
        futures::future::join_all(azure),
        futures::future::join_all(gcp)
    );
    let mut inventory = Inventory::default();
    for (source, result) in aws.into_iter().chain(azure).chain(gcp) {
        match result {
            Ok(targets) => inventory.targets.extend(targets),
            Err(message) => {
                inventory.errors.push(SourceError {
                    source: source.clone(),
                    message,
                });
                // What this source had before still opens: keep it listed.
                inventory.targets.extend(
                    before
                        .targets
                        .iter()
                        .filter(|t| belongs_to(t, &source))
                        .cloned(),
                );
            }
        }
    }
    let changes = changes(&before.targets, &inventory.targets);
    (inventory, changes)
}

fn belongs_to(target: &Target, source: &str) -> bool {
    match target.cloud {
        "aws" => source == format!("AWS org `{}`", target.org),
        "azure" => source == format!("Azure tenant `{}`", target.tenant),
        _ => source == "Google Cloud",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(id: &str) -> Target {
        Target {
            id: id.into(),
            cloud: "aws",
            ..Target::default()
        }
    }

    #[test]
    fn changes_name_what_was_added_and_removed() {
        let before = [target("a"), target("b")];
        let after = [target("b"), target("c")];
        assert_eq!(
            changes(&before, &after),
            Changes {
                added: vec!["c".into()],
                removed: vec!["a".into()],
            }
        );
    }

    #[test]
    fn a_config_without_caches_has_no_targets() {
        let dir = tempfile::tempdir().unwrap();
        let env = Environment::from_pairs([("XDG_CACHE_HOME", dir.path().display().to_string())]);
        let config = Config::parse(
            "[[aws]]\nname = \"acme\"\nstart_url = \"https://acme.awsapps.com/start\"\nregion = \"eu-west-1\"\n",
            std::path::Path::new("c.toml"),
        )
        .unwrap();
        assert_eq!(cached(&config, &env), Inventory::default());
    }
}
