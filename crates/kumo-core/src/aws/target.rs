//! Target ids of AWS roles: `aws:<org>/<account-id or account-name>/<role>`, where
//! `<org>/` may be left out when one org is configured.

use std::path::Path;

use crate::aws::{AwsError, select_org};
use crate::cache::OrgCache;
use crate::config::{AwsOrg, Config};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetSpec {
    pub org: Option<String>,
    pub account: String,
    pub role: String,
}

impl TargetSpec {
    pub fn parse(text: &str) -> Result<Self, AwsError> {
        let bad = |reason: &str| AwsError::BadTarget {
            target: text.to_owned(),
            reason: reason.to_owned(),
        };
        let Some(rest) = text.strip_prefix("aws:") else {
            return Err(bad(
                "an AWS target starts with `aws:`, like aws:acme/123456789012/ReadOnly",
            ));
        };
        let parts: Vec<&str> = rest.split('/').collect();
        let (org, account, role) = match parts[..] {
            [org, account, role] => (Some(org), account, role),
            [account, role] => (None, account, role),
            _ => {
                return Err(bad(
                    "write it as aws:<org>/<account>/<role> (or aws:<account>/<role> with one org)",
                ));
            }
        };
        if org.is_some_and(str::is_empty) || account.is_empty() || role.is_empty() {
            return Err(bad("the org, account and role must not be empty"));
        }
        Ok(Self {
            org: org.map(str::to_owned),
            account: account.to_owned(),
            role: role.to_owned(),
        })
    }

    pub fn org<'a>(&self, config: &'a Config, config_path: &Path) -> Result<&'a AwsOrg, AwsError> {
        select_org(config, self.org.as_deref(), config_path)
    }

    /// Whether the account part is an account id, usable without a cached listing.
    pub fn account_is_id(&self) -> bool {
        self.account.len() == 12 && self.account.bytes().all(|b| b.is_ascii_digit())
    }

    /// The account id: the account part itself, or the id of the account so named.
    pub fn account_id(&self, org: &str, cache: Option<&OrgCache>) -> Result<String, AwsError> {
        if self.account_is_id() {
            return Ok(self.account.clone());
        }
        let unknown = || AwsError::UnknownAccount {
            org: org.to_owned(),
            account: self.account.clone(),
        };
        let accounts = cache.map(|c| c.accounts.as_slice()).unwrap_or_default();
        let exact: Vec<&str> = accounts
            .iter()
            .filter(|a| a.name == self.account)
            .map(|a| a.id.as_str())
            .collect();
        let matches = if exact.is_empty() {
            accounts
                .iter()
                .filter(|a| a.name.eq_ignore_ascii_case(&self.account))
                .map(|a| a.id.as_str())
                .collect()
        } else {
            exact
        };
        match matches[..] {
            [] => Err(unknown()),
            [id] => Ok(id.to_owned()),
            _ => Err(AwsError::AmbiguousAccount {
                org: org.to_owned(),
                account: self.account.clone(),
                ids: matches.join(", "),
            }),
        }
    }
}

/// The canonical id of a role target.
pub fn target_id(org: &str, account_id: &str, role: &str) -> String {
    format!("aws:{org}/{account_id}/{role}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::Account;

    #[test]
    fn a_full_target_parses() {
        assert_eq!(
            TargetSpec::parse("aws:acme/123456789012/ReadOnly").unwrap(),
            TargetSpec {
                org: Some("acme".into()),
                account: "123456789012".into(),
                role: "ReadOnly".into()
            }
        );
    }

    #[test]
    fn the_org_may_be_left_out() {
        let t = TargetSpec::parse("aws:payments-prod/Admin").unwrap();
        assert_eq!(
            (t.org, t.account.as_str(), t.role.as_str()),
            (None, "payments-prod", "Admin")
        );
    }

    #[test]
    fn targets_of_other_shapes_are_refused_with_the_form_to_use() {
        for bad in [
            "acme/1/Admin",
            "aws:",
            "aws:a/b/c/d",
            "aws:acme//Admin",
            "aws:/1/Admin",
        ] {
            let err = TargetSpec::parse(bad).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("`{bad}` is not a target: ")),
                "{err}"
            );
        }
    }

    fn cache() -> OrgCache {
        let account = |id: &str, name: &str| Account {
            id: id.into(),
            name: name.into(),
            email: String::new(),
            roles: vec![],
        };
        OrgCache::new(
            "acme",
            "u",
            0,
            vec![
                account("111111111111", "Payments"),
                account("222222222222", "dup"),
                account("333333333333", "dup"),
            ],
        )
    }

    #[test]
    fn an_account_name_resolves_through_the_cache_ignoring_case() {
        let t = TargetSpec::parse("aws:payments/Admin").unwrap();
        assert_eq!(
            t.account_id("acme", Some(&cache())).unwrap(),
            "111111111111"
        );
    }

    #[test]
    fn an_account_id_needs_no_cache() {
        let t = TargetSpec::parse("aws:444444444444/Admin").unwrap();
        assert_eq!(t.account_id("acme", None).unwrap(), "444444444444");
    }

    #[test]
    fn an_unknown_or_ambiguous_name_is_an_error() {
        let unknown = TargetSpec::parse("aws:nope/Admin")
            .unwrap()
            .account_id("acme", Some(&cache()))
            .unwrap_err();
        assert_eq!(unknown.to_string(), "no account `nope` in org `acme`");
        let dup = TargetSpec::parse("aws:dup/Admin")
            .unwrap()
            .account_id("acme", Some(&cache()))
            .unwrap_err();
        assert_eq!(
            dup.to_string(),
            "the name `dup` matches several accounts in `acme` (222222222222, 333333333333): use the account id"
        );
    }
}
