//! Exports for other tools: Kumo's profiles in ~/.aws/config (inside a marked block per
//! org, atomically, under the export lock) and a gcloud configuration per Google Cloud
//! project (under the gcloud lock). Both locks are taken here, for every front end.

use std::path::PathBuf;

use super::{Error, Feedback, Kumo, Prompt};
use crate::audit::Event;
use crate::aws::org::OrgClient;
use crate::environment::Environment;
use crate::export::aws_config::{self, Mode, OrgExport};
use crate::export::gcloud;
use crate::identity::oidc;
use crate::target::TargetId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileMode {
    /// `credential_process = kumo credential-process …`: Kumo's keychain and refresh.
    CredentialProcess,
    /// `[sso-session]` profiles the AWS CLI and SDKs refresh natively.
    SsoSession,
}

/// `kumo export aws`.
#[derive(Debug, Clone, Copy)]
pub struct AwsExport<'a> {
    /// Only this org (default: every configured org).
    pub org: Option<&'a str>,
    pub mode: ProfileMode,
    /// Put before every profile name.
    pub prefix: &'a str,
    /// Compute the change and its diff, write nothing.
    pub dry_run: bool,
    /// Take Kumo's blocks out of the file, and nothing else.
    pub remove: bool,
    /// Who may be asked to sign in when an org has no listing yet.
    pub prompt: Prompt,
    /// Also write the AWS CLI's SSO token cache for each org (sso-session mode only).
    pub write_sso_cache: bool,
}

/// One org's part of an AWS export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgProfiles {
    pub org: String,
    pub profiles: usize,
    /// Profiles left out because a section of that name is the user's own.
    pub collisions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsExported {
    pub path: PathBuf,
    pub orgs: Vec<OrgProfiles>,
    /// Whether the file changes (or, dry, would).
    pub changed: bool,
    /// The unified diff of a dry run.
    pub diff: Option<String>,
    /// The AWS CLI's SSO token cache files written.
    pub sso_caches: Vec<PathBuf>,
}

/// Where "Export as profile" wrote, and the profile to use.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProfileExport {
    pub path: String,
    pub profile: String,
}

/// `kumo export gcloud`.
#[derive(Debug, Clone, Copy)]
pub struct GcloudExport<'a> {
    /// `<id>` or `gcp:<id>`; none for every listed project (then Kumo's configurations of
    /// projects no longer listed are removed).
    pub projects: &'a [String],
    pub dry_run: bool,
    /// Make the one project's configuration gcloud's active one.
    pub activate: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GcloudExported {
    pub dir: PathBuf,
    /// Configurations under Kumo's names that are the user's own, left alone.
    pub foreign: Vec<String>,
    /// Kumo's configurations of projects no longer listed, kept because they are active.
    pub kept_active: Vec<String>,
    pub configurations: usize,
    /// Files that changed (or, dry, would).
    pub files_changed: usize,
    pub diff: Option<String>,
}

/// The `kumo` command line that `credential_process` runs: this very program when it is
/// `kumo`, else the one installed beside the app, else the one on PATH.
fn kumo_program(env: &Environment) -> Result<PathBuf, Error> {
    let exe = std::env::current_exe()?;
    if exe.file_stem().is_some_and(|stem| stem == "kumo") {
        return Ok(exe);
    }
    let beside = exe.parent().map(|dir| dir.join("kumo"));
    let on_path = env
        .get("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(paths).collect::<Vec<_>>())
        .map(|dir| dir.join("kumo"));
    beside
        .into_iter()
        .chain(on_path)
        .find(|p| p.is_file())
        .ok_or_else(|| {
            Error::new("the `kumo` command line is not installed beside the app or on PATH")
        })
}

impl Kumo {
    pub async fn export_aws(
        &self,
        request: &AwsExport<'_>,
        feedback: &dyn Feedback,
    ) -> Result<AwsExported, Error> {
        let kumo = kumo_program(&self.ctx.env)?;
        let orgs = self.orgs(request.org)?;
        if request.write_sso_cache && request.mode != ProfileMode::SsoSession {
            return Err(Error::new(
                "the SSO token cache is for sso-session profiles: add `--mode sso-session`",
            ));
        }
        let mut listings = Vec::new();
        if !request.remove {
            let browser = self.sign_in_browser()?;
            for org in &orgs {
                let interaction = self.interaction(request.prompt, org, browser.as_ref(), feedback);
                listings.push(self.org_listing(org, &interaction, feedback).await?);
            }
        }
        let items: Vec<OrgExport> = orgs
            .iter()
            .enumerate()
            .map(|(i, org)| OrgExport {
                org,
                listing: listings.get(i),
            })
            .collect();
        let exported = aws_config::export(
            &self.ctx.env,
            &items,
            &aws_config::Options {
                mode: match request.mode {
                    ProfileMode::CredentialProcess => Mode::CredentialProcess,
                    ProfileMode::SsoSession => Mode::SsoSession,
                },
                prefix: request.prefix,
                kumo: &kumo,
                dry_run: request.dry_run,
            },
        )?;
        if exported.changed() && !request.dry_run {
            self.record(&Event::ExportWritten {
                file: exported.path.clone(),
                profiles: exported.orgs.iter().map(|(_, profiles, _)| profiles).sum(),
            })?;
        }
        let mut sso_caches = Vec::new();
        if request.write_sso_cache && !request.dry_run && !request.remove {
            for org in &orgs {
                let client = OrgClient::new(org, &self.ctx.env, self.ctx.store.as_ref());
                let file = client.write_sso_cache().await?;
                self.record(&Event::ExportWritten {
                    file: file.clone(),
                    profiles: 0,
                })?;
                sso_caches.push(file);
            }
        }
        Ok(AwsExported {
            sso_caches,
            changed: exported.changed(),
            diff: request.dry_run.then(|| {
                aws_config::unified_diff(&exported.original, &exported.text, &exported.path)
            }),
            orgs: exported
                .orgs
                .into_iter()
                .map(|(org, profiles, collisions)| OrgProfiles {
                    org,
                    profiles,
                    collisions,
                })
                .collect(),
            path: exported.path,
        })
    }

    /// Writes the profiles of TARGET's org into ~/.aws/config, `credential_process`
    /// pointing at the installed `kumo`, and says which profile is TARGET's.
    pub async fn export_profile(&self, target: &str) -> Result<ProfileExport, Error> {
        let t = self.ctx.consoles().resolve_aws(target)?;
        self.guard_role(&t, "profile")?;
        let org = t.org;
        let listing = crate::cache::load(&self.ctx.env, org.name.as_str(), org.start_url.as_str())?
            .ok_or_else(|| {
                Error::new(format!("no listing of `{}` yet: refresh first", org.name))
            })?;
        let kumo = kumo_program(&self.ctx.env)?;
        let exported = aws_config::export(
            &self.ctx.env,
            &[OrgExport {
                org,
                listing: Some(&listing),
            }],
            &aws_config::Options {
                mode: Mode::CredentialProcess,
                prefix: "",
                kumo: &kumo,
                dry_run: false,
            },
        )?;
        if exported.changed() {
            self.record(&Event::ExportWritten {
                file: exported.path.clone(),
                profiles: exported.orgs.iter().map(|(_, profiles, _)| profiles).sum(),
            })?;
        }
        let wanted = t.id().to_string();
        let profile = exported
            .names
            .into_iter()
            .find(|(id, _)| *id == wanted)
            .map(|(_, name)| name)
            .ok_or_else(|| {
                Error::new(format!(
                    "{wanted} is not in the listing, or a profile of yours has its name"
                ))
            })?;
        Ok(ProfileExport {
            path: exported.path.display().to_string(),
            profile,
        })
    }

    pub async fn export_gcloud(&self, request: &GcloudExport<'_>) -> Result<GcloudExported, Error> {
        let ctx = &self.ctx;
        let gcp = ctx.config.gcp.as_ref().ok_or_else(|| {
            Error::new(format!(
                "no Google Cloud in {}: add a `[gcp]` table and an `[identity]`",
                ctx.config_path.display()
            ))
        })?;
        let who = oidc::whoami(ctx.store.as_ref())?.ok_or(oidc::IdentityError::NotSignedIn)?;
        let projects = match crate::gcp::load_cache(&ctx.env) {
            Some(cached) => cached,
            None => crate::gcp::relist(ctx, gcp).await?,
        };
        let listed: Vec<String> = projects.into_iter().map(|p| p.id).collect();
        let chosen: Vec<String> = if request.projects.is_empty() {
            listed.clone()
        } else {
            let chosen: Vec<String> = request
                .projects
                .iter()
                .map(|p| match TargetId::parse(p) {
                    Ok(TargetId::Gcp { project }) => project,
                    _ => p.clone(),
                })
                .collect();
            if let Some(unknown) = chosen.iter().find(|p| !listed.contains(p)) {
                return Err(Error::new(format!(
                    "no Google Cloud project `{unknown}` is listed for {}: check `kumo ls --cloud gcp --refresh`",
                    who.email
                )));
            }
            chosen
        };
        let dir = gcloud::config_dir(&ctx.env);
        let _lock = gcloud::lock(&ctx.env)?;
        let plan = gcloud::plan(
            &dir,
            &gcloud::Request {
                account: &who.email,
                projects: &chosen,
                prune: request.projects.is_empty(),
                activate: request.activate,
            },
        )?;
        if !request.dry_run && !plan.changes.is_empty() {
            gcloud::apply(&plan)?;
            self.record(&Event::ExportWritten {
                file: dir.clone(),
                profiles: plan.configurations,
            })?;
        }
        Ok(GcloudExported {
            diff: request.dry_run.then(|| gcloud::unified_diff(&plan)),
            files_changed: plan.changes.len(),
            configurations: plan.configurations,
            foreign: plan.foreign,
            kept_active: plan.kept_active,
            dir,
        })
    }
}
