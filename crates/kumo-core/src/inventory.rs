//! Every target across clouds: at once from the caches, or refreshed from every org,
//! tenant and Google Cloud concurrently, where one source failing leaves the others'
//! results (and its own cached ones) in place.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::cache;
use crate::config::Config;
use crate::environment::Environment;
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

pub(crate) fn belongs_to(target: &Target, source: &str) -> bool {
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
