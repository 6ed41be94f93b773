//! The first-run config, as the desktop app's onboarding collects it: checked field by
//! field with the config parser's own messages, then written as the config file.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::{Config, ConfigError};
use crate::fsutil::write_atomic;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub identity: Option<IdentityDraft>,
    #[serde(default)]
    pub orgs: Vec<OrgDraft>,
    #[serde(default)]
    pub tenants: Vec<TenantDraft>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityDraft {
    pub issuer: String,
    pub client_id: String,
    #[serde(default)]
    pub client_secret: String,
    #[serde(default)]
    pub hosted_domain: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgDraft {
    pub name: String,
    pub start_url: String,
    pub region: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantDraft {
    pub tenant: String,
    pub client_id: String,
}

/// A field the person must change: `orgs.0.start_url`, `identity.client_id`, …
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum OnboardingError {
    #[error("{} field(s) need a change", .0.len())]
    Invalid(Vec<FieldError>),
    #[error("{0} already exists: Kumo never overwrites a config; edit it instead")]
    Exists(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

fn quoted(value: &str) -> String {
    toml::Value::String(value.to_owned()).to_string()
}

fn identity_toml(d: &IdentityDraft) -> String {
    let mut text = String::from("[identity]\n");
    if !d.issuer.trim().is_empty() {
        text += &format!("issuer = {}\n", quoted(d.issuer.trim()));
    }
    text += &format!("client_id = {}\n", quoted(d.client_id.trim()));
    if !d.client_secret.trim().is_empty() {
        text += &format!("client_secret = {}\n", quoted(d.client_secret.trim()));
    }
    if !d.hosted_domain.trim().is_empty() {
        text += &format!("hosted_domain = {}\n", quoted(d.hosted_domain.trim()));
    }
    text
}

fn org_toml(d: &OrgDraft) -> String {
    format!(
        "[[aws]]\nname = {}\nstart_url = {}\nregion = {}\n",
        quoted(d.name.trim()),
        quoted(d.start_url.trim()),
        quoted(d.region.trim())
    )
}

fn tenant_toml(d: &TenantDraft) -> String {
    format!(
        "[[azure]]\ntenant = {}\nclient_id = {}\n",
        quoted(d.tenant.trim()),
        quoted(d.client_id.trim())
    )
}

/// The config file's text for the draft.
pub fn to_toml(draft: &Draft) -> String {
    let mut parts = Vec::new();
    parts.extend(draft.identity.iter().map(identity_toml));
    parts.extend(draft.orgs.iter().map(org_toml));
    parts.extend(draft.tenants.iter().map(tenant_toml));
    parts.join("\n")
}

/// Every field that the config parser refuses, each table checked on its own so that
/// one mistake does not hide the next; then the whole, for mistakes across tables.
pub fn validate(draft: &Draft) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut check = |prefix: String, text: String, required: &[(&str, &str)]| {
        for (field, value) in required {
            if value.trim().is_empty() {
                errors.push(FieldError {
                    field: format!("{prefix}.{field}"),
                    message: "required".into(),
                });
                return;
            }
        }
        if let Err(ConfigError::Invalid {
            location, message, ..
        }) = Config::parse(&text, Path::new("config.toml"))
        {
            errors.push(FieldError {
                field: format!(
                    "{prefix}.{}",
                    location.field.unwrap_or_else(|| "table".into())
                ),
                message,
            });
        }
    };
    if let Some(identity) = &draft.identity {
        check(
            "identity".into(),
            identity_toml(identity),
            &[("client_id", &identity.client_id)],
        );
    }
    for (i, org) in draft.orgs.iter().enumerate() {
        check(
            format!("orgs.{i}"),
            org_toml(org),
            &[
                ("name", &org.name),
                ("start_url", &org.start_url),
                ("region", &org.region),
            ],
        );
    }
    for (i, tenant) in draft.tenants.iter().enumerate() {
        check(
            format!("tenants.{i}"),
            tenant_toml(tenant),
            &[("tenant", &tenant.tenant), ("client_id", &tenant.client_id)],
        );
    }
    if errors.is_empty()
        && draft.identity.is_none()
        && draft.orgs.is_empty()
        && draft.tenants.is_empty()
    {
        errors.push(FieldError {
            field: "orgs".into(),
            message: "add an identity, an AWS org or an Azure tenant".into(),
        });
    }
    if errors.is_empty()
        && let Err(ConfigError::Invalid { message, .. }) =
            Config::parse(&to_toml(draft), Path::new("config.toml"))
    {
        errors.push(FieldError {
            field: "config".into(),
            message,
        });
    }
    errors
}

/// Writes the draft as the config file at `path`, which must not exist yet.
pub fn write(draft: &Draft, path: &Path) -> Result<(), OnboardingError> {
    let errors = validate(draft);
    if !errors.is_empty() {
        return Err(OnboardingError::Invalid(errors));
    }
    if path.exists() {
        return Err(OnboardingError::Exists(path.display().to_string()));
    }
    write_atomic(path, to_toml(draft).as_bytes()).map_err(|source| OnboardingError::Write {
        path: path.display().to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acme() -> OrgDraft {
        OrgDraft {
            name: "acme".into(),
            start_url: "https://acme.awsapps.com/start".into(),
            region: "eu-west-1".into(),
        }
    }

    #[test]
    fn a_valid_draft_becomes_a_config_that_parses_to_it() {
        let draft = Draft {
            identity: Some(IdentityDraft {
                issuer: String::new(),
                client_id: "c.apps.googleusercontent.com".into(),
                client_secret: "s".into(),
                hosted_domain: "acme.com".into(),
            }),
            orgs: vec![acme()],
            tenants: vec![TenantDraft {
                tenant: "acme.onmicrosoft.com".into(),
                client_id: "a".into(),
            }],
        };
        assert_eq!(validate(&draft), []);
        let config = Config::parse(&to_toml(&draft), Path::new("c")).unwrap();
        assert_eq!(
            config.aws[0].start_url.as_str(),
            "https://acme.awsapps.com/start"
        );
        assert_eq!(config.azure[0].tenant.as_str(), "acme.onmicrosoft.com");
        assert_eq!(
            config.identity.unwrap().hosted_domain.as_deref(),
            Some("acme.com")
        );
    }

    #[test]
    fn each_bad_field_is_named_with_the_parsers_message() {
        let draft = Draft {
            orgs: vec![
                OrgDraft {
                    start_url: "http://acme.awsapps.com/start".into(),
                    ..acme()
                },
                OrgDraft {
                    name: "other".into(),
                    region: "mars-1".into(),
                    ..acme()
                },
            ],
            ..Draft::default()
        };
        let fields: Vec<String> = validate(&draft).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["orgs.0.start_url", "orgs.1.region"]);
    }

    #[test]
    fn a_missing_field_is_required() {
        let draft = Draft {
            orgs: vec![OrgDraft {
                region: String::new(),
                ..acme()
            }],
            ..Draft::default()
        };
        assert_eq!(
            validate(&draft),
            [FieldError {
                field: "orgs.0.region".into(),
                message: "required".into()
            }]
        );
    }

    #[test]
    fn two_orgs_of_one_name_are_refused() {
        let draft = Draft {
            orgs: vec![acme(), acme()],
            ..Draft::default()
        };
        assert_eq!(validate(&draft)[0].field, "config");
    }

    #[test]
    fn an_empty_draft_asks_for_something() {
        assert_eq!(validate(&Draft::default())[0].field, "orgs");
    }

    #[test]
    fn an_existing_config_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "# mine\n").unwrap();
        let draft = Draft {
            orgs: vec![acme()],
            ..Draft::default()
        };
        assert!(matches!(
            write(&draft, &path),
            Err(OnboardingError::Exists(_))
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");
    }
}
