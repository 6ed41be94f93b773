//! Kumo's profiles in `~/.aws/config` (or `$AWS_CONFIG_FILE`): written only inside a
//! block marked `# BEGIN KUMO <org>` … `# END KUMO <org>`, every byte outside it kept as
//! it was (comments, spacing, CRLF, a missing final newline), atomically.
//!
//! The block is the text from the start of its BEGIN line to the end of its END line.
//! Its line terminator is the file's own (CRLF if the file uses CRLF). Removing a block
//! takes the line break that follows it, or, at the very end of a file that has no final
//! newline, the one before it, which is the one exporting added.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::cache::OrgCache;
use crate::config::AwsOrg;
use crate::environment::Environment;
use crate::fsutil::{remove_stale_temp_files, write_atomic};
use crate::untrusted;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `credential_process = <kumo> credential-process <target>`: Kumo's keychain and
    /// single-flight refresh serve every SDK.
    CredentialProcess,
    /// `[sso-session]` + `sso_account_id`/`sso_role_name`: the SDKs refresh natively.
    SsoSession,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "{path} has `{begin}` without a matching `{end}` line: fix or remove the block by hand, then export again"
    )]
    Unclosed {
        path: PathBuf,
        begin: String,
        end: String,
    },
    #[error("{path} has two `{begin}` blocks: remove one by hand, then export again")]
    Duplicate { path: PathBuf, begin: String },
    #[error("{path} is not UTF-8 text: Kumo edits only text config files")]
    NotText { path: PathBuf },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}; the file is unchanged")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
}

/// The AWS config file: `$AWS_CONFIG_FILE`, else `~/.aws/config`.
pub fn config_path(env: &Environment) -> PathBuf {
    match env.get("AWS_CONFIG_FILE") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(
            env.get("HOME")
                .or_else(|| env.get("USERPROFILE"))
                .unwrap_or("."),
        )
        .join(".aws")
        .join("config"),
    }
}

pub fn begin_marker(org: &str) -> String {
    format!("# BEGIN KUMO {org}")
}

pub fn end_marker(org: &str) -> String {
    format!("# END KUMO {org}")
}

/// Byte range of the block's text (BEGIN line start .. END line end, terminator excluded).
fn find_block(text: &str, org: &str, path: &Path) -> Result<Option<(usize, usize)>, ExportError> {
    let (begin, end) = (begin_marker(org), end_marker(org));
    let mut found = None;
    let mut open: Option<usize> = None;
    let mut offset = 0;
    // A bare `\r` ends a line too (universal newlines, as botocore reads the file).
    for raw in text.split_inclusive(['\n', '\r']) {
        let line = raw.trim_end_matches(['\n', '\r']);
        if line.trim_end() == begin {
            if open.is_some() || found.is_some() {
                return Err(ExportError::Duplicate {
                    path: path.to_owned(),
                    begin,
                });
            }
            open = Some(offset);
        } else if line.trim_end() == end
            && let Some(start) = open.take()
        {
            found = Some((start, offset + line.len()));
        }
        offset += raw.len();
    }
    if open.is_some() {
        return Err(ExportError::Unclosed {
            path: path.to_owned(),
            begin,
            end,
        });
    }
    Ok(found)
}

fn line_ending(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// `text` with the org's block set to `lines` (joined with the file's line ending).
pub fn with_block(
    text: &str,
    org: &str,
    lines: &[String],
    path: &Path,
) -> Result<String, ExportError> {
    // The user's convention, read outside the block: the junction of a user's bare `\r`
    // and the block's `\n` must not turn an LF file into a CRLF one.
    let eol = line_ending(&without_block(text, org, path)?);
    let block = lines.join(eol);
    Ok(match find_block(text, org, path)? {
        Some((start, end)) => format!("{}{block}{}", &text[..start], &text[end..]),
        None if text.is_empty() => format!("{block}{eol}"),
        // A last line ended by a bare `\r` is ended: no byte is added to the user's.
        None if text.ends_with(['\n', '\r']) => format!("{text}{block}{eol}"),
        None => format!("{text}{eol}{block}"),
    })
}

/// `text` without the org's block (unchanged when it has none).
pub fn without_block(text: &str, org: &str, path: &Path) -> Result<String, ExportError> {
    let Some((start, end)) = find_block(text, org, path)? else {
        return Ok(text.to_owned());
    };
    let rest = &text[end..];
    let after = if rest.starts_with("\r\n") {
        2
    } else if rest.starts_with('\n') {
        1
    } else {
        0
    };
    if after > 0 || start == 0 {
        return Ok(format!("{}{}", &text[..start], &rest[after..]));
    }
    // The block ends the file without a newline: take the line break exporting added,
    // which is the block's own (a user's last line may end in a bare `\r`).
    let block_eol = match text[start..].find('\n') {
        Some(i) if i > 0 && text.as_bytes()[start + i - 1] == b'\r' => "\r\n",
        _ => "\n",
    };
    let before = &text[..start];
    Ok(before.strip_suffix(block_eol).unwrap_or(before).to_owned())
}

/// Profile names the user has outside Kumo's block for this org (`[profile x]`,
/// `[default]`) and sso-session names, which Kumo must never take over.
fn names_outside(
    text: &str,
    org: &str,
    path: &Path,
) -> Result<(BTreeSet<String>, BTreeSet<String>), ExportError> {
    let outside = without_block(text, org, path)?;
    let mut profiles = BTreeSet::new();
    let mut sessions = BTreeSet::new();
    for line in outside.split(['\n', '\r']) {
        let line = line.trim();
        let Some(inner) = line.strip_prefix('[').and_then(|l| l.split(']').next()) else {
            continue;
        };
        let inner = inner.trim();
        if inner == "default" {
            profiles.insert("default".to_owned());
        } else if let Some(name) = inner.strip_prefix("profile ") {
            profiles.insert(name.trim().to_owned());
        } else if let Some(name) = inner.strip_prefix("sso-session ") {
            sessions.insert(name.trim().to_owned());
        }
    }
    Ok((profiles, sessions))
}

/// A profile name from the template: `{account_name}`, `{account_id}`, `{role}` and
/// `{org}` are replaced; anything but letters, digits, `.`, `_` and `-` becomes `-`.
pub fn profile_name(
    template: &str,
    org: &str,
    account_id: &str,
    account_name: &str,
    role: &str,
) -> String {
    let raw = template
        .replace("{account_name}", account_name)
        .replace("{account_id}", account_id)
        .replace("{role}", role)
        .replace("{org}", org);
    safe_profile_name(&raw)
}

/// Anything but letters, digits, `.`, `_` and `-` becomes `-`: a profile name can hold
/// nothing that ends its section header or its line.
fn safe_profile_name(raw: &str) -> String {
    raw.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

pub const DEFAULT_TEMPLATE: &str = "{account_name}.{role}";
/// The name of a profile whose template gave nothing: its ids are never empty.
const ID_TEMPLATE: &str = "{account_id}.{role}";

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// The block's lines, markers included.
    pub lines: Vec<String>,
    pub profiles: usize,
    /// Profile names left out because the user has a profile of that name.
    pub collisions: Vec<String>,
    /// The profile written for each target id.
    pub names: Vec<(String, String)>,
}

pub struct Request<'a> {
    pub org: &'a AwsOrg,
    pub listing: &'a OrgCache,
    pub mode: Mode,
    pub template: &'a str,
    pub prefix: &'a str,
    /// The absolute path of the kumo executable, for `credential_process`.
    pub kumo: &'a Path,
}

/// The block for `request`, given the config text it goes into.
pub fn plan(text: &str, request: &Request<'_>, path: &Path) -> Result<Plan, ExportError> {
    let org = request.org.name.as_str();
    let (user_profiles, user_sessions) = names_outside(text, org, path)?;
    let mut lines = vec![
        begin_marker(org),
        format!(
            "# Written by `kumo export aws`; edits inside this block are replaced by the next export."
        ),
    ];
    let mut collisions = Vec::new();
    if request.mode == Mode::SsoSession {
        if user_sessions.contains(org) {
            collisions.push(format!("sso-session {org}"));
        }
        lines.extend([
            String::new(),
            format!("[sso-session {org}]"),
            format!("sso_start_url = {}", request.org.start_url.as_str()),
            format!("sso_region = {}", request.org.region),
            "sso_registration_scopes = sso:account:access".to_owned(),
        ]);
    }
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut profiles = 0;
    let mut names = Vec::new();
    // The listing was checked where it arrived; an id or role that is still not
    // well-formed (a listing built elsewhere) never reaches the file.
    let accounts = request
        .listing
        .accounts
        .iter()
        .filter(|a| untrusted::aws_account_id(&a.id));
    for account in accounts {
        for role in account.roles.iter().filter(|r| untrusted::aws_role_name(r)) {
            let mut base = format!(
                "{}{}",
                safe_profile_name(request.prefix),
                profile_name(request.template, org, &account.id, &account.name, role)
            );
            // A template of names the listing left empty (an account with no name)
            // would write `[profile ]`: the ids name that profile instead.
            if base.is_empty() {
                base = profile_name(ID_TEMPLATE, org, &account.id, &account.name, role);
            }
            // Stable disambiguation: the same listing always gives the same names.
            let mut name = base.clone();
            if taken.contains(&name) {
                name = format!("{base}-{}", account.id);
            }
            let mut n = 2;
            while taken.contains(&name) {
                name = format!("{base}-{}-{n}", account.id);
                n += 1;
            }
            taken.insert(name.clone());
            if user_profiles.contains(&name) {
                collisions.push(name);
                continue;
            }
            lines.push(String::new());
            lines.push(format!("[profile {name}]"));
            match request.mode {
                Mode::CredentialProcess => lines.push(format!(
                    "credential_process = {} credential-process {}",
                    quote_path(request.kumo),
                    quote_word(&format!("aws:{org}/{}/{role}", account.id))
                )),
                Mode::SsoSession => lines.extend([
                    format!("sso_session = {org}"),
                    format!("sso_account_id = {}", account.id),
                    format!("sso_role_name = {role}"),
                ]),
            }
            lines.push(format!("region = {}", request.org.region));
            profiles += 1;
            names.push((
                crate::target::TargetId::aws(org, &account.id, role).to_string(),
                name,
            ));
        }
    }
    lines.push(end_marker(org));
    Ok(Plan {
        lines,
        profiles,
        collisions,
        names,
    })
}

/// The profiles inside Kumo's blocks of `text`, each with the target it stands for: what
/// lets a person name a target by the profile they already type.
pub fn kumo_profiles(text: &str) -> Vec<(String, crate::target::TargetId)> {
    let mut found = Vec::new();
    let mut org: Option<&str> = None;
    let mut profile: Option<&str> = None;
    let (mut account, mut role): (Option<&str>, Option<&str>) = (None, None);
    for line in text.split(['\n', '\r']).map(str::trim) {
        if let Some(name) = line.strip_prefix("# BEGIN KUMO ") {
            org = Some(name.trim());
            continue;
        }
        if line.starts_with("# END KUMO ") {
            (org, profile) = (None, None);
            continue;
        }
        let Some(org) = org else { continue };
        if let Some(name) = line
            .strip_prefix("[profile ")
            .and_then(|rest| rest.strip_suffix(']'))
        {
            (profile, account, role) = (Some(name.trim()), None, None);
            continue;
        }
        let Some(name) = profile else { continue };
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "credential_process" => {
                if let Some(Ok(id)) = shell_words::split(value)
                    .ok()
                    .and_then(|words| words.last().map(|w| crate::target::TargetId::parse_aws(w)))
                {
                    found.push((name.to_owned(), id));
                }
            }
            "sso_account_id" => account = Some(value),
            "sso_role_name" => role = Some(value),
            _ => {}
        }
        if let (Some(a), Some(r)) = (account, role) {
            found.push((name.to_owned(), crate::target::TargetId::aws(org, a, r)));
            (account, role) = (None, None);
        }
    }
    found
}

fn quote_path(path: &Path) -> String {
    quote_word(&path.display().to_string())
}

/// The SDKs split `credential_process` like a POSIX shell (some run it through `sh -c`):
/// every word is quoted so that no character of it is read as syntax.
#[cfg(unix)]
fn quote_word(word: &str) -> String {
    shell_words::quote(word).into_owned()
}

/// On Windows the SDKs split on spaces outside double quotes, which no path or target
/// id holds.
#[cfg(not(unix))]
fn quote_word(word: &str) -> String {
    format!("\"{word}\"")
}

/// One org's part of an export: its listing, or `None` to take its block out.
pub struct OrgExport<'a> {
    pub org: &'a AwsOrg,
    pub listing: Option<&'a OrgCache>,
}

pub struct Options<'a> {
    pub mode: Mode,
    pub prefix: &'a str,
    /// The absolute path of the kumo executable, for `credential_process`.
    pub kumo: &'a Path,
    /// Compute the change, write nothing.
    pub dry_run: bool,
}

/// What an export did (or, dry, would do).
#[derive(Debug)]
pub struct Exported {
    pub path: PathBuf,
    pub original: String,
    pub text: String,
    /// Per org: how many profiles, and the names left out for the user's own.
    pub orgs: Vec<(String, usize, Vec<String>)>,
    /// The profile of each exported target id.
    pub names: Vec<(String, String)>,
}

impl Exported {
    pub fn changed(&self) -> bool {
        self.text != self.original
    }
}

/// Rewrites Kumo's blocks of the AWS config file for these orgs, under the export lock:
/// read, plan, and (unless dry) write atomically when anything changed.
pub fn export(
    env: &Environment,
    orgs: &[OrgExport<'_>],
    options: &Options<'_>,
) -> Result<Exported, ExportError> {
    let path = config_path(env);
    let _lock = lock(env)?;
    let original = read(&path)?;
    let mut text = original.clone();
    let mut summary = Vec::new();
    let mut names = Vec::new();
    for item in orgs {
        let org = item.org.name.as_str();
        let Some(listing) = item.listing else {
            text = without_block(&text, org, &path)?;
            continue;
        };
        let request = Request {
            org: item.org,
            listing,
            mode: options.mode,
            template: item.org.profile_name.as_deref().unwrap_or(DEFAULT_TEMPLATE),
            prefix: options.prefix,
            kumo: options.kumo,
        };
        let plan = plan(&text, &request, &path)?;
        text = with_block(&text, org, &plan.lines, &path)?;
        summary.push((org.to_owned(), plan.profiles, plan.collisions));
        names.extend(plan.names);
    }
    if !options.dry_run && text != original {
        write(&path, &text)?;
    }
    Ok(Exported {
        path,
        original,
        text,
        orgs: summary,
        names,
    })
}

/// A unified diff from `old` to `new`, for `--dry-run`.
pub fn unified_diff(old: &str, new: &str, path: &Path) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(&path.display().to_string(), &path.display().to_string())
        .to_string()
}

/// Reads the config file; a missing one is empty.
pub fn read(path: &Path) -> Result<String, ExportError> {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| ExportError::NotText {
            path: path.to_owned(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(source) => Err(ExportError::Read {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Serialises exports across processes (two at once would each rewrite the file from
/// what they read). Hold it from reading the file to writing it.
pub fn lock(env: &Environment) -> Result<crate::lock::FileLock, crate::lock::LockError> {
    crate::lock::FileLock::acquire(&crate::paths::lock_dir(env).join("aws-config.lock"))
}

/// Replaces the file's content atomically (see [`write_atomic`]), first clearing the
/// temp files of exports killed before their rename: called under [`lock`] only, so no
/// other export is using one.
pub fn write(path: &Path, content: &str) -> Result<(), ExportError> {
    let err = |source| ExportError::Write {
        path: path.to_owned(),
        source,
    };
    remove_stale_temp_files(path).map_err(err)?;
    write_atomic(path, content.as_bytes()).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const P: &str = "/home/u/.aws/config";

    /// A config of one org, acme.
    fn acme_config() -> crate::config::Config {
        crate::config::Config::parse(
            "[[aws]]\nname = \"acme\"\nstart_url = \"https://acme.awsapps.com/start\"\nregion = \"eu-west-1\"\n",
            Path::new("c.toml"),
        )
        .unwrap()
    }

    /// acme's listing of `accounts`.
    fn acme_listing(accounts: Vec<crate::cache::Account>) -> OrgCache {
        OrgCache::new("acme", "https://acme.awsapps.com/start", 0, accounts)
    }

    /// The block of a two-account listing, in `mode`, as it lands in the file.
    fn golden_block(mode: Mode) -> String {
        let config = acme_config();
        let account = |id: &str, name: &str, roles: &[&str]| crate::cache::Account {
            id: id.into(),
            name: name.into(),
            email: String::new(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
        };
        let listing = OrgCache::new(
            "acme",
            "https://acme.awsapps.com/start",
            0,
            vec![
                account(
                    "111111111111",
                    "Payments Prod",
                    &["AdministratorAccess", "ReadOnly"],
                ),
                account("222222222222", "search-dev", &["ReadOnly"]),
            ],
        );
        let request = Request {
            org: &config.aws[0],
            listing: &listing,
            mode,
            template: DEFAULT_TEMPLATE,
            prefix: "",
            kumo: Path::new("/opt/Kumo Tools/kumo"),
        };
        let plan = plan("", &request, Path::new(P)).unwrap();
        with_block("", "acme", &plan.lines, Path::new(P)).unwrap()
    }

    /// Whether `line` is one a profile of Kumo's block may hold.
    fn is_profile_line(line: &str) -> bool {
        let safe = |name: &str| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        };
        if let Some(name) = line
            .strip_prefix("[profile ")
            .and_then(|l| l.strip_suffix(']'))
        {
            return safe(name);
        }
        if let Some(command) = line.strip_prefix("credential_process = ") {
            let words = shell_words::split(command).unwrap_or_default();
            return words.len() == 3
                && words[0] == "/opt/Kumo Tools/kumo"
                && words[1] == "credential-process"
                && crate::target::TargetId::parse_aws(&words[2]).is_ok();
        }
        line.is_empty()
            || line == "region = eu-west-1"
            || line == "sso_session = acme"
            || line
                .strip_prefix("sso_account_id = ")
                .is_some_and(untrusted::aws_account_id)
            || line
                .strip_prefix("sso_role_name = ")
                .is_some_and(untrusted::aws_role_name)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Whatever a server or a cache says, and whatever prefix a person types, every
        /// line of the block belongs to its own profile: nothing a name holds becomes a
        /// section, a key or a shell word of its own.
        #[test]
        fn no_listing_or_prefix_writes_a_line_outside_its_profile(
            accounts in proptest::collection::vec(
                (
                    "[0-9]{12}|.{0,14}",
                    ".{0,12}",
                    proptest::collection::vec("[A-Za-z0-9_+=,.@-]{1,8}|.{0,10}", 0..3),
                ),
                0..4,
            ),
            prefix in ".{0,8}",
            template in "(\\{account_name\\}|\\{role\\}|\\{account_id\\}|.){0,4}",
            sso in proptest::bool::ANY,
        ) {
            let config = acme_config();
            let listing = acme_listing(
                accounts
                    .into_iter()
                    .map(|(id, name, roles)| crate::cache::Account {
                        id,
                        name,
                        email: String::new(),
                        roles,
                    })
                    .collect(),
            );
            let request = Request {
                org: &config.aws[0],
                listing: &listing,
                mode: if sso { Mode::SsoSession } else { Mode::CredentialProcess },
                template: if template.is_empty() { DEFAULT_TEMPLATE } else { &template },
                prefix: &prefix,
                kumo: Path::new("/opt/Kumo Tools/kumo"),
            };
            let plan = plan("", &request, Path::new(P)).unwrap();
            let text = with_block("", "acme", &plan.lines, Path::new(P)).unwrap();
            let mut lines = text.lines();
            let (begin, end) = (begin_marker("acme"), end_marker("acme"));
            proptest::prop_assert_eq!(lines.next(), Some(begin.as_str()));
            proptest::prop_assert!(lines.next().unwrap().starts_with("# Written by `kumo export aws`"));
            let mut inside: Vec<&str> = lines.collect();
            proptest::prop_assert_eq!(inside.pop(), Some(end.as_str()));
            let sso_header = [
                "",
                "[sso-session acme]",
                "sso_start_url = https://acme.awsapps.com/start",
                "sso_region = eu-west-1",
                "sso_registration_scopes = sso:account:access",
            ];
            let profiles = if sso && inside.starts_with(&sso_header) {
                &inside[sso_header.len()..]
            } else {
                &inside[..]
            };
            for line in profiles {
                proptest::prop_assert!(is_profile_line(line), "{:?} in {:?}", line, text);
            }
            proptest::prop_assert_eq!(
                profiles.iter().filter(|l| l.starts_with('[')).count(),
                plan.profiles
            );
        }
    }

    #[test]
    fn the_credential_process_block_matches_its_golden_file() {
        crate::golden::assert_golden(
            "aws-config.credential-process.ini",
            &golden_block(Mode::CredentialProcess),
        );
    }

    #[test]
    fn the_sso_session_block_matches_its_golden_file() {
        crate::golden::assert_golden(
            "aws-config.sso-session.ini",
            &golden_block(Mode::SsoSession),
        );
    }

    #[test]
    fn the_profiles_of_kumos_blocks_name_their_targets_in_both_modes() {
        let mine =
            "[profile mine]\ncredential_process = kumo credential-process aws:acme/1/Other\n";
        let text = format!(
            "{mine}{}{}",
            golden_block(Mode::CredentialProcess),
            golden_block(Mode::SsoSession)
        );
        let found: Vec<(String, String)> = kumo_profiles(&text)
            .into_iter()
            .map(|(name, id)| (name, id.to_string()))
            .collect();
        let expected = [
            (
                "Payments-Prod.AdministratorAccess",
                "aws:acme/111111111111/AdministratorAccess",
            ),
            ("Payments-Prod.ReadOnly", "aws:acme/111111111111/ReadOnly"),
            ("search-dev.ReadOnly", "aws:acme/222222222222/ReadOnly"),
        ]
        .map(|(name, id)| (name.to_owned(), id.to_owned()));
        assert_eq!(found, [expected.clone(), expected].concat());
    }

    fn block(lines: &[&str]) -> Vec<String> {
        let mut v = vec![begin_marker("acme")];
        v.extend(lines.iter().map(|l| l.to_string()));
        v.push(end_marker("acme"));
        v
    }

    fn set(text: &str, lines: &[&str]) -> String {
        with_block(text, "acme", &block(lines), Path::new(P)).unwrap()
    }

    fn unset(text: &str) -> String {
        without_block(text, "acme", Path::new(P)).unwrap()
    }

    #[test]
    fn a_block_is_appended_after_a_final_newline() {
        assert_eq!(
            set("[default]\nregion = x\n", &["a"]),
            "[default]\nregion = x\n# BEGIN KUMO acme\na\n# END KUMO acme\n"
        );
    }

    #[test]
    fn without_a_final_newline_the_block_brings_its_own_line_break() {
        let text = "[default]\nregion = x";
        let exported = set(text, &["a"]);
        assert_eq!(
            exported,
            "[default]\nregion = x\n# BEGIN KUMO acme\na\n# END KUMO acme"
        );
        assert_eq!(unset(&exported), text);
    }

    #[test]
    fn a_last_line_ending_in_a_bare_cr_is_kept() {
        // Found by the fuzz target: the block's "\n" after the user's "\r" is not a CRLF.
        let text = "\n\r";
        let once = set(text, &["a"]);
        assert_eq!(unset(&once), text);
        assert_eq!(set(&once, &["a"]), once);
    }

    #[test]
    fn a_file_of_bare_cr_lines_keeps_every_byte_outside_the_block() {
        let text = "[default]\rregion = x\r";
        let once = set(text, &["a"]);
        assert_eq!(
            once,
            "[default]\rregion = x\r# BEGIN KUMO acme\na\n# END KUMO acme\n"
        );
        assert_eq!(unset(&once), text);
        assert_eq!(set(&once, &["a"]), once);
    }

    #[test]
    fn crlf_files_get_crlf_blocks() {
        let exported = set("[default]\r\nregion = x\r\n", &["a"]);
        assert_eq!(
            exported,
            "[default]\r\nregion = x\r\n# BEGIN KUMO acme\r\na\r\n# END KUMO acme\r\n"
        );
    }

    #[test]
    fn a_second_export_replaces_only_the_block() {
        let text = "# mine\n# BEGIN KUMO acme\nold\n# END KUMO acme\n[profile mine]\n";
        assert_eq!(
            set(text, &["new"]),
            "# mine\n# BEGIN KUMO acme\nnew\n# END KUMO acme\n[profile mine]\n"
        );
    }

    #[test]
    fn removal_takes_the_block_and_nothing_else() {
        let text = "# mine\n# BEGIN KUMO acme\nold\n# END KUMO acme\n[profile mine]\n";
        assert_eq!(unset(text), "# mine\n[profile mine]\n");
        assert_eq!(unset("[x]\n"), "[x]\n");
    }

    #[test]
    fn other_orgs_blocks_are_left_alone() {
        let text = "# BEGIN KUMO beta\nb\n# END KUMO beta\n";
        let exported = set(text, &["a"]);
        assert!(exported.starts_with(text));
        assert_eq!(unset(&exported), text);
    }

    #[test]
    fn an_unclosed_block_is_an_error_not_a_guess() {
        let err =
            with_block("# BEGIN KUMO acme\nx\n", "acme", &block(&[]), Path::new(P)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/home/u/.aws/config has `# BEGIN KUMO acme` without a matching `# END KUMO acme` line: fix or remove the block by hand, then export again"
        );
    }

    #[test]
    fn two_blocks_of_one_org_are_an_error() {
        let text = "# BEGIN KUMO acme\n# END KUMO acme\n# BEGIN KUMO acme\n# END KUMO acme\n";
        assert!(matches!(
            without_block(text, "acme", Path::new(P)),
            Err(ExportError::Duplicate { .. })
        ));
    }

    #[test]
    fn profile_names_are_sanitised() {
        assert_eq!(
            profile_name(DEFAULT_TEMPLATE, "acme", "1", "Payments (Prod)", "Admin"),
            "Payments--Prod-.Admin"
        );
        assert_eq!(
            profile_name("{org}-{account_id}-{role}", "acme", "123", "x", "R"),
            "acme-123-R"
        );
    }

    #[test]
    fn an_account_without_a_name_is_named_by_its_ids() {
        let config = acme_config();
        let listing = acme_listing(vec![crate::cache::Account {
            id: "000000000000".into(),
            name: String::new(),
            email: String::new(),
            roles: vec!["ReadOnly".into()],
        }]);
        let request = Request {
            org: &config.aws[0],
            listing: &listing,
            mode: Mode::CredentialProcess,
            template: "{account_name}",
            prefix: "",
            kumo: Path::new("/opt/Kumo Tools/kumo"),
        };
        let plan = plan("", &request, Path::new(P)).unwrap();
        assert_eq!(
            plan.names,
            [(
                "aws:acme/000000000000/ReadOnly".to_owned(),
                "000000000000.ReadOnly".to_owned()
            )]
        );
    }

    /// Lines a person might have in an AWS config, markers of other orgs included.
    fn user_line() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just("[default]".to_owned()),
            Just("[profile payments-prod.AdministratorAccess]".to_owned()),
            Just("[profile  spaced ]".to_owned()),
            Just("[sso-session acme]".to_owned()),
            Just("# BEGIN KUMO beta".to_owned()),
            Just("# END KUMO beta".to_owned()),
            "[a-z_]{1,12} *= *[ -~]{0,30}",
            "[#;] ?[ -~ÄöüÉ雲☁]{0,40}",
            "\\PC{0,30}",
            // A last line may end in a bare CR (the fuzz target found this one).
            "[a-z]{0,4}\r",
            "[ \t]{1,4}[a-z]{1,8} = [a-z0-9]{0,8}",
        ]
        .prop_filter("not a marker of this org", |l| !l.contains("KUMO acme"))
    }

    fn user_file() -> impl Strategy<Value = String> {
        (
            prop::collection::vec((user_line(), prop::bool::ANY), 0..40),
            prop::bool::ANY,
        )
            .prop_map(|(lines, crlf_last)| {
                let mut text = String::new();
                for (line, crlf) in &lines {
                    text.push_str(line);
                    text.push_str(if *crlf { "\r\n" } else { "\n" });
                }
                if crlf_last && text.ends_with('\n') {
                    text.pop();
                    if text.ends_with('\r') {
                        text.pop();
                    }
                }
                text
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        #[test]
        fn outside_the_block_every_byte_is_kept(text in user_file(), a in "[a-z]{0,8}", b in "[a-z]{0,8}") {
            let once = set(&text, &[&a]);
            prop_assert_eq!(unset(&once), text.clone());
            let twice = set(&once, &[&b]);
            prop_assert_eq!(unset(&twice), text.clone());
            prop_assert_eq!(set(&twice, &[&a]), once.clone());
            prop_assert!(once.starts_with(text.trim_end_matches(['\r', '\n'])));
        }
    }
}
