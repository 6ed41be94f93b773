//! Targets: the one typed id of what a person can open, with the one parser and the one
//! formatter of its public form, and the listing of targets ([`list`]).
//!
//! - `aws:<org>/<account>/<role>`: an Identity Center role; `<org>/` may be left out when
//!   one org is configured, and `<account>` may be the account's name.
//! - `azure:<tenant>/<subscription id>`: an Azure subscription.
//! - `gcp:<project id>`: a Google Cloud project.

pub mod list;

use std::fmt;
use std::path::Path;

use crate::aws::{AwsError, select_org};
use crate::cache::{self, OrgCache};
use crate::config::{AwsOrg, Config};
use crate::environment::Environment;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TargetId {
    Aws {
        org: Option<String>,
        /// The account id, or the account's name.
        account: String,
        role: String,
    },
    Azure {
        tenant: String,
        subscription: String,
    },
    Gcp {
        project: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("`{text}` is not a target: {reason}")]
    Malformed { text: String, reason: &'static str },
    #[error(
        "`{0}` has no role credentials: credentials are for AWS roles; Azure and Google Cloud sign in through their own CLIs"
    )]
    NoCredentials(String),
    #[error("no account `{account}` in org `{org}`")]
    UnknownAccount { org: String, account: String },
    #[error("the name `{account}` matches several accounts in `{org}` ({ids}): use the account id")]
    AmbiguousAccount {
        org: String,
        account: String,
        ids: String,
    },
    #[error(transparent)]
    Aws(#[from] AwsError),
}

const AWS_FORM: &str = "an AWS target starts with `aws:`, like aws:acme/123456789012/ReadOnly";

impl TargetId {
    /// The canonical id of a role, as listings and records carry it.
    pub fn aws(org: &str, account_id: &str, role: &str) -> Self {
        Self::Aws {
            org: Some(org.to_owned()),
            account: account_id.to_owned(),
            role: role.to_owned(),
        }
    }

    pub fn azure(tenant: &str, subscription: &str) -> Self {
        Self::Azure {
            tenant: tenant.to_owned(),
            subscription: subscription.to_owned(),
        }
    }

    pub fn gcp(project: &str) -> Self {
        Self::Gcp {
            project: project.to_owned(),
        }
    }

    /// Any target in its public form.
    pub fn parse(text: &str) -> Result<Self, TargetError> {
        let malformed = |reason| TargetError::Malformed {
            text: text.to_owned(),
            reason,
        };
        if let Some(rest) = text.strip_prefix("azure:") {
            return match rest.split_once('/') {
                Some((tenant, subscription))
                    if !tenant.is_empty()
                        && !subscription.is_empty()
                        && !subscription.contains('/') =>
                {
                    Ok(Self::azure(tenant, subscription))
                }
                _ => Err(malformed(
                    "write an Azure target as azure:<tenant>/<subscription id>",
                )),
            };
        }
        if let Some(project) = text.strip_prefix("gcp:") {
            return if project.is_empty() || project.contains('/') {
                Err(malformed("write a Google Cloud target as gcp:<project id>"))
            } else {
                Ok(Self::gcp(project))
            };
        }
        if text.starts_with("aws:") {
            return Self::parse_aws(text);
        }
        Err(malformed(
            "a target starts with `aws:`, `azure:` or `gcp:`, like aws:acme/123456789012/ReadOnly",
        ))
    }

    /// An AWS target only, for what only AWS has (role credentials, profiles).
    pub fn parse_aws(text: &str) -> Result<Self, TargetError> {
        let malformed = |reason| TargetError::Malformed {
            text: text.to_owned(),
            reason,
        };
        let rest = text
            .strip_prefix("aws:")
            .ok_or_else(|| malformed(AWS_FORM))?;
        let parts: Vec<&str> = rest.split('/').collect();
        let (org, account, role) = match parts[..] {
            [org, account, role] => (Some(org), account, role),
            [account, role] => (None, account, role),
            _ => {
                return Err(malformed(
                    "write it as aws:<org>/<account>/<role> (or aws:<account>/<role> with one org)",
                ));
            }
        };
        if org.is_some_and(str::is_empty) || account.is_empty() || role.is_empty() {
            return Err(malformed("the org, account and role must not be empty"));
        }
        Ok(Self::Aws {
            org: org.map(str::to_owned),
            account: account.to_owned(),
            role: role.to_owned(),
        })
    }

    /// `aws`, `azure` or `gcp`: the `cloud` of a listed target.
    pub fn cloud(&self) -> &'static str {
        match self {
            Self::Aws { .. } => "aws",
            Self::Azure { .. } => "azure",
            Self::Gcp { .. } => "gcp",
        }
    }
}

impl fmt::Display for TargetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Aws {
                org: Some(org),
                account,
                role,
            } => write!(f, "aws:{org}/{account}/{role}"),
            Self::Aws {
                org: None,
                account,
                role,
            } => write!(f, "aws:{account}/{role}"),
            Self::Azure {
                tenant,
                subscription,
            } => write!(f, "azure:{tenant}/{subscription}"),
            Self::Gcp { project } => write!(f, "gcp:{project}"),
        }
    }
}

/// An AWS role resolved against the config and, for an account named by name, the listing.
#[derive(Debug)]
pub struct AwsRole<'a> {
    pub org: &'a AwsOrg,
    pub account_id: String,
    pub role: String,
    /// The org's listing, when it was needed and is cached.
    pub listing: Option<OrgCache>,
}

impl AwsRole<'_> {
    pub fn id(&self) -> TargetId {
        TargetId::aws(self.org.name.as_str(), &self.account_id, &self.role)
    }

    /// The account's listed name, else its id.
    pub fn account_name(&self) -> &str {
        self.listing
            .as_ref()
            .and_then(|l| l.accounts.iter().find(|a| a.id == self.account_id))
            .map_or(self.account_id.as_str(), |a| a.name.as_str())
    }
}

/// The role an AWS TARGET names: its org (the only one when left out) and its account
/// id, a name being looked up in the org's cached listing.
pub fn resolve_aws<'a>(
    text: &str,
    config: &'a Config,
    config_path: &Path,
    env: &Environment,
) -> Result<AwsRole<'a>, TargetError> {
    // Where only AWS is meant, a malformed id is told the AWS form.
    let parsed = TargetId::parse(text).or_else(|_| TargetId::parse_aws(text))?;
    let TargetId::Aws { org, account, role } = parsed else {
        return Err(TargetError::NoCredentials(text.to_owned()));
    };
    let org = select_org(config, org.as_deref(), config_path)?;
    // An id needs no listing: the fast path of `credential_process` reads none.
    let listing = if is_account_id(&account) {
        None
    } else {
        load_listing(org, env)?
    };
    let account_id = account_id(&account, org.name.as_str(), listing.as_ref())?;
    Ok(AwsRole {
        org,
        account_id,
        role,
        listing,
    })
}

/// The org's cached listing, if any.
pub fn load_listing(org: &AwsOrg, env: &Environment) -> Result<Option<OrgCache>, TargetError> {
    Ok(cache::load(env, org.name.as_str(), org.start_url.as_str()).map_err(AwsError::from)?)
}

fn is_account_id(account: &str) -> bool {
    account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())
}

/// The account id: `account` itself, or the id of the one account so named (exactly,
/// else ignoring case).
fn account_id(account: &str, org: &str, listing: Option<&OrgCache>) -> Result<String, TargetError> {
    if is_account_id(account) {
        return Ok(account.to_owned());
    }
    let accounts = listing.map(|c| c.accounts.as_slice()).unwrap_or_default();
    let named = |exact: bool| -> Vec<&str> {
        accounts
            .iter()
            .filter(|a| {
                if exact {
                    a.name == account
                } else {
                    a.name.eq_ignore_ascii_case(account)
                }
            })
            .map(|a| a.id.as_str())
            .collect()
    };
    let exact = named(true);
    let matches = if exact.is_empty() {
        named(false)
    } else {
        exact
    };
    match matches[..] {
        [] => Err(TargetError::UnknownAccount {
            org: org.to_owned(),
            account: account.to_owned(),
        }),
        [id] => Ok(id.to_owned()),
        _ => Err(TargetError::AmbiguousAccount {
            org: org.to_owned(),
            account: account.to_owned(),
            ids: matches.join(", "),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::Account;

    #[test]
    fn every_public_form_parses_and_formats_back_unchanged() {
        for text in [
            "aws:acme/123456789012/ReadOnly",
            "aws:payments-prod/Admin",
            "azure:contoso.onmicrosoft.com/0000-1111",
            "gcp:web-prod",
        ] {
            assert_eq!(TargetId::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn a_full_aws_target_parses_into_its_parts() {
        assert_eq!(
            TargetId::parse("aws:acme/123456789012/ReadOnly").unwrap(),
            TargetId::aws("acme", "123456789012", "ReadOnly")
        );
    }

    #[test]
    fn the_org_may_be_left_out() {
        assert_eq!(
            TargetId::parse_aws("aws:payments-prod/Admin").unwrap(),
            TargetId::Aws {
                org: None,
                account: "payments-prod".into(),
                role: "Admin".into()
            }
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
            "azure:t",
            "azure:/s",
            "azure:t/s/x",
            "gcp:",
            "gcp:a/b",
        ] {
            let err = TargetId::parse(bad).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("`{bad}` is not a target: ")),
                "{err}"
            );
        }
    }

    #[test]
    fn only_an_aws_target_is_taken_where_aws_is_meant() {
        assert_eq!(
            TargetId::parse_aws("gcp:web").unwrap_err().to_string(),
            "`gcp:web` is not a target: an AWS target starts with `aws:`, like aws:acme/123456789012/ReadOnly"
        );
    }

    #[test]
    fn a_subscription_or_project_has_no_role_to_resolve() {
        let config = Config::default();
        let env = Environment::default();
        let err = resolve_aws("gcp:web", &config, Path::new("c"), &env).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`gcp:web` has no role credentials: credentials are for AWS roles; Azure and Google Cloud sign in through their own CLIs"
        );
    }

    #[test]
    fn each_target_names_its_cloud() {
        let clouds: Vec<&str> = ["aws:a/1/R", "azure:t/s", "gcp:p"]
            .into_iter()
            .map(|t| TargetId::parse(t).unwrap().cloud())
            .collect();
        assert_eq!(clouds, ["aws", "azure", "gcp"]);
    }

    fn listing() -> OrgCache {
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
    fn an_account_name_resolves_through_the_listing_ignoring_case() {
        assert_eq!(
            account_id("payments", "acme", Some(&listing())).unwrap(),
            "111111111111"
        );
    }

    #[test]
    fn an_account_id_needs_no_listing() {
        assert_eq!(
            account_id("444444444444", "acme", None).unwrap(),
            "444444444444"
        );
    }

    #[test]
    fn an_unknown_or_ambiguous_name_is_an_error() {
        assert_eq!(
            account_id("nope", "acme", Some(&listing()))
                .unwrap_err()
                .to_string(),
            "no account `nope` in org `acme`"
        );
        assert_eq!(
            account_id("dup", "acme", Some(&listing()))
                .unwrap_err()
                .to_string(),
            "the name `dup` matches several accounts in `acme` (222222222222, 333333333333): use the account id"
        );
    }
}
