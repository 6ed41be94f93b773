//! The audit trail: every access (sign-in, renewal and sign-out per provider, credentials
//! issued, a console opened, an export written) as one line of OCSF JSON, the schema
//! AWS Security Lake and the large SIEMs ingest, chained by SHA-256 ([`trail`]) and, on
//! Linux, copied to the systemd journal ([`journal`]) for the machine's log shipper.
//! docs/AUDIT.md maps each event to its OCSF class, with an example line.

pub mod caller;
pub mod journal;
pub mod trail;

use std::path::PathBuf;

use serde_json::{Value, json};

pub use caller::Caller;
use trail::{Trail, TrailError};

use crate::config::AuditConfig;
use crate::environment::Environment;
use crate::sessions::Provider;

/// The OCSF schema version the records follow.
pub const OCSF_VERSION: &str = "1.3.0";

/// The verified company identity an event is done as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub email: String,
    pub issuer: String,
}

/// How an access to a privileged target was let through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Privilege {
    /// Under a running elevation.
    Elevated { until: i64, reason: String },
    /// `[guard] enabled = false`.
    GuardOff,
}

/// One access, as the access layer saw it. Never a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    SignedIn {
        provider: Provider,
        /// The org, the tenant, or the identity's issuer.
        name: String,
        /// Who the provider signed in, where it says.
        principal: Option<String>,
        /// Renewed with a refresh token, without a prompt.
        renewed: bool,
    },
    SignedOut {
        provider: Provider,
        name: String,
    },
    CredentialsIssued {
        target: String,
        expires_at: i64,
        /// From the keychain, rather than fetched from the cloud.
        from_keychain: bool,
        /// The process that asked for them.
        caller: Caller,
        privilege: Option<Privilege>,
    },
    /// A console opened, or its sign-in URL handed out (no browser).
    ConsoleOpened {
        target: String,
        /// Where the console lands (never the sign-in token).
        destination: String,
        browser: Option<String>,
        /// The browser profile or container it opened in.
        profile: Option<String>,
        privilege: Option<Privilege>,
    },
    ExportWritten {
        file: PathBuf,
        profiles: usize,
    },
    /// A privileged target elevated until `until`, for `reason`.
    Elevated {
        target: String,
        reason: String,
        until: i64,
    },
    ElevationEnded {
        target: String,
    },
    /// A cloud signed in as someone other than the company identity.
    IdentityMismatch {
        provider: Provider,
        name: String,
        principal: String,
        identity: String,
    },
    /// An access to a privileged target refused: no elevation was running.
    Refused {
        target: String,
        /// credentials, console or profile.
        access: String,
    },
}

/// Every kind of record, as [`Event::kind`] names them.
pub const KINDS: [&str; 10] = [
    "sign_in",
    "renewal",
    "sign_out",
    "credentials",
    "console",
    "export",
    "elevation",
    "elevation_ended",
    "refused",
    "identity_mismatch",
];

/// OCSF classes and activities (docs/AUDIT.md).
const AUTHENTICATION: u32 = 3002;
const AUTHORIZE_SESSION: u32 = 3003;
const FILE_ACTIVITY: u32 = 1001;
const ACCOUNT_CHANGE: u32 = 3001;
const DETECTION_FINDING: u32 = 2004;

impl Event {
    /// Kumo's name of the kind of event: what `kumo audit` and the app filter by.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::SignedIn { renewed: false, .. } => "sign_in",
            Self::SignedIn { renewed: true, .. } => "renewal",
            Self::SignedOut { .. } => "sign_out",
            Self::CredentialsIssued { .. } => "credentials",
            Self::ConsoleOpened { .. } => "console",
            Self::ExportWritten { .. } => "export",
            Self::Elevated { .. } => "elevation",
            Self::ElevationEnded { .. } => "elevation_ended",
            Self::Refused { .. } => "refused",
            Self::IdentityMismatch { .. } => "identity_mismatch",
        }
    }

    /// The OCSF class and activity.
    fn class_and_activity(&self) -> (u32, u32, &'static str) {
        match self {
            Self::SignedIn { renewed: false, .. } => (AUTHENTICATION, 1, "Logon"),
            Self::SignedIn { renewed: true, .. } => (AUTHENTICATION, 5, "Service Ticket Renew"),
            Self::SignedOut { .. } => (AUTHENTICATION, 2, "Logoff"),
            Self::CredentialsIssued { .. } => (AUTHORIZE_SESSION, 1, "Assign Privileges"),
            Self::ConsoleOpened { .. } => (AUTHENTICATION, 1, "Logon"),
            Self::ExportWritten { .. } => (FILE_ACTIVITY, 3, "Update"),
            Self::Elevated { .. } => (ACCOUNT_CHANGE, 7, "Attach Policy"),
            Self::ElevationEnded { .. } => (ACCOUNT_CHANGE, 8, "Detach Policy"),
            Self::Refused { .. } => (AUTHORIZE_SESSION, 1, "Assign Privileges"),
            Self::IdentityMismatch { .. } => (DETECTION_FINDING, 1, "Create"),
        }
    }

    pub fn target(&self) -> Option<&str> {
        match self {
            Self::CredentialsIssued { target, .. }
            | Self::ConsoleOpened { target, .. }
            | Self::Elevated { target, .. }
            | Self::ElevationEnded { target }
            | Self::Refused { target, .. } => Some(target),
            _ => None,
        }
    }

    /// The line a person reads.
    pub fn message(&self) -> String {
        match self {
            Self::SignedIn {
                provider,
                name,
                renewed,
                ..
            } => format!(
                "{} {} {name}",
                if *renewed { "renewed" } else { "signed in to" },
                provider.label()
            ),
            Self::SignedOut { provider, name } => {
                format!("signed out of {} {name}", provider.label())
            }
            Self::CredentialsIssued {
                target,
                from_keychain,
                caller,
                ..
            } => format!(
                "credentials for {target} {} for {}",
                if *from_keychain {
                    "from the keychain"
                } else {
                    "fetched"
                },
                caller.describe()
            ),
            Self::ConsoleOpened {
                target,
                browser: Some(browser),
                ..
            } => format!("opened the console of {target} in {browser}"),
            Self::ConsoleOpened {
                target,
                browser: None,
                ..
            } => format!("handed out the console sign-in URL of {target}"),
            Self::ExportWritten { file, profiles } => {
                format!("wrote {profiles} profiles to {}", file.display())
            }
            Self::Elevated {
                target,
                reason,
                until,
            } => format!(
                "elevated {target} until {}: {reason}",
                crate::export::env::rfc3339(*until)
            ),
            Self::ElevationEnded { target } => format!("ended the elevation of {target}"),
            Self::Refused { target, access } => {
                format!("refused {access} of {target}: privileged and not elevated")
            }
            Self::IdentityMismatch {
                provider,
                name,
                principal,
                identity,
            } => format!(
                "{} {name} signed in as {principal}, not as {identity}",
                provider.label()
            ),
        }
    }

    fn cloud(&self) -> Option<&'static str> {
        let from_target = |target: &str| match target.split(':').next() {
            Some("aws") => Some("AWS"),
            Some("azure") => Some("Azure"),
            Some("gcp") => Some("GCP"),
            _ => None,
        };
        match self {
            Self::SignedIn { provider, .. }
            | Self::SignedOut { provider, .. }
            | Self::IdentityMismatch { provider, .. } => match provider {
                Provider::Aws => Some("AWS"),
                Provider::Azure => Some("Azure"),
                Provider::Identity => None,
            },
            Self::ExportWritten { .. } => None,
            other => other.target().and_then(from_target),
        }
    }

    /// The event as an OCSF record, Kumo's own fields under `unmapped`.
    pub fn record(&self, actor: Option<&Actor>, at: &Stamp) -> Value {
        let (class_uid, activity_id, activity_name) = self.class_and_activity();
        let mut record = json!({
            "category_uid": class_uid / 1000,
            "class_uid": class_uid,
            "activity_id": activity_id,
            "activity_name": activity_name,
            "type_uid": class_uid * 100 + activity_id,
            "severity_id": 1,
            "status_id": 1,
            "status": "Success",
            "time": at.epoch_secs * 1000,
            "time_dt": crate::export::env::rfc3339(at.epoch_secs),
            "message": self.message(),
            "metadata": {
                "version": OCSF_VERSION,
                "product": {"name": "Kumo", "vendor_name": "Kumo", "version": env!("CARGO_PKG_VERSION")},
                "log_name": "audit",
            },
            "actor": {
                "user": {"email_addr": actor.map(|a| a.email.as_str())},
                "idp": {"name": actor.map(|a| a.issuer.as_str())},
            },
            "device": {"hostname": at.host, "type_id": 2},
            "unmapped": {"kumo_event": self.kind()},
        });
        if let Self::IdentityMismatch { .. } = self {
            record["severity_id"] = json!(4);
            record["finding_info"] = json!({ "title": "A cloud signed in as another person" });
        }
        if let Self::Refused { .. } = self {
            record["status_id"] = json!(2);
            record["status"] = json!("Failure");
            record["severity_id"] = json!(3);
        }
        if let Some(provider) = self.cloud() {
            record["cloud"] = json!({ "provider": provider });
        }
        if let Some(target) = self.target() {
            record["unmapped"]["target"] = json!(target);
        }
        match self {
            Self::SignedIn {
                provider,
                name,
                principal,
                ..
            } => {
                record["unmapped"]["provider"] = json!(provider);
                record["unmapped"]["name"] = json!(name);
                if let Some(principal) = principal {
                    record["user"] = json!({ "name": principal });
                }
            }
            Self::SignedOut { provider, name } => {
                record["unmapped"]["provider"] = json!(provider);
                record["unmapped"]["name"] = json!(name);
            }
            Self::CredentialsIssued {
                expires_at,
                from_keychain,
                caller,
                privilege,
                ..
            } => {
                privilege_fields(&mut record, privilege.as_ref());
                record["unmapped"]["expires_at"] = json!(crate::export::env::rfc3339(*expires_at));
                record["unmapped"]["source"] = json!(if *from_keychain {
                    "keychain"
                } else {
                    "fetched"
                });
                record["actor"]["process"] = caller.ocsf();
            }
            Self::ConsoleOpened {
                destination,
                browser,
                profile,
                privilege,
                ..
            } => {
                privilege_fields(&mut record, privilege.as_ref());
                record["dst_endpoint"] = json!({
                    "url": destination,
                    "hostname": url::Url::parse(destination).ok().and_then(|u| u.host_str().map(str::to_owned)),
                });
                record["http_request"] = json!({ "user_agent": browser });
                record["unmapped"]["browser"] = json!(browser);
                record["unmapped"]["profile"] = json!(profile);
            }
            Self::ExportWritten { file, profiles } => {
                record["file"] = json!({
                    "path": file.display().to_string(),
                    "name": file.file_name().map(|n| n.to_string_lossy().into_owned()),
                    "type_id": 1,
                });
                record["unmapped"]["profiles"] = json!(profiles);
            }
            Self::Elevated { reason, until, .. } => {
                record["unmapped"]["reason"] = json!(reason);
                record["unmapped"]["until"] = json!(crate::export::env::rfc3339(*until));
            }
            Self::Refused { access, .. } => {
                record["unmapped"]["access"] = json!(access);
            }
            Self::ElevationEnded { .. } => {}
            Self::IdentityMismatch {
                provider,
                name,
                principal,
                identity,
            } => {
                record["unmapped"]["provider"] = json!(provider);
                record["unmapped"]["name"] = json!(name);
                record["unmapped"]["principal"] = json!(principal);
                record["unmapped"]["identity"] = json!(identity);
            }
        }
        record
    }
}

/// How a privileged target was let through: under which elevation, or with the guard off.
fn privilege_fields(record: &mut Value, privilege: Option<&Privilege>) {
    let unmapped = &mut record["unmapped"];
    match privilege {
        None => {}
        Some(Privilege::Elevated { until, reason }) => {
            unmapped["privileged"] = json!(true);
            unmapped["elevation"] = json!({
                "until": crate::export::env::rfc3339(*until),
                "reason": reason,
            });
        }
        Some(Privilege::GuardOff) => {
            unmapped["privileged"] = json!(true);
            unmapped["guard"] = json!("off");
        }
    }
}

/// When and where an event happened.
#[derive(Debug, Clone)]
pub struct Stamp {
    pub epoch_secs: i64,
    pub host: String,
}

impl Stamp {
    pub fn now(env: &Environment) -> Self {
        Self {
            epoch_secs: env.now(),
            host: hostname(),
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty() && !h.chars().any(char::is_control))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The trail of this environment: `$XDG_STATE_HOME/kumo/audit.jsonl`, rotated as
/// `[audit]` says.
pub fn trail(env: &Environment, config: &AuditConfig) -> Trail {
    Trail::new(
        crate::paths::state_dir(env),
        crate::paths::lock_dir(env).join("audit.lock"),
        config.max_bytes,
        config.keep,
    )
}

/// Appends `event` to the trail and copies it to the journal when there is one.
pub fn record(
    env: &Environment,
    config: &AuditConfig,
    event: &Event,
    actor: Option<&Actor>,
) -> Result<(), TrailError> {
    let stamp = Stamp::now(env);
    let line = trail(env, config).append(event.record(actor, &stamp))?;
    journal::send(env, event, actor, &line);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One event of each kind, as a trail would hold them.
    fn events() -> Vec<Event> {
        let target = "aws:acme/123456789012/AdministratorAccess".to_owned();
        vec![
            Event::SignedIn {
                provider: Provider::Identity,
                name: "https://accounts.google.com".into(),
                principal: Some("dev@example.com".into()),
                renewed: false,
            },
            Event::SignedIn {
                provider: Provider::Aws,
                name: "acme".into(),
                principal: None,
                renewed: true,
            },
            Event::SignedOut {
                provider: Provider::Azure,
                name: "acme.onmicrosoft.com".into(),
            },
            Event::CredentialsIssued {
                target: target.clone(),
                expires_at: 1_765_012_345,
                from_keychain: true,
                caller: Caller {
                    pid: 4242,
                    exe: Some("/usr/bin/terraform".into()),
                    cmd_line: Some("terraform plan".into()),
                },
                privilege: Some(Privilege::Elevated {
                    until: 1_765_011_600,
                    reason: "INC-4711: restore the payments queue".into(),
                }),
            },
            Event::ConsoleOpened {
                target,
                destination: "https://console.aws.amazon.com/ec2/home?region=eu-west-1".into(),
                browser: Some("chrome".into()),
                profile: Some("acme payments-prod AdministratorAccess".into()),
                privilege: Some(Privilege::GuardOff),
            },
            Event::ExportWritten {
                file: "/home/dev/.aws/config".into(),
                profiles: 212,
            },
            Event::Elevated {
                target: "aws:acme/123456789012/AdministratorAccess".into(),
                reason: "INC-4711: restore the payments queue".into(),
                until: 1_765_011_600,
            },
            Event::ElevationEnded {
                target: "aws:acme/123456789012/AdministratorAccess".into(),
            },
            Event::Refused {
                target: "aws:acme/123456789012/AdministratorAccess".into(),
                access: "credentials".into(),
            },
            Event::IdentityMismatch {
                provider: Provider::Aws,
                name: "acme".into(),
                principal: "someone@other.example".into(),
                identity: "dev@example.com".into(),
            },
        ]
    }

    #[test]
    fn every_kind_is_one_a_reader_can_filter_by() {
        let kinds: Vec<&str> = events().iter().map(Event::kind).collect();
        assert_eq!(kinds, KINDS);
    }

    #[test]
    fn each_kind_of_event_maps_to_its_ocsf_record() {
        let actor = Actor {
            email: "dev@example.com".into(),
            issuer: "https://accounts.google.com".into(),
        };
        let stamp = Stamp {
            epoch_secs: 1_765_008_000,
            host: "dev-laptop".into(),
        };
        let lines: String = events()
            .iter()
            .map(|e| {
                let mut record = e.record(Some(&actor), &stamp);
                record["unmapped"]["prev"] = json!(trail::GENESIS);
                serde_json::to_string(&record).unwrap() + "\n"
            })
            .collect();
        crate::golden::assert_golden("audit-records.jsonl", &lines);
    }
}
