//! Every target across clouds: at once from the caches, or refreshed from every org,
//! tenant and Google Cloud concurrently, where one source failing leaves the others'
//! results (and its own cached ones) in place.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;

use crate::aws::org::OrgClient;
use crate::aws::session::now_secs;
use crate::aws::sign_in::Interaction;
use crate::cache::{self, OrgCache};
use crate::config::Config;
use crate::environment::Environment;
use crate::feedback::Feedback;
use crate::identity::oidc;
use crate::targets::{self, Target};
use crate::vault::SecretStore;

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

/// Lists every source again, all at once, saving each one's cache as it succeeds. A
/// failed source keeps its cached targets in the result and reports its error. Never
/// prompts: sources without a session say how to sign in.
pub async fn refresh(
    config: &Config,
    config_path: &Path,
    env: &Environment,
    store: &dyn SecretStore,
    feedback: &dyn Feedback,
) -> Inventory {
    let aws = config.aws.iter().map(|org| async move {
        let source = format!("AWS org `{}`", org.name);
        let client = OrgClient::new(org, env, store);
        let listed = client.discover(&Interaction::None, feedback).await;
        match listed {
            Ok(accounts) => {
                let fresh = OrgCache::new(
                    org.name.as_str(),
                    org.start_url.as_str(),
                    now_secs(),
                    accounts,
                );
                let saved = cache::save(env, &fresh).map_err(|e| e.to_string());
                (source, saved.map(|()| targets::from_cache(&fresh)))
            }
            Err(e) => (source, Err(e.to_string())),
        }
    });
    let azure = config.azure.iter().map(|tenant| async move {
        let source = format!("Azure tenant `{}`", tenant.tenant);
        let listed = crate::azure::list_subscriptions(tenant, store).await;
        if matches!(listed, Err(crate::azure::AzureError::Expired(_))) {
            let _ = crate::azure::sign_out(tenant, store);
        }
        let result = match listed {
            Ok(subs) => crate::azure::save_cache(env, tenant, &subs)
                .map(|()| targets::from_subscriptions(&subs))
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        (source, result)
    });
    let gcp = config.gcp.iter().map(|gcp| async move {
        let listed = async {
            let identity = oidc::configured(config.identity.as_ref(), config_path)
                .map_err(|e| e.to_string())?;
            let (token, _) = oidc::access_token(identity, store)
                .await
                .map_err(|e| e.to_string())?;
            let projects = crate::gcp::list_projects(gcp, &token)
                .await
                .map_err(|e| e.to_string())?;
            crate::gcp::save_cache(env, &projects).map_err(|e| e.to_string())?;
            Ok(targets::from_projects(&projects))
        };
        ("Google Cloud".to_owned(), listed.await)
    });
    let (aws, azure, gcp) = futures::join!(
        futures::future::join_all(aws),
        futures::future::join_all(azure),
        futures::future::join_all(gcp)
    );
    let before = cached(config, env);
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
    inventory
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
