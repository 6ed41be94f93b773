//! Role credentials in the formats of `aws configure export-credentials --format …`
//! (plus fish), for shells and for `credential_process`.

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::aws::session::RoleCredentials;
use crate::export::shell::Shell;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The JSON `credential_process` expects.
    Process,
    Env,
    EnvNoExport,
    Fish,
    Powershell,
    WindowsCmd,
}

impl Format {
    pub const NAMES: [&'static str; 6] = [
        "process",
        "env",
        "env-no-export",
        "fish",
        "powershell",
        "windows-cmd",
    ];

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "process" => Self::Process,
            "env" => Self::Env,
            "env-no-export" => Self::EnvNoExport,
            "fish" => Self::Fish,
            "powershell" => Self::Powershell,
            "windows-cmd" => Self::WindowsCmd,
            _ => return None,
        })
    }
}

/// RFC 3339 in UTC, as the SDKs parse `Expiration`.
pub fn rfc3339(epoch_secs: i64) -> String {
    OffsetDateTime::from_unix_timestamp(epoch_secs)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .format(&Rfc3339)
        .expect("RFC 3339 formats any UTC time")
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ProcessOutput<'a> {
    version: u8,
    access_key_id: &'a str,
    secret_access_key: &'a str,
    session_token: &'a str,
    expiration: String,
}

/// The text to print. It holds the secret: it goes to stdout for the caller, nowhere else.
pub fn render(credentials: &RoleCredentials, format: Format) -> String {
    let expiration = rfc3339(credentials.expires_at);
    if format == Format::Process {
        let output = ProcessOutput {
            version: 1,
            access_key_id: &credentials.access_key_id,
            secret_access_key: &credentials.secret_access_key,
            session_token: &credentials.session_token,
            expiration,
        };
        return serde_json::to_string_pretty(&output).expect("credentials serialize") + "\n";
    }
    let vars = [
        ("AWS_ACCESS_KEY_ID", credentials.access_key_id.as_str()),
        (
            "AWS_SECRET_ACCESS_KEY",
            credentials.secret_access_key.as_str(),
        ),
        ("AWS_SESSION_TOKEN", credentials.session_token.as_str()),
        ("AWS_CREDENTIAL_EXPIRATION", expiration.as_str()),
    ];
    // Every value quoted for its shell: the credentials were checked where they arrived,
    // and the text stays inert even if something unchecked ever reached it.
    vars.iter()
        .map(|(name, value)| match format {
            Format::Env => format!("export {name}={}\n", Shell::Bash.quote(value)),
            Format::EnvNoExport => format!("{name}={}\n", Shell::Bash.quote(value)),
            Format::Fish => format!("set -gx {name} {}\n", Shell::Fish.quote(value)),
            Format::Powershell => format!("$Env:{name}={}\n", Shell::Powershell.quote(value)),
            // cmd.exe: quotes around the whole assignment keep `&`, `|` and `>` literal.
            Format::WindowsCmd => format!("set \"{name}={}\"\n", value.replace('"', "")),
            Format::Process => unreachable!("handled above"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> RoleCredentials {
        RoleCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "sk".into(),
            session_token: "st".into(),
            expires_at: 1_800_000_000,
        }
    }

    #[test]
    fn process_is_the_credential_process_json() {
        assert_eq!(
            render(&creds(), Format::Process),
            "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"ASIAEXAMPLE\",\n  \"SecretAccessKey\": \"sk\",\n  \"SessionToken\": \"st\",\n  \"Expiration\": \"2027-01-15T08:00:00Z\"\n}\n"
        );
    }

    #[test]
    fn env_exports_each_variable_quoted() {
        assert_eq!(
            render(&creds(), Format::Env),
            "export AWS_ACCESS_KEY_ID='ASIAEXAMPLE'\nexport AWS_SECRET_ACCESS_KEY='sk'\nexport AWS_SESSION_TOKEN='st'\nexport AWS_CREDENTIAL_EXPIRATION='2027-01-15T08:00:00Z'\n"
        );
    }

    #[test]
    fn the_other_shells_have_their_own_syntax() {
        let first = |f| render(&creds(), f).lines().next().unwrap().to_owned();
        assert_eq!(
            first(Format::EnvNoExport),
            "AWS_ACCESS_KEY_ID='ASIAEXAMPLE'"
        );
        assert_eq!(
            first(Format::Fish),
            "set -gx AWS_ACCESS_KEY_ID 'ASIAEXAMPLE'"
        );
        assert_eq!(
            first(Format::Powershell),
            "$Env:AWS_ACCESS_KEY_ID='ASIAEXAMPLE'"
        );
        assert_eq!(
            first(Format::WindowsCmd),
            "set \"AWS_ACCESS_KEY_ID=ASIAEXAMPLE\""
        );
    }

    #[test]
    fn every_format_matches_its_golden_file() {
        for name in Format::NAMES {
            let format = Format::parse(name).unwrap();
            crate::golden::assert_golden(
                &format!("credentials.{name}.txt"),
                &render(&creds(), format),
            );
        }
    }

    #[test]
    fn every_format_name_parses() {
        for name in Format::NAMES {
            assert!(Format::parse(name).is_some(), "{name}");
        }
        assert_eq!(Format::parse("yaml"), None);
    }
}
