//! The listing caches: every provider's targets (AWS accounts and roles, Azure
//! subscriptions, Google Cloud projects) as JSON, so `kumo ls` answers at once. Not
//! secret; rebuilt by a refresh; written atomically.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::environment::Environment;
use crate::fsutil::write_atomic;
use crate::paths;
use crate::untrusted;

const FORMAT_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cannot write the cache {path}: {source}; check that the directory is writable")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read the cache {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub email: String,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgCache {
    pub version: u32,
    pub org: String,
    pub start_url: String,
    /// Epoch seconds.
    pub refreshed_at: i64,
    pub accounts: Vec<Account>,
}

impl Account {
    /// The account as far as it is well-formed (`source` names where it came from): an
    /// id that is not an account id drops it, a name or email that is not printable is
    /// left out, a role that is not a role name is dropped.
    pub fn checked(mut self, source: &str) -> Option<Self> {
        if !untrusted::keep_id(
            untrusted::aws_account_id,
            "the account id",
            source,
            &self.id,
        ) {
            return None;
        }
        untrusted::keep_name(&mut self.name, &self.id, "the account name", source);
        if !self.email.is_empty() && !untrusted::email(&self.email) {
            untrusted::dropped("the account email", source, &self.email);
            self.email.clear();
        }
        self.roles.retain(|role| {
            untrusted::keep_id(untrusted::aws_role_name, "the role name", source, role)
        });
        Some(self)
    }
}

impl OrgCache {
    pub fn new(org: &str, start_url: &str, refreshed_at: i64, accounts: Vec<Account>) -> Self {
        Self {
            version: FORMAT_VERSION,
            org: org.to_owned(),
            start_url: start_url.to_owned(),
            refreshed_at,
            accounts,
        }
    }

    pub fn role_count(&self) -> usize {
        self.accounts.iter().map(|a| a.roles.len()).sum()
    }
}

pub fn path(env: &Environment, org: &str) -> PathBuf {
    file(env, &format!("aws/{org}.json"))
}

/// A cache file by its name under the cache directory.
pub fn file(env: &Environment, name: &str) -> PathBuf {
    paths::cache_dir(env).join(name)
}

/// The cached listing, or `None` when there is none for this org and start URL (or it
/// is from an older format or unreadable: a refresh rebuilds it).
pub fn load(env: &Environment, org: &str, start_url: &str) -> Result<Option<OrgCache>, CacheError> {
    let path = path(env, org);
    let source = path.display().to_string();
    Ok(read::<OrgCache>(&path)?
        .filter(|c| c.version == FORMAT_VERSION && c.start_url == start_url)
        .map(|mut c| {
            // Any local process can edit the file: it is checked like a server's answer.
            c.accounts = std::mem::take(&mut c.accounts)
                .into_iter()
                .filter_map(|a| a.checked(&source))
                .collect();
            c
        }))
}

/// A cache's content: `None` when there is none, or it does not parse (a refresh
/// rebuilds it); an error only when it exists and cannot be read.
pub fn read<T: DeserializeOwned>(path: &Path) -> Result<Option<T>, CacheError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(CacheError::Read {
            path: path.to_owned(),
            source,
        }),
    }
}

pub fn save(env: &Environment, cache: &OrgCache) -> Result<(), CacheError> {
    write(&path(env, &cache.org), cache)
}

/// Replaces a cache atomically.
pub fn write<T: Serialize + ?Sized>(path: &Path, content: &T) -> Result<(), CacheError> {
    let bytes = serde_json::to_vec(content).expect("a listing serializes");
    let err = |source| CacheError::Write {
        path: path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent() {
        crate::fsutil::private_dir(dir).map_err(err)?;
    }
    write_atomic(path, &bytes).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: &str, roles: &[&str]) -> Account {
        Account {
            id: id.into(),
            name: format!("n{id}"),
            email: String::new(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
        }
    }

    #[test]
    fn a_saved_cache_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let env = Environment::from_pairs([("XDG_CACHE_HOME", dir.path().to_str().unwrap())]);
        let cache = OrgCache::new(
            "acme",
            "https://a/start",
            5,
            vec![account("111111111111", &["Admin"])],
        );
        save(&env, &cache).unwrap();
        assert_eq!(load(&env, "acme", "https://a/start").unwrap(), Some(cache));
        assert!(dir.path().join("kumo/aws/acme.json").exists());
    }

    #[test]
    fn a_cache_of_another_start_url_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let env = Environment::from_pairs([("XDG_CACHE_HOME", dir.path().to_str().unwrap())]);
        save(&env, &OrgCache::new("acme", "https://a/start", 5, vec![])).unwrap();
        assert_eq!(load(&env, "acme", "https://b/start").unwrap(), None);
    }

    #[test]
    fn a_garbled_cache_counts_as_none() {
        let dir = tempfile::tempdir().unwrap();
        let env = Environment::from_pairs([("XDG_CACHE_HOME", dir.path().to_str().unwrap())]);
        std::fs::create_dir_all(dir.path().join("kumo/aws")).unwrap();
        std::fs::write(dir.path().join("kumo/aws/acme.json"), "{garbage").unwrap();
        assert_eq!(load(&env, "acme", "https://a/start").unwrap(), None);
    }

    #[test]
    fn an_edited_cache_loses_what_is_not_well_formed() {
        let dir = tempfile::tempdir().unwrap();
        let env = Environment::from_pairs([("XDG_CACHE_HOME", dir.path().to_str().unwrap())]);
        let mut hostile = account("111111111111", &["Admin\n[default]", "ReadOnly"]);
        hostile.name = "prod\u{1b}[2J".into();
        hostile.email = "a@b.c\ncredential_process = sh".into();
        let cache = OrgCache::new(
            "acme",
            "https://a/start",
            5,
            vec![hostile, account("1;rm -rf ~", &["Admin"])],
        );
        save(&env, &cache).unwrap();
        let loaded = load(&env, "acme", "https://a/start").unwrap().unwrap();
        assert_eq!(
            loaded.accounts,
            [Account {
                id: "111111111111".into(),
                name: "111111111111".into(),
                email: String::new(),
                roles: vec!["ReadOnly".into()],
            }]
        );
    }

    #[test]
    fn a_relisting_names_the_roles_added_and_removed() {
        let old = OrgCache::new("o", "u", 1, vec![account("1", &["A", "B"])]);
        let new = OrgCache::new(
            "o",
            "u",
            2,
            vec![account("1", &["B"]), account("2", &["C"])],
        );
        let ids = |c: &OrgCache| crate::target::list::from_cache(c);
        assert_eq!(
            crate::target::list::changes(&ids(&old), &ids(&new)),
            crate::target::list::Changes {
                added: vec!["aws:o/2/C".into()],
                removed: vec!["aws:o/1/A".into()],
            }
        );
    }
}
