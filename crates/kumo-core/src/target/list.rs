//! The list of targets a person can open, as `kumo ls` and the app show it, with fuzzy
//! search. The JSON form is a stable schema (documented in docs/CLI.md).

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config as MatcherConfig, Matcher, Utf32Str};
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::TargetId;
use crate::cache::OrgCache;

/// Version of the `kumo ls --json` document.
pub const LIST_FORMAT_VERSION: u32 = 1;

/// One thing a person can open. AWS roles fill `org`, `account_id`, `account_name` and
/// `role`; GCP projects fill `project_id` and `project_name`; Azure subscriptions fill
/// `tenant`, `tenant_name`, `subscription_id` and `subscription_name`. Empty fields are
/// left out of the JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Target {
    pub id: String,
    pub cloud: &'static str,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub org: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub account_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub account_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub role: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub project_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub project_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub tenant: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub tenant_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub subscription_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub subscription_name: String,
    /// Azure subscription tags and Google Cloud project labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Its credentials and console need an elevation (`[guard]`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub privileged: bool,
}

impl Target {
    /// A target of that id with its cloud, its other fields empty.
    fn of(id: TargetId) -> Self {
        Self {
            cloud: id.cloud(),
            id: id.to_string(),
            ..Self::default()
        }
    }

    /// What a person calls it: the account or project name.
    pub fn display_name(&self) -> &str {
        match self.cloud {
            "gcp" => &self.project_name,
            "azure" => &self.subscription_name,
            _ => &self.account_name,
        }
    }

    /// A line that tells it apart: the name, and for AWS the role.
    pub fn label(&self) -> String {
        match self.cloud {
            "aws" => format!("{} · {}", self.display_name(), self.role),
            _ => self.display_name().to_owned(),
        }
    }
}

/// Every subscription of a tenant as a target.
pub fn from_subscriptions(subscriptions: &[crate::azure::Subscription]) -> Vec<Target> {
    subscriptions
        .iter()
        .map(|s| Target {
            tenant: s.tenant.clone(),
            tenant_name: s.tenant_name.clone(),
            subscription_id: s.id.clone(),
            subscription_name: s.name.clone(),
            tags: s.tags.clone(),
            ..Target::of(TargetId::azure(&s.tenant, &s.id))
        })
        .collect()
}

/// Every Google Cloud project as a target.
pub fn from_projects(projects: &[crate::gcp::Project]) -> Vec<Target> {
    projects
        .iter()
        .map(|p| Target {
            project_id: p.id.clone(),
            project_name: p.name.clone(),
            tags: p.labels.clone(),
            ..Target::of(TargetId::gcp(&p.id))
        })
        .collect()
}

/// What a relisting changed, by target id.
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

#[derive(Debug, Serialize)]
pub struct TargetList<'a> {
    pub version: u32,
    pub targets: &'a [Target],
}

/// Every role of every cached account, in listing order.
pub fn from_cache(cache: &OrgCache) -> Vec<Target> {
    cache
        .accounts
        .iter()
        .flat_map(|a| {
            a.roles.iter().map(move |role| Target {
                org: cache.org.clone(),
                account_id: a.id.clone(),
                account_name: a.name.clone(),
                role: role.clone(),
                ..Target::of(TargetId::aws(&cache.org, &a.id, role))
            })
        })
        .collect()
}

/// Targets matching `query` fuzzily (each word must match account name or id, role,
/// org, project name or id, tenant, subscription name or id, or a tag as `key:value`),
/// best first; all of them, in order, for an empty query.
pub fn search(targets: Vec<Target>, query: &str) -> Vec<Target> {
    if query.trim().is_empty() {
        return targets;
    }
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(MatcherConfig::DEFAULT);
    let mut buf = Vec::new();
    let mut scored: Vec<(u32, usize, Target)> = targets
        .into_iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let mut haystack = [
                &t.account_name,
                &t.account_id,
                &t.role,
                &t.org,
                &t.project_name,
                &t.project_id,
                &t.tenant,
                &t.tenant_name,
                &t.subscription_name,
                &t.subscription_id,
            ]
            .into_iter()
            .filter(|f| !f.is_empty())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
            for (key, value) in &t.tags {
                haystack.push_str(&format!(" {key}:{value}"));
            }
            let score = pattern.score(Utf32Str::new(&haystack, &mut buf), &mut matcher)?;
            Some((score, i, t))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::Account;

    fn targets() -> Vec<Target> {
        let account = |id: &str, name: &str, roles: &[&str]| Account {
            id: id.into(),
            name: name.into(),
            email: String::new(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
        };
        from_cache(&OrgCache::new(
            "acme",
            "u",
            0,
            vec![
                account(
                    "111111111111",
                    "payments-prod",
                    &["AdministratorAccess", "ReadOnlyAccess"],
                ),
                account("222222222222", "search-dev", &["ReadOnlyAccess"]),
            ],
        ))
    }

    #[test]
    fn every_role_becomes_a_target_with_its_id() {
        let ids: Vec<String> = targets().into_iter().map(|t| t.id).collect();
        assert_eq!(
            ids,
            [
                "aws:acme/111111111111/AdministratorAccess",
                "aws:acme/111111111111/ReadOnlyAccess",
                "aws:acme/222222222222/ReadOnlyAccess"
            ]
        );
    }

    #[test]
    fn a_fuzzy_query_matches_abbreviations_across_fields() {
        let found: Vec<String> = search(targets(), "payprod admin")
            .into_iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(found, ["aws:acme/111111111111/AdministratorAccess"]);
    }

    #[test]
    fn a_query_on_the_account_id_finds_its_roles() {
        assert_eq!(search(targets(), "2222").len(), 1);
    }

    #[test]
    fn an_empty_query_keeps_everything_in_order() {
        assert_eq!(search(targets(), " "), targets());
    }

    #[test]
    fn a_query_finds_subscriptions_and_projects_by_tag() {
        let tagged = |name: &str, env: &str| crate::gcp::Project {
            id: name.into(),
            name: name.into(),
            labels: BTreeMap::from([("env".into(), env.into())]),
        };
        let projects = from_projects(&[tagged("web", "prod"), tagged("batch", "dev")]);
        let found: Vec<String> = search(projects, "env:dev")
            .into_iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(found, ["gcp:batch"]);
    }

    #[test]
    fn changes_name_what_was_added_and_removed() {
        let target = |id: &str| Target {
            id: id.into(),
            cloud: "aws",
            ..Target::default()
        };
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
    fn a_query_matching_nothing_finds_nothing() {
        assert!(search(targets(), "zzzz").is_empty());
    }
}
