//! The guard on privileged targets: which targets are privileged (globs on AWS role
//! names, on Azure subscription and Google Cloud project tags and names, from `[guard]`
//! with per-org, per-tenant and `[gcp]` overrides), and the elevations that open one for
//! a while, with a reason. Guard rails and a record on the developer's machine: least
//! privilege itself is enforced by Identity Center permission sets and Entra roles.

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::environment::Environment;
use crate::lock::FileLock;
use crate::target::list::Target;

/// `*` matches any run of characters, `?` any one; case is ignored.
pub fn glob(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.to_lowercase().chars().collect();
    let text: Vec<char> = text.to_lowercase().chars().collect();
    // The classic two-pointer match with backtracking to the last `*`.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// Whether an AWS role of `org` is privileged.
pub fn is_privileged_role(config: &Config, org: &str, role: &str) -> bool {
    let patterns = config
        .org(org)
        .and_then(|o| o.privileged.as_ref())
        .unwrap_or(&config.guard.privileged);
    patterns.iter().any(|p| glob(p, role))
}

/// Whether a listed target is privileged.
pub fn is_privileged(config: &Config, target: &Target) -> bool {
    let guard = &config.guard;
    let (tags, names, candidates) = match target.cloud {
        "aws" => return is_privileged_role(config, &target.org, &target.role),
        "azure" => {
            let tenant = config.tenant(&target.tenant);
            (
                tenant.and_then(|t| t.privileged_tags.as_ref()),
                tenant.and_then(|t| t.privileged_names.as_ref()),
                [&target.subscription_name, &target.subscription_id],
            )
        }
        _ => {
            let gcp = config.gcp.as_ref();
            (
                gcp.and_then(|g| g.privileged_tags.as_ref()),
                gcp.and_then(|g| g.privileged_names.as_ref()),
                [&target.project_name, &target.project_id],
            )
        }
    };
    let tags = tags.unwrap_or(&guard.privileged_tags);
    let names = names.unwrap_or(&guard.privileged_names);
    let tagged = target
        .tags
        .iter()
        .any(|(key, value)| tags.iter().any(|p| glob(p, &format!("{key}:{value}"))));
    let named = candidates
        .iter()
        .any(|name| !name.is_empty() && names.iter().any(|p| glob(p, name)));
    tagged || named
}

/// An elevation: a privileged target opened until `expires_at`, for `reason`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Elevation {
    pub target: String,
    pub reason: String,
    pub granted_at: i64,
    pub expires_at: i64,
}

fn path(env: &Environment) -> std::path::PathBuf {
    crate::paths::state_dir(env).join("elevations.json")
}

/// The elevations still running at `now`. An unreadable file holds none: the guard
/// then refuses, which is the safe side.
pub fn active(env: &Environment, now: i64) -> Vec<Elevation> {
    let all: Vec<Elevation> = crate::cache::read(&path(env))
        .ok()
        .flatten()
        .unwrap_or_default();
    all.into_iter().filter(|e| e.expires_at > now).collect()
}

/// The running elevation of `target`, if any.
pub fn of(env: &Environment, now: i64, target: &str) -> Option<Elevation> {
    active(env, now).into_iter().find(|e| e.target == target)
}

/// Replaces the running elevations with what `change` makes of them, under a lock.
fn update(
    env: &Environment,
    now: i64,
    change: impl FnOnce(&mut Vec<Elevation>),
) -> Result<(), crate::cache::CacheError> {
    let lock = crate::paths::lock_dir(env).join("elevations.lock");
    let _lock = FileLock::acquire(&lock).map_err(|e| crate::cache::CacheError::Write {
        path: lock.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let mut all = active(env, now);
    change(&mut all);
    crate::cache::write(&path(env), &all)
}

/// Starts (or restarts) the elevation of its target.
pub fn grant(
    env: &Environment,
    now: i64,
    elevation: Elevation,
) -> Result<(), crate::cache::CacheError> {
    update(env, now, |all| {
        all.retain(|e| e.target != elevation.target);
        all.push(elevation);
    })
}

/// Ends the elevation of `target`; whether there was one.
pub fn end(env: &Environment, now: i64, target: &str) -> Result<bool, crate::cache::CacheError> {
    let mut ended = false;
    update(env, now, |all| {
        let before = all.len();
        all.retain(|e| e.target != target);
        ended = all.len() < before;
    })?;
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn a_glob_matches_runs_single_characters_and_any_case() {
        assert!(glob("*Admin*", "PowerUserAdminAccess"));
        assert!(glob("AdministratorAccess", "administratoraccess"));
        assert!(glob("*FullAccess", "AmazonS3FullAccess"));
        assert!(glob("env:prod", "env:prod"));
        assert!(glob("team:pay?", "team:pays"));
        assert!(!glob("*Admin*", "ReadOnlyAccess"));
        assert!(!glob("*FullAccess", "FullAccessDenied"));
        assert!(glob("*", ""));
    }

    fn config(text: &str) -> Config {
        Config::parse(text, std::path::Path::new("c.toml")).unwrap()
    }

    const ORG: &str = "[[aws]]\nname = \"acme\"\nstart_url = \"https://acme.awsapps.com/start\"\nregion = \"eu-west-1\"\n";

    #[test]
    fn admin_and_full_access_roles_are_privileged_by_default() {
        let config = config(ORG);
        let privileged = |role| is_privileged_role(&config, "acme", role);
        assert_eq!(
            [
                privileged("AdministratorAccess"),
                privileged("BillingAdmin"),
                privileged("AmazonEC2FullAccess"),
                privileged("ReadOnlyAccess")
            ],
            [true, true, true, false]
        );
    }

    #[test]
    fn an_org_may_name_its_own_privileged_roles() {
        let config = config(&format!("{ORG}privileged = [\"Deployer\"]\n"));
        assert!(is_privileged_role(&config, "acme", "Deployer"));
        assert!(!is_privileged_role(&config, "acme", "AdministratorAccess"));
    }

    #[test]
    fn subscriptions_and_projects_are_privileged_by_tag_or_name() {
        let config = config(
            "[guard]\nprivileged_tags = [\"env:prod\"]\nprivileged_names = [\"*-prod\"]\n\n[gcp]\n",
        );
        let project = |id: &str, env: &str| Target {
            cloud: "gcp",
            project_id: id.into(),
            project_name: id.into(),
            tags: BTreeMap::from([("env".into(), env.into())]),
            ..Target::default()
        };
        assert!(is_privileged(&config, &project("web", "prod")));
        assert!(is_privileged(&config, &project("billing-prod", "dev")));
        assert!(!is_privileged(&config, &project("web", "dev")));
    }

    #[test]
    fn elevations_run_until_they_expire_or_end() {
        let dir = tempfile::tempdir().unwrap();
        let env = Environment::from_pairs([
            (
                "XDG_STATE_HOME",
                dir.path().join("state").display().to_string(),
            ),
            (
                "XDG_RUNTIME_DIR",
                dir.path().join("run").display().to_string(),
            ),
        ]);
        let elevation = |target: &str, expires_at| Elevation {
            target: target.into(),
            reason: "INC-1".into(),
            granted_at: 100,
            expires_at,
        };
        grant(&env, 100, elevation("a", 200)).unwrap();
        grant(&env, 100, elevation("b", 400)).unwrap();
        assert_eq!(of(&env, 199, "a"), Some(elevation("a", 200)));
        assert_eq!(of(&env, 200, "a"), None);
        assert!(end(&env, 150, "b").unwrap());
        assert!(!end(&env, 150, "b").unwrap());
        assert_eq!(active(&env, 150), [elevation("a", 200)]);
    }
}
