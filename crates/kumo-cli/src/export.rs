//! `kumo export aws`: Kumo's profiles in ~/.aws/config, inside a marked block per org.
//! `kumo export gcloud`: a gcloud configuration per Google Cloud project.

use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};
use kumo_core::export::aws_config::{self, Mode, Options, OrgExport};
use kumo_core::export::gcloud;
use kumo_core::identity::oidc;

use crate::aws::{listing, orgs};
use crate::context::Context;
use crate::list::gcp_projects;

#[derive(Subcommand)]
pub enum Export {
    /// Write (or with --remove, take out) profiles in ~/.aws/config ($AWS_CONFIG_FILE).
    Aws(AwsArgs),
    /// Write gcloud configurations `kumo-<project>` (under $CLOUDSDK_CONFIG, else
    /// ~/.config/gcloud) with the signed-in identity's account.
    Gcloud(GcloudArgs),
}

#[derive(Args)]
pub struct GcloudArgs {
    /// The projects (`<id>` or `gcp:<id>`). Without any: every listed project, and Kumo's
    /// configurations of projects no longer listed are removed.
    projects: Vec<String>,
    /// Print a unified diff of the change and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Make the project's configuration gcloud's active one (needs exactly one project).
    #[arg(long)]
    activate: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    /// `credential_process = kumo credential-process …`: Kumo's keychain and refresh.
    CredentialProcess,
    /// `[sso-session]` profiles the AWS CLI and SDKs refresh natively.
    SsoSession,
}

#[derive(Args)]
pub struct AwsArgs {
    /// Only this org (default: every configured org).
    #[arg(long)]
    org: Option<String>,
    #[arg(long, value_enum, default_value = "credential-process")]
    mode: ModeArg,
    /// Put this before every profile name.
    #[arg(long, default_value = "")]
    prefix: String,
    /// Print a unified diff of the change and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Take Kumo's block out of the file, and nothing else.
    #[arg(long, conflicts_with_all = ["mode", "prefix"])]
    remove: bool,
}

pub fn aws(args: AwsArgs) -> anyhow::Result<()> {
    let ctx = Context::load()?;
    let kumo = std::env::current_exe()?;
    let selected = orgs(&ctx, args.org.as_deref())?;
    let listings = if args.remove {
        Vec::new()
    } else {
        selected
            .iter()
            .map(|org| listing(&ctx, org, false))
            .collect::<anyhow::Result<Vec<_>>>()?
    };
    let items: Vec<OrgExport> = selected
        .iter()
        .enumerate()
        .map(|(i, org)| OrgExport {
            org,
            listing: listings.get(i),
        })
        .collect();
    let exported = aws_config::export(
        &ctx.env,
        &items,
        &Options {
            mode: match args.mode {
                ModeArg::CredentialProcess => Mode::CredentialProcess,
                ModeArg::SsoSession => Mode::SsoSession,
            },
            prefix: &args.prefix,
            kumo: &kumo,
            dry_run: args.dry_run,
        },
    )?;
    for (org, profiles, collisions) in &exported.orgs {
        for name in collisions {
            eprintln!(
                "kumo: left out `{name}`: a section of that name exists outside Kumo's block (rename yours, or export with --prefix)"
            );
        }
        eprintln!("{org}: {profiles} profiles");
    }
    let path = &exported.path;
    if args.dry_run {
        print!(
            "{}",
            aws_config::unified_diff(&exported.original, &exported.text, path)
        );
    } else if !exported.changed() {
        println!("{} is already up to date.", path.display());
    } else {
        println!("Updated {}.", path.display());
    }
    Ok(())
}

pub fn gcloud(args: GcloudArgs) -> anyhow::Result<()> {
    let ctx = Context::load()?;
    let gcp = ctx.config.gcp.as_ref().with_context(|| {
        format!(
            "no Google Cloud in {}: add a `[gcp]` table and an `[identity]`",
            ctx.config_path.display()
        )
    })?;
    let who = oidc::whoami(ctx.store.as_ref())?.ok_or(oidc::IdentityError::NotSignedIn)?;
    let listed: Vec<String> = gcp_projects(&ctx, gcp, false)?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let chosen: Vec<String> = if args.projects.is_empty() {
        listed.clone()
    } else {
        let chosen: Vec<String> = args
            .projects
            .iter()
            .map(|p| p.strip_prefix("gcp:").unwrap_or(p).to_owned())
            .collect();
        if let Some(unknown) = chosen.iter().find(|p| !listed.contains(p)) {
            anyhow::bail!(
                "no Google Cloud project `{unknown}` is listed for {}: check `kumo ls --cloud gcp --refresh`",
                who.email
            );
        }
        chosen
    };
    let dir = gcloud::config_dir(&ctx.env);
    let _lock = kumo_core::lock::FileLock::acquire(
        &kumo_core::paths::lock_dir(&ctx.env).join("gcloud.lock"),
    )?;
    let plan = gcloud::plan(
        &dir,
        &gcloud::Request {
            account: &who.email,
            projects: &chosen,
            prune: args.projects.is_empty(),
            activate: args.activate,
        },
    )?;
    for name in &plan.foreign {
        eprintln!(
            "kumo: left out `{name}`: a configuration of that name exists that Kumo did not write"
        );
    }
    for name in &plan.kept_active {
        eprintln!(
            "kumo: kept `{name}`: its project is no longer listed, but it is gcloud's active configuration"
        );
    }
    if args.dry_run {
        print!("{}", gcloud::unified_diff(&plan));
    } else if plan.changes.is_empty() {
        println!(
            "{} gcloud configurations in {} are already up to date.",
            plan.configurations,
            dir.display()
        );
    } else {
        gcloud::apply(&plan)?;
        println!(
            "Wrote {} gcloud configurations in {} ({} files changed).",
            plan.configurations,
            dir.display(),
            plan.changes.len()
        );
    }
    Ok(())
}
