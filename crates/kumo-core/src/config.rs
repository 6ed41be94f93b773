//! The config file: its types, and errors that name the line and field of every mistake.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;
use url::Url;

use crate::environment::Environment;
use crate::paths;

/// Kumo's settings. Secrets never live here; they live in the OS keychain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Config {
    pub identity: Option<IdentityConfig>,
    pub audit: AuditConfig,
    pub guard: GuardConfig,
    pub gcp: Option<GcpConfig>,
    pub aws: Vec<AwsOrg>,
    pub azure: Vec<AzureTenantConfig>,
}

/// A Microsoft Entra tenant whose Azure subscriptions Kumo lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureTenantConfig {
    /// The tenant's domain (`acme.onmicrosoft.com`) or id, as target ids show it.
    pub tenant: TenantName,
    /// A public client registration: Entra desktop sign-ins carry no secret.
    pub client_id: String,
    /// Entra's sign-in base URL (default `https://login.microsoftonline.com`).
    pub login_endpoint: Option<EndpointUrl>,
    /// Azure Resource Manager's base URL (default `https://management.azure.com`).
    pub management_endpoint: Option<EndpointUrl>,
    /// Overrides `[guard] privileged_tags` for this tenant's subscriptions.
    pub privileged_tags: Option<Vec<String>>,
    /// Overrides `[guard] privileged_names` for this tenant's subscriptions.
    pub privileged_names: Option<Vec<String>>,
}

/// The audit trail's rotation: a file grows to `max_bytes`, then the `keep` newest
/// rotated files are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditConfig {
    pub max_bytes: u64,
    pub keep: u32,
}

impl Default for AuditConfig {
    fn default() -> Self {
        Self {
            max_bytes: 10 * 1024 * 1024,
            keep: 5,
        }
    }
}

/// Which targets are privileged, and how long an elevation to one may last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GuardConfig {
    /// `false` turns the guard off; every access then records that it is off.
    pub enabled: bool,
    /// Globs (`*`, `?`, any case) on AWS role (permission set) names.
    pub privileged: Vec<String>,
    /// Globs on Azure subscription tags and Google Cloud project labels, as `key:value`.
    pub privileged_tags: Vec<String>,
    /// Globs on Azure subscription and Google Cloud project names and ids.
    pub privileged_names: Vec<String>,
    /// The longest elevation: at most 8 hours.
    pub max_elevation: ElevationLimit,
}

impl Default for GuardConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            privileged: ["AdministratorAccess", "*Admin*", "*FullAccess"]
                .map(str::to_owned)
                .to_vec(),
            privileged_tags: Vec::new(),
            privileged_names: Vec::new(),
            max_elevation: ElevationLimit(3600),
        }
    }
}

/// The longest an elevation may last: a duration (`1h`, `90m`) of at most 8 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ElevationLimit(u64);

impl ElevationLimit {
    pub const MOST: u64 = 8 * 3600;

    pub fn seconds(self) -> u64 {
        self.0
    }
}

impl TryFrom<String> for ElevationLimit {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        match crate::duration::parse(&value)? {
            0 => Err("an elevation must last some time".into()),
            s if s > Self::MOST => Err(format!(
                "`{value}` is longer than the 8 hours an elevation may last"
            )),
            s => Ok(Self(s)),
        }
    }
}

impl From<ElevationLimit> for String {
    fn from(value: ElevationLimit) -> Self {
        crate::duration::format(value.0)
    }
}

/// Google Cloud projects, listed with the identity's access token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GcpConfig {
    /// Cloud Resource Manager's base URL (default `https://cloudresourcemanager.googleapis.com`).
    pub endpoint: Option<EndpointUrl>,
    /// Overrides `[guard] privileged_tags` for projects.
    pub privileged_tags: Option<Vec<String>>,
    /// Overrides `[guard] privileged_names` for projects.
    pub privileged_names: Option<Vec<String>>,
}

/// The company identity: Google by default, or any OpenID Connect issuer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityConfig {
    /// Discovery is `<issuer>/.well-known/openid-configuration`.
    #[serde(default = "default_issuer")]
    pub issuer: EndpointUrl,
    pub client_id: String,
    /// Desktop clients are public, but Google still asks for the secret it issued.
    pub client_secret: Option<String>,
    /// When set, the ID token's `hd` claim must equal it.
    pub hosted_domain: Option<String>,
    /// Email domains that name the same people (`acme.com`, `acme.co.jp`): a cloud's
    /// principal `dev@acme.co.jp` is the identity `dev@acme.com`.
    #[serde(default)]
    pub domains: Vec<String>,
    /// A cloud signed in as anyone but the company identity is refused (its session
    /// dropped), not only warned about.
    #[serde(default)]
    pub require_match: bool,
}

fn default_issuer() -> EndpointUrl {
    EndpointUrl::try_from("https://accounts.google.com").expect("the default issuer is a URL")
}

/// One AWS IAM Identity Center instance (an "org").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsOrg {
    /// How the user refers to the org, in commands and target ids.
    pub name: OrgName,
    pub start_url: StartUrl,
    /// The Identity Center home region.
    pub region: Region,
    pub oidc_endpoint: Option<EndpointUrl>,
    pub portal_endpoint: Option<EndpointUrl>,
    /// STS, which names the user of a role's credentials (else `AWS_ENDPOINT_URL_STS`).
    pub sts_endpoint: Option<EndpointUrl>,
    /// Let the global `AWS_ENDPOINT_URL` reach this org's Identity Center and STS too
    /// (off: a variable set for another tool must not receive sign-in tokens).
    #[serde(default)]
    pub use_aws_endpoint_url: bool,
    /// Requests per second Kumo allows itself against the portal (Identity Center
    /// throttles at about 20 across all callers).
    #[serde(default = "default_rate_limit")]
    pub rate_limit: RateLimit,
    /// Lets non-interactive callers (`credential-process`) start a sign-in when there is
    /// no session, instead of failing with "run `kumo login`".
    #[serde(default)]
    pub auto_login: bool,
    /// The template of exported profile names: `{account_name}`, `{account_id}`,
    /// `{role}` and `{org}` are replaced.
    pub profile_name: Option<String>,
    /// The console federation endpoint (else `KUMO_FEDERATION_URL`, else the partition's).
    pub federation_endpoint: Option<EndpointUrl>,
    /// Console sign-in session length in seconds, 900..=43200.
    #[serde(default = "default_session_duration")]
    pub session_duration: SessionDuration,
    /// Open consoles through the access portal's shortcut URL (no local credentials)
    /// instead of the federation endpoint.
    #[serde(default)]
    pub portal_shortcut: bool,
    /// The browser consoles open in: `chrome`, `chromium`, `brave`, `edge`, `vivaldi`,
    /// `firefox`, or `default` (`BROWSER`, else the OS default).
    pub browser: Option<BrowserName>,
    /// One browser profile/container per `target` (default) or per `org`.
    #[serde(default)]
    pub isolation: Isolation,
    /// A browser per target, overriding `browser`: keys are `<account id or name>/<role>`.
    #[serde(default)]
    pub target_browsers: std::collections::BTreeMap<String, BrowserName>,
    /// Overrides `[guard] privileged` for this org's roles.
    pub privileged: Option<Vec<String>>,
}

impl AwsOrg {
    /// The browser a target's console opens in: its own entry, else the org's choice.
    pub fn browser_for(&self, account_id: &str, account_name: &str, role: &str) -> BrowserName {
        self.target_browsers
            .get(&format!("{account_id}/{role}"))
            .or_else(|| self.target_browsers.get(&format!("{account_name}/{role}")))
            .or(self.browser.as_ref())
            .copied()
            .unwrap_or(BrowserName::Default)
    }
}

fn default_session_duration() -> SessionDuration {
    SessionDuration(43200)
}

/// Seconds a console sign-in lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct SessionDuration(u32);

impl SessionDuration {
    pub fn seconds(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for SessionDuration {
    type Error = String;
    fn try_from(value: u32) -> Result<Self, String> {
        if (900..=43200).contains(&value) {
            Ok(Self(value))
        } else {
            Err(format!(
                "`{value}` is not a console session length: give seconds from 900 to 43200"
            ))
        }
    }
}

impl From<SessionDuration> for u32 {
    fn from(value: SessionDuration) -> Self {
        value.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BrowserName {
    Default,
    Chrome,
    Chromium,
    Brave,
    Edge,
    Vivaldi,
    Firefox,
}

impl BrowserName {
    /// The name `parse` takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Default => "default",
            Self::Chrome => "chrome",
            Self::Chromium => "chromium",
            Self::Brave => "brave",
            Self::Edge => "edge",
            Self::Vivaldi => "vivaldi",
            Self::Firefox => "firefox",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "default" => Self::Default,
            "chrome" => Self::Chrome,
            "chromium" => Self::Chromium,
            "brave" => Self::Brave,
            "edge" => Self::Edge,
            "vivaldi" => Self::Vivaldi,
            "firefox" => Self::Firefox,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Isolation {
    #[default]
    Target,
    Org,
}

fn default_rate_limit() -> RateLimit {
    RateLimit(20.0)
}

/// Requests per second, between 0.1 and 1000.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct RateLimit(f64);

impl RateLimit {
    pub fn per_second(self) -> f64 {
        self.0
    }
}

impl Eq for RateLimit {}

impl TryFrom<f64> for RateLimit {
    type Error = String;
    fn try_from(value: f64) -> Result<Self, String> {
        if (0.1..=1000.0).contains(&value) {
            Ok(Self(value))
        } else {
            Err(format!(
                "`{value}` is not a usable rate: give requests per second between 0.1 and 1000"
            ))
        }
    }
}

impl From<RateLimit> for f64 {
    fn from(value: RateLimit) -> Self {
        value.0
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    identity: Option<IdentityConfig>,
    #[serde(default)]
    audit: AuditConfig,
    #[serde(default)]
    guard: GuardConfig,
    gcp: Option<GcpConfig>,
    #[serde(default)]
    aws: Vec<Spanned<AwsOrg>>,
    #[serde(default)]
    azure: Vec<Spanned<AzureTenantConfig>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path}, {location}: {message}")]
    Invalid {
        path: PathBuf,
        location: Location,
        message: String,
    },
}

/// Where in the file a mistake is: a 1-based line, and the key on it when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub field: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "line {}, field `{field}`", self.line),
            None => write!(f, "line {}", self.line),
        }
    }
}

impl Config {
    /// Loads the config file named by the environment (see [`paths::config_file`]).
    /// `None` when there is no config file: that is not an error.
    pub fn load(env: &Environment) -> Result<(PathBuf, Option<Config>), ConfigError> {
        let path = paths::config_file(env);
        let loaded = Self::load_from(&path)?;
        Ok((path, loaded))
    }

    pub fn load_from(path: &Path) -> Result<Option<Config>, ConfigError> {
        match std::fs::read(path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|e| {
                    let line = line_of(
                        &String::from_utf8_lossy(e.as_bytes()),
                        e.utf8_error().valid_up_to(),
                    );
                    ConfigError::Invalid {
                        path: path.to_owned(),
                        location: Location { line, field: None },
                        message: "the file is not valid UTF-8".into(),
                    }
                })?;
                Self::parse(&text, path).map(Some)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(ConfigError::Read {
                path: path.to_owned(),
                source,
            }),
        }
    }

    /// Parses config text; `path` only names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let invalid = |offset: usize, message: String| ConfigError::Invalid {
            path: path.to_owned(),
            location: Location {
                line: line_of(text, offset),
                field: field_at(text, offset),
            },
            message,
        };
        let file: ConfigFile = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            // Kumo's errors are one line; TOML's messages may run over several.
            let message = e
                .message()
                .trim_end()
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join("; ");
            invalid(offset, message)
        })?;

        let second = |tables: Vec<(&str, usize)>, field: &str, message: &dyn Fn(&str) -> String| {
            let mut seen: Vec<&str> = Vec::new();
            for (name, start) in tables {
                if seen.iter().any(|s| s.eq_ignore_ascii_case(name)) {
                    return Err(ConfigError::Invalid {
                        path: path.to_owned(),
                        location: Location {
                            line: line_of(text, start),
                            field: Some(field.into()),
                        },
                        message: message(name),
                    });
                }
                seen.push(name);
            }
            Ok(())
        };
        second(
            file.aws
                .iter()
                .map(|o| (o.get_ref().name.as_str(), o.span().start))
                .collect(),
            "name",
            &|name| format!("a second [[aws]] org is named `{name}`; give each org its own name"),
        )?;
        second(
            file.azure
                .iter()
                .map(|t| (t.get_ref().tenant.as_str(), t.span().start))
                .collect(),
            "tenant",
            &|name| format!("a second [[azure]] table names tenant `{name}`; keep one"),
        )?;
        Ok(Config {
            identity: file.identity,
            audit: file.audit,
            guard: file.guard,
            gcp: file.gcp,
            aws: file.aws.into_iter().map(Spanned::into_inner).collect(),
            azure: file.azure.into_iter().map(Spanned::into_inner).collect(),
        })
    }

    pub fn org(&self, name: &str) -> Option<&AwsOrg> {
        self.aws.iter().find(|o| o.name.as_str() == name)
    }

    /// The `[[azure]]` table of a tenant: domains and ids match in any case.
    pub fn tenant(&self, name: &str) -> Option<&AzureTenantConfig> {
        self.azure
            .iter()
            .find(|t| t.tenant.as_str().eq_ignore_ascii_case(name))
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The key of a `key = value` line containing `offset`, if that is what the line is.
fn field_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next().unwrap_or("");
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
    bare.then(|| key.to_owned())
}

macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = String;
            fn try_from(value: &str) -> Result<Self, String> {
                Self::try_from(value.to_owned())
            }
        }
    };
}

/// An org name: it appears in target ids (`aws:<org>/…`) and profile names, so it is
/// limited to characters that need no quoting there.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgName(String);
string_newtype!(OrgName);

impl TryFrom<String> for OrgName {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        let valid = (1..=64).contains(&value.len())
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if valid {
            Ok(Self(value))
        } else {
            Err(format!(
                "`{value}` is not a usable org name: use 1 to 64 letters, digits, `-`, `_` or `.`"
            ))
        }
    }
}

impl From<OrgName> for String {
    fn from(value: OrgName) -> Self {
        value.0
    }
}

/// An Entra tenant: its domain or its id. It appears in target ids
/// (`azure:<tenant>/<subscription>`) and URL paths, so it is limited to what those hold.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TenantName(String);
string_newtype!(TenantName);

impl TryFrom<String> for TenantName {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        let valid = (1..=253).contains(&value.len())
            && !value.starts_with(['.', '-'])
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'));
        if valid {
            Ok(Self(value))
        } else {
            Err(format!(
                "`{value}` is not a tenant: give its domain (acme.onmicrosoft.com) or its id"
            ))
        }
    }
}

impl From<TenantName> for String {
    fn from(value: TenantName) -> Self {
        value.0
    }
}

/// An AWS region code such as `eu-west-1` or `us-gov-west-1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Region(String);
string_newtype!(Region);

impl TryFrom<String> for Region {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        let parts: Vec<&str> = value.split('-').collect();
        let valid = parts.len() >= 3
            && parts[0].len() == 2
            && parts[..parts.len() - 1]
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
            && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
            && !parts[parts.len() - 1].is_empty();
        if valid {
            Ok(Self(value))
        } else {
            Err(format!(
                "`{value}` is not an AWS region code (like `eu-west-1`): use the Identity Center home region"
            ))
        }
    }
}

impl From<Region> for String {
    fn from(value: Region) -> Self {
        value.0
    }
}

/// The AWS access portal URL, e.g. `https://acme.awsapps.com/start`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StartUrl(Url);

impl StartUrl {
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
    pub fn url(&self) -> &Url {
        &self.0
    }
}

impl TryFrom<String> for StartUrl {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        match Url::parse(&value) {
            Ok(url) if url.scheme() == "https" && url.host().is_some() => Ok(Self(url)),
            Ok(_) => Err(format!(
                "`{value}` is not an https URL: use the access portal URL, like https://acme.awsapps.com/start"
            )),
            Err(e) => Err(format!(
                "`{value}` is not a URL ({e}): use the access portal URL, like https://acme.awsapps.com/start"
            )),
        }
    }
}

impl From<StartUrl> for String {
    fn from(value: StartUrl) -> Self {
        value.0.into()
    }
}

/// An endpoint override: an https base URL without userinfo, query or fragment; plain
/// http only to this machine (a local stand-in, as in tests and the demo), never across
/// a network where the tokens and credentials it receives could be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EndpointUrl(Url);

impl EndpointUrl {
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
    pub fn url(&self) -> &Url {
        &self.0
    }
}

impl TryFrom<String> for EndpointUrl {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        // An error names the value without any user name or password it holds.
        let shown = without_userinfo(&value);
        match Url::parse(&value) {
            Ok(url) if !url.username().is_empty() || url.password().is_some() => Err(format!(
                "`{shown}` is not an endpoint: it holds a user name or password"
            )),
            Ok(url) if url.scheme() == "http" && !crate::untrusted::is_loopback(&url) => {
                Err(format!(
                    "`{shown}` is not an endpoint: plain http is allowed only to this machine (127.0.0.1, ::1, localhost); use https"
                ))
            }
            Ok(url)
                if matches!(url.scheme(), "http" | "https")
                    && url.host().is_some()
                    && url.query().is_none()
                    && url.fragment().is_none() =>
            {
                Ok(Self(url))
            }
            Ok(_) => Err(format!(
                "`{shown}` is not an endpoint: use an https URL without query or fragment"
            )),
            Err(e) => Err(format!("`{shown}` is not a URL ({e})")),
        }
    }
}

/// `value` with whatever stands before an `@` in its authority replaced by `…`.
fn without_userinfo(value: &str) -> String {
    let (scheme, rest) = value.split_once("://").unwrap_or(("", value));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => {
            let prefix = if scheme.is_empty() {
                String::new()
            } else {
                format!("{scheme}://")
            };
            format!("{prefix}…@{}", &rest[at + 1..])
        }
        None => value.to_owned(),
    }
}

impl TryFrom<&str> for EndpointUrl {
    type Error = String;
    fn try_from(value: &str) -> Result<Self, String> {
        Self::try_from(value.to_owned())
    }
}

impl From<EndpointUrl> for String {
    fn from(value: EndpointUrl) -> Self {
        value.0.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(text, Path::new("/c/config.toml")).map_err(|e| e.to_string())
    }

    const ACME: &str = r#"
[[aws]]
name = "acme"
start_url = "https://acme.awsapps.com/start"
region = "eu-west-1"
"#;

    #[test]
    fn an_empty_file_is_an_empty_config() {
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn an_org_table_parses_into_its_fields() {
        let config = parse(ACME).unwrap();
        let org = config.org("acme").unwrap();
        assert_eq!(org.start_url.as_str(), "https://acme.awsapps.com/start");
        assert_eq!(org.region.as_str(), "eu-west-1");
        assert_eq!(org.oidc_endpoint, None);
    }

    #[test]
    fn endpoint_overrides_parse() {
        let text = format!("{ACME}oidc_endpoint = \"http://127.0.0.1:9000\"\n");
        let config = parse(&text).unwrap();
        assert_eq!(
            config.aws[0].oidc_endpoint.as_ref().unwrap().as_str(),
            "http://127.0.0.1:9000/"
        );
    }

    #[test]
    fn a_misspelt_key_names_its_line_and_field() {
        let text = ACME.replace("region", "regoin");
        assert_eq!(
            parse(&text).unwrap_err(),
            "config file /c/config.toml, line 5, field `regoin`: unknown field `regoin`, expected one of `name`, `start_url`, `region`, `oidc_endpoint`, `portal_endpoint`, `sts_endpoint`, `use_aws_endpoint_url`, `rate_limit`, `auto_login`, `profile_name`, `federation_endpoint`, `session_duration`, `portal_shortcut`, `browser`, `isolation`, `target_browsers`, `privileged`"
        );
    }

    #[test]
    fn a_missing_key_names_the_org_table_line() {
        let text = ACME.replace("region = \"eu-west-1\"\n", "");
        assert_eq!(
            parse(&text).unwrap_err(),
            "config file /c/config.toml, line 2: missing field `region`"
        );
    }

    #[test]
    fn a_plain_http_start_url_is_refused_with_the_field_named() {
        let text = ACME.replace("https://acme", "http://acme");
        assert_eq!(
            parse(&text).unwrap_err(),
            "config file /c/config.toml, line 4, field `start_url`: `http://acme.awsapps.com/start` is not an https URL: use the access portal URL, like https://acme.awsapps.com/start"
        );
    }

    #[test]
    fn a_bad_region_is_refused() {
        let text = ACME.replace("eu-west-1", "Ireland");
        assert_eq!(
            parse(&text).unwrap_err(),
            "config file /c/config.toml, line 5, field `region`: `Ireland` is not an AWS region code (like `eu-west-1`): use the Identity Center home region"
        );
    }

    #[test]
    fn govcloud_and_china_regions_are_accepted() {
        for region in ["us-gov-west-1", "cn-northwest-1", "ap-southeast-5"] {
            assert!(Region::try_from(region).is_ok(), "{region}");
        }
    }

    #[test]
    fn an_org_name_with_a_slash_is_refused() {
        let text = ACME.replace("\"acme\"", "\"ac/me\"");
        assert_eq!(
            parse(&text).unwrap_err(),
            "config file /c/config.toml, line 3, field `name`: `ac/me` is not a usable org name: use 1 to 64 letters, digits, `-`, `_` or `.`"
        );
    }

    #[test]
    fn two_orgs_with_one_name_are_refused_at_the_second() {
        let text = format!("{ACME}{ACME}");
        assert_eq!(
            parse(&text).unwrap_err(),
            "config file /c/config.toml, line 7, field `name`: a second [[aws]] org is named `acme`; give each org its own name"
        );
    }

    const AZURE: &str = r#"
[[azure]]
tenant = "acme.onmicrosoft.com"
client_id = "5d3f6a27-0000-4000-8000-00000000c11e"
"#;

    #[test]
    fn an_azure_table_parses_into_its_fields() {
        let config = parse(AZURE).unwrap();
        assert_eq!(
            config.azure,
            [AzureTenantConfig {
                tenant: TenantName::try_from("acme.onmicrosoft.com").unwrap(),
                client_id: "5d3f6a27-0000-4000-8000-00000000c11e".into(),
                login_endpoint: None,
                management_endpoint: None,
                privileged_tags: None,
                privileged_names: None,
            }]
        );
    }

    #[test]
    fn a_tenant_with_a_slash_is_refused() {
        let text = AZURE.replace("acme.onmicrosoft.com", "acme/evil");
        assert_eq!(
            parse(&text).unwrap_err(),
            "config file /c/config.toml, line 3, field `tenant`: `acme/evil` is not a tenant: give its domain (acme.onmicrosoft.com) or its id"
        );
    }

    #[test]
    fn two_tables_for_one_tenant_are_refused_at_the_second() {
        let text = format!(
            "{AZURE}{}",
            AZURE.replace("acme.onmicrosoft", "ACME.onmicrosoft")
        );
        assert_eq!(
            parse(&text).unwrap_err(),
            "config file /c/config.toml, line 6, field `tenant`: a second [[azure]] table names tenant `ACME.onmicrosoft.com`; keep one"
        );
    }

    #[test]
    fn a_toml_syntax_error_names_its_line() {
        let err = parse("[[aws]\nname = 1").unwrap_err();
        assert!(
            err.starts_with("config file /c/config.toml, line 1: "),
            "{err}"
        );
    }

    #[test]
    fn rate_limit_defaults_to_20_and_can_be_set() {
        assert_eq!(parse(ACME).unwrap().aws[0].rate_limit.per_second(), 20.0);
        let text = format!("{ACME}rate_limit = 5\nauto_login = true\n");
        let org = &parse(&text).unwrap().aws[0];
        assert_eq!(org.rate_limit.per_second(), 5.0);
        assert!(org.auto_login);
    }

    #[test]
    fn a_target_browser_overrides_the_orgs() {
        let text = format!(
            "{ACME}browser = \"chrome\"\n[aws.target_browsers]\n\"payments/Admin\" = \"firefox\"\n\"111111111111/Read\" = \"brave\"\n"
        );
        let org = &parse(&text).unwrap().aws[0];
        assert_eq!(
            org.browser_for("999999999999", "payments", "Admin"),
            BrowserName::Firefox
        );
        assert_eq!(
            org.browser_for("111111111111", "x", "Read"),
            BrowserName::Brave
        );
        assert_eq!(
            org.browser_for("111111111111", "x", "Admin"),
            BrowserName::Chrome
        );
    }

    #[test]
    fn an_unknown_browser_name_is_refused() {
        let text = format!("{ACME}browser = \"netscape\"\n");
        let err = parse(&text).unwrap_err();
        assert!(
            err.starts_with(
                "config file /c/config.toml, line 6, field `browser`: unknown variant `netscape`"
            ),
            "{err}"
        );
    }

    #[test]
    fn console_sessions_last_twelve_hours_unless_set_within_aws_limits() {
        assert_eq!(
            parse(ACME).unwrap().aws[0].session_duration.seconds(),
            43200
        );
        let text = format!("{ACME}session_duration = 3600\n");
        assert_eq!(
            parse(&text).unwrap().aws[0].session_duration.seconds(),
            3600
        );
        let text = format!("{ACME}session_duration = 899\n");
        assert_eq!(
            parse(&text).unwrap_err(),
            "config file /c/config.toml, line 6, field `session_duration`: `899` is not a console session length: give seconds from 900 to 43200"
        );
    }

    #[test]
    fn the_identity_issuer_defaults_to_google() {
        let config = parse("[identity]\nclient_id = \"c.apps.googleusercontent.com\"\nhosted_domain = \"acme.com\"\n").unwrap();
        let identity = config.identity.unwrap();
        assert_eq!(identity.issuer.as_str(), "https://accounts.google.com/");
        assert_eq!(identity.hosted_domain.as_deref(), Some("acme.com"));
    }

    #[test]
    fn a_zero_rate_limit_is_refused() {
        let text = format!("{ACME}rate_limit = 0\n");
        assert_eq!(
            parse(&text).unwrap_err(),
            "config file /c/config.toml, line 6, field `rate_limit`: `0` is not a usable rate: give requests per second between 0.1 and 1000"
        );
    }

    #[test]
    fn an_endpoint_with_a_query_is_refused() {
        let text = format!("{ACME}portal_endpoint = \"https://x.test/?a=b\"\n");
        assert_eq!(
            parse(&text).unwrap_err(),
            "config file /c/config.toml, line 6, field `portal_endpoint`: `https://x.test/?a=b` is not an endpoint: use an https URL without query or fragment"
        );
    }

    #[test]
    fn an_endpoint_with_a_password_is_refused_without_showing_it() {
        for value in [
            "http://svc:S3cret@proxy.corp:8080",
            "https://svc:S3cret@proxy.corp",
        ] {
            let error = EndpointUrl::try_from(value).unwrap_err();
            assert_eq!(
                error,
                format!(
                    "`{}://…@proxy.corp{}` is not an endpoint: it holds a user name or password",
                    value.split_once(':').unwrap().0,
                    if value.contains("8080") { ":8080" } else { "" }
                )
            );
        }
    }

    #[test]
    fn plain_http_is_an_endpoint_only_on_this_machine() {
        assert!(EndpointUrl::try_from("http://127.0.0.1:9").is_ok());
        assert!(EndpointUrl::try_from("http://localhost:9").is_ok());
        assert_eq!(
            EndpointUrl::try_from("http://sso.attacker.test").unwrap_err(),
            "`http://sso.attacker.test` is not an endpoint: plain http is allowed only to this machine (127.0.0.1, ::1, localhost); use https"
        );
    }

    #[test]
    fn a_missing_file_is_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = Config::load_from(&dir.path().join("none.toml")).unwrap();
        assert_eq!(loaded, None);
    }

    #[test]
    fn a_file_that_is_not_utf8_names_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, b"# ok\n# \xff\n").unwrap();
        let err = Config::load_from(&path).unwrap_err().to_string();
        assert!(
            err.ends_with("line 2: the file is not valid UTF-8"),
            "{err}"
        );
    }

    #[test]
    fn a_directory_in_place_of_the_file_is_a_read_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = Config::load_from(dir.path()).unwrap_err();
        assert!(matches!(err, ConfigError::Read { .. }));
    }
}
