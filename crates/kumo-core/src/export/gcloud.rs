//! `kumo export gcloud`: a named gcloud configuration per Google Cloud project,
//! `configurations/config_kumo-<project>` under `$CLOUDSDK_CONFIG` (else
//! `~/.config/gcloud`), holding `[core] account` and `project`.
//!
//! Kumo's files start with [`MARKER`]; a file without it is the user's and is never
//! rewritten or removed, even under a `kumo-` name. `active_config` changes only when
//! asked to. Every write is atomic.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::environment::Environment;
use crate::fsutil::write_atomic;

/// The first line of every configuration Kumo writes.
pub const MARKER: &str =
    "# Written by Kumo (`kumo export gcloud`), which rewrites or removes this file.";
const PREFIX: &str = "config_kumo-";

#[derive(Debug, thiserror::Error)]
pub enum GcloudError {
    #[error("`{0}` is not a Google Cloud project id (lowercase letters, digits and hyphens)")]
    BadProjectId(String),
    #[error(
        "the identity's email is not an address that gcloud can take; sign in again with `kumo login --identity`"
    )]
    BadAccount,
    #[error("--activate needs exactly one project, and {0} were chosen: name the one to activate")]
    ActivateNeedsOne(usize),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}; nothing after it was changed")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// gcloud's own directory: `$CLOUDSDK_CONFIG`, else `~/.config/gcloud` (`%APPDATA%\gcloud`
/// on Windows).
pub fn config_dir(env: &Environment) -> PathBuf {
    if let Some(dir) = env.get("CLOUDSDK_CONFIG") {
        return PathBuf::from(dir);
    }
    if cfg!(windows)
        && let Some(appdata) = env.get("APPDATA")
    {
        return PathBuf::from(appdata).join("gcloud");
    }
    PathBuf::from(env.get("HOME").unwrap_or(".")).join(".config/gcloud")
}

/// Serialises gcloud exports across processes, as [`crate::export::aws_config::lock`]
/// does AWS ones. Hold it from planning to applying.
pub fn lock(env: &Environment) -> Result<crate::lock::FileLock, crate::lock::LockError> {
    crate::lock::FileLock::acquire(&crate::paths::lock_dir(env).join("gcloud.lock"))
}

/// The configuration's name for a project: what `gcloud config configurations activate`
/// and `CLOUDSDK_ACTIVE_CONFIG_NAME` take.
pub fn configuration_name(project_id: &str) -> String {
    format!("kumo-{project_id}")
}

/// One file's change: `None` for absent (before) or removed (after).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub path: PathBuf,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Files that change, in path order; unchanged files are not listed.
    pub changes: Vec<Change>,
    /// Configurations under Kumo's names that are the user's own, left alone.
    pub foreign: Vec<String>,
    /// Kumo's configurations for projects no longer listed, kept because they are active.
    pub kept_active: Vec<String>,
    /// How many configurations the export covers, changed or not.
    pub configurations: usize,
}

pub struct Request<'a> {
    /// The identity's email: gcloud's `[core] account`.
    pub account: &'a str,
    pub projects: &'a [String],
    /// Remove Kumo's configurations of projects not in `projects` (an export of all).
    pub prune: bool,
    /// Make the one project's configuration gcloud's active one.
    pub activate: bool,
}

/// What exporting would change in `dir`, reading but writing nothing.
pub fn plan(dir: &Path, request: &Request<'_>) -> Result<Plan, GcloudError> {
    if let Some(bad) = request.projects.iter().find(|p| !is_project_id(p)) {
        return Err(GcloudError::BadProjectId(bad.clone()));
    }
    if !crate::untrusted::email(request.account) {
        return Err(GcloudError::BadAccount);
    }
    if request.activate && request.projects.len() != 1 {
        return Err(GcloudError::ActivateNeedsOne(request.projects.len()));
    }
    let configurations = dir.join("configurations");
    let active = read_optional(&dir.join("active_config"))?.map(|s| s.trim().to_owned());
    let mut plan = Plan::default();
    let wanted: BTreeSet<&str> = request.projects.iter().map(String::as_str).collect();
    for project in &wanted {
        let name = configuration_name(project);
        let path = configurations.join(format!("config_{name}"));
        let before = read_optional(&path)?;
        if before.as_deref().is_some_and(|text| !is_kumos(text)) {
            plan.foreign.push(name);
            continue;
        }
        let after = configuration(request.account, project);
        if before.as_deref() != Some(after.as_str()) {
            plan.changes.push(Change {
                path,
                before,
                after: Some(after),
            });
        }
    }
    if request.prune {
        for (project, path) in kumo_configurations(&configurations)? {
            if wanted.contains(project.as_str()) {
                continue;
            }
            let before = read_optional(&path)?;
            let Some(text) = before.filter(|t| is_kumos(t)) else {
                continue;
            };
            let name = configuration_name(&project);
            if active.as_deref() == Some(name.as_str()) {
                plan.kept_active.push(name);
                continue;
            }
            plan.changes.push(Change {
                path,
                before: Some(text),
                after: None,
            });
        }
    }
    if request.activate {
        let name = configuration_name(&request.projects[0]);
        if !plan.foreign.contains(&name) && active.as_deref() != Some(name.as_str()) {
            plan.changes.push(Change {
                path: dir.join("active_config"),
                before: read_optional(&dir.join("active_config"))?,
                after: Some(name),
            });
        }
    }
    plan.changes.sort_by(|a, b| a.path.cmp(&b.path));
    plan.configurations = wanted.len() - plan.foreign.len();
    Ok(plan)
}

/// Carries out a plan, file by file, each write atomic.
pub fn apply(plan: &Plan) -> Result<(), GcloudError> {
    for change in &plan.changes {
        let err = |source| GcloudError::Write {
            path: change.path.clone(),
            source,
        };
        match &change.after {
            Some(text) => write_atomic(&change.path, text.as_bytes()).map_err(err)?,
            None => match std::fs::remove_file(&change.path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(err(e)),
                _ => {}
            },
        }
    }
    Ok(())
}

/// The plan as unified diffs, for `--dry-run`.
pub fn unified_diff(plan: &Plan) -> String {
    plan.changes
        .iter()
        .map(|change| {
            let name = change.path.display().to_string();
            let before = change.before.as_deref().unwrap_or("");
            let after = change.after.as_deref().unwrap_or("");
            let old_header = if change.before.is_some() {
                name.as_str()
            } else {
                "/dev/null"
            };
            let new_header = if change.after.is_some() {
                name.as_str()
            } else {
                "/dev/null"
            };
            similar::TextDiff::from_lines(before, after)
                .unified_diff()
                .header(old_header, new_header)
                .to_string()
        })
        .collect()
}

fn configuration(account: &str, project: &str) -> String {
    format!("{MARKER}\n[core]\naccount = {account}\nproject = {project}\n")
}

fn is_kumos(text: &str) -> bool {
    text.lines().next() == Some(MARKER)
}

/// Google's rule (6–30 characters, a letter first, no trailing hyphen), loosened in
/// length only: an id that passes can never name a path outside `configurations/`.
fn is_project_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && !id.ends_with('-')
        && id.len() <= 63
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The `config_kumo-<project>` files in `dir`, as (project, path).
fn kumo_configurations(dir: &Path) -> Result<Vec<(String, PathBuf)>, GcloudError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(GcloudError::Read {
                path: dir.to_owned(),
                source,
            });
        }
    };
    let mut found: Vec<(String, PathBuf)> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let project = name.strip_prefix(PREFIX)?.to_owned();
            Some((project, entry.path()))
        })
        .collect();
    found.sort();
    Ok(found)
}

fn read_optional(path: &Path) -> Result<Option<String>, GcloudError> {
    match std::fs::read(path) {
        // A file that is not UTF-8 is not one Kumo wrote: lossy text marks it foreign.
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(GcloudError::Read {
            path: path.to_owned(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn a_configuration_matches_its_golden_file() {
        crate::golden::assert_golden(
            "gcloud.configuration.ini",
            &configuration("developer@example.com", "acme-web-prod"),
        );
    }

    fn request<'a>(projects: &'a [String], prune: bool, activate: bool) -> Request<'a> {
        Request {
            account: "dev@acme.com",
            projects,
            prune,
            activate,
        }
    }

    fn projects(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    fn export(dir: &Path, request: &Request<'_>) -> Plan {
        let plan = plan(dir, request).unwrap();
        apply(&plan).unwrap();
        plan
    }

    /// Every file under `dir` with its bytes.
    fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        let mut stack = vec![dir.to_owned()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    files.insert(path.clone(), std::fs::read(&path).unwrap());
                }
            }
        }
        files
    }

    fn users_gcloud_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let configurations = dir.path().join("configurations");
        std::fs::create_dir_all(&configurations).unwrap();
        std::fs::write(
            configurations.join("config_default"),
            "[core]\r\naccount = me@gmail.com\r\n# mine\r\nproject = hobby",
        )
        .unwrap();
        std::fs::write(
            configurations.join("config_kumo-acme-prod"),
            "[core]\nproject = acme-prod\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("active_config"), "default").unwrap();
        std::fs::write(dir.path().join("credentials.db"), [0u8, 159, 146, 150]).unwrap();
        dir
    }

    #[test]
    fn a_configuration_holds_the_account_and_project_under_core() {
        let dir = tempfile::tempdir().unwrap();
        export(dir.path(), &request(&projects(&["acme-dev"]), false, false));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("configurations/config_kumo-acme-dev"))
                .unwrap(),
            format!("{MARKER}\n[core]\naccount = dev@acme.com\nproject = acme-dev\n")
        );
    }

    #[test]
    fn every_file_kumo_did_not_create_is_kept_byte_for_byte() {
        let dir = users_gcloud_dir();
        let before = tree(dir.path());
        let plan = export(
            dir.path(),
            &request(&projects(&["acme-dev", "acme-prod"]), true, false),
        );
        let after = tree(dir.path());
        for (path, bytes) in &before {
            assert_eq!(after.get(path), Some(bytes), "{}", path.display());
        }
        assert_eq!(plan.foreign, ["kumo-acme-prod"]);
        assert_eq!(after.len(), before.len() + 1);
    }

    #[test]
    fn active_config_is_left_alone_without_activate() {
        let dir = users_gcloud_dir();
        export(dir.path(), &request(&projects(&["acme-dev"]), false, false));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("active_config")).unwrap(),
            "default"
        );
    }

    #[test]
    fn activate_makes_the_projects_configuration_active() {
        let dir = users_gcloud_dir();
        export(dir.path(), &request(&projects(&["acme-dev"]), false, true));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("active_config")).unwrap(),
            "kumo-acme-dev"
        );
    }

    #[test]
    fn activate_never_activates_a_users_configuration() {
        let dir = users_gcloud_dir();
        export(dir.path(), &request(&projects(&["acme-prod"]), false, true));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("active_config")).unwrap(),
            "default"
        );
    }

    #[test]
    fn activate_with_several_projects_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = plan(
            dir.path(),
            &request(&projects(&["a-1", "b-2"]), false, true),
        );
        assert_eq!(
            err.unwrap_err().to_string(),
            "--activate needs exactly one project, and 2 were chosen: name the one to activate"
        );
    }

    #[test]
    fn a_second_export_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let wanted = projects(&["acme-dev", "acme-ops"]);
        export(dir.path(), &request(&wanted, true, false));
        let again = plan(dir.path(), &request(&wanted, true, false)).unwrap();
        assert_eq!(again.changes, []);
        assert_eq!(again.configurations, 2);
    }

    #[test]
    fn pruning_removes_only_kumos_configurations_of_unlisted_projects() {
        let dir = users_gcloud_dir();
        export(
            dir.path(),
            &request(&projects(&["gone-1", "kept-2"]), false, false),
        );
        export(dir.path(), &request(&projects(&["kept-2"]), true, false));
        let configurations = dir.path().join("configurations");
        assert!(!configurations.join("config_kumo-gone-1").exists());
        assert!(configurations.join("config_kumo-kept-2").exists());
        assert!(configurations.join("config_kumo-acme-prod").exists());
    }

    #[test]
    fn an_active_configuration_is_not_pruned() {
        let dir = tempfile::tempdir().unwrap();
        export(dir.path(), &request(&projects(&["gone-1"]), false, true));
        let plan = export(dir.path(), &request(&projects(&["kept-2"]), true, false));
        assert_eq!(plan.kept_active, ["kumo-gone-1"]);
        assert!(
            dir.path()
                .join("configurations/config_kumo-gone-1")
                .exists()
        );
    }

    #[test]
    fn without_prune_other_kumo_configurations_stay() {
        let dir = tempfile::tempdir().unwrap();
        export(dir.path(), &request(&projects(&["one-1"]), false, false));
        export(dir.path(), &request(&projects(&["two-2"]), false, false));
        assert!(dir.path().join("configurations/config_kumo-one-1").exists());
    }

    #[test]
    fn a_project_id_that_could_leave_the_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../evil", "Upper", "a/b", "", "trailing-"] {
            let err = plan(dir.path(), &request(&projects(&[bad]), false, false));
            assert!(
                matches!(err, Err(GcloudError::BadProjectId(ref id)) if id == bad),
                "{bad}"
            );
        }
    }

    #[test]
    fn dry_run_diff_shows_new_files_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let plan = plan(dir.path(), &request(&projects(&["acme-dev"]), false, false)).unwrap();
        let diff = unified_diff(&plan);
        let path = dir.path().join("configurations/config_kumo-acme-dev");
        assert_eq!(
            diff,
            format!(
                "--- /dev/null\n+++ {}\n@@ -0,0 +1,4 @@\n+{MARKER}\n+[core]\n+account = dev@acme.com\n+project = acme-dev\n",
                path.display()
            )
        );
        assert!(!dir.path().join("configurations").exists());
    }

    #[test]
    fn config_dir_follows_cloudsdk_config() {
        let env = Environment::from_pairs([("CLOUDSDK_CONFIG", "/x/gc"), ("HOME", "/home/a")]);
        assert_eq!(config_dir(&env), PathBuf::from("/x/gc"));
        let env = Environment::from_pairs([("HOME", "/home/a")]);
        assert_eq!(config_dir(&env), PathBuf::from("/home/a/.config/gcloud"));
    }
}
