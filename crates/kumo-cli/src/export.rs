//! `kumo export aws`: Kumo's profiles in ~/.aws/config, inside a marked block per org.
//! `kumo export gcloud`: a gcloud configuration per Google Cloud project.

use clap::{Args, Subcommand, ValueEnum};
use kumo_core::access::{self, AwsExport, GcloudExport, ProfileMode};

use crate::credentials::prompt;
use crate::feedback::Terminal;

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
    /// Also write the AWS CLI's SSO token cache (~/.aws/sso/cache/<sha1 of the session
    /// name>.json, 0600), so `aws`, the SSM plugin and IDE toolkits work without a second
    /// `aws sso login`. Off by default because it puts an access token on disk, as the
    /// AWS CLI itself does; the refresh token stays in the keychain. Kumo rewrites the
    /// file at each renewal and removes it at `kumo logout`. Needs `--mode sso-session`.
    #[arg(long, conflicts_with = "remove")]
    write_sso_cache: bool,
}

pub fn aws(args: AwsArgs) -> anyhow::Result<()> {
    let kumo = crate::output::load()?;
    let request = AwsExport {
        org: args.org.as_deref(),
        mode: match args.mode {
            ModeArg::CredentialProcess => ProfileMode::CredentialProcess,
            ModeArg::SsoSession => ProfileMode::SsoSession,
        },
        prefix: &args.prefix,
        dry_run: args.dry_run,
        remove: args.remove,
        prompt: prompt(),
        write_sso_cache: args.write_sso_cache,
    };
    let exported = access::block_on(kumo.export_aws(&request, &Terminal::new()))??;
    for org in &exported.orgs {
        for name in &org.collisions {
            eprintln!(
                "kumo: left out `{name}`: a section of that name exists outside Kumo's block (rename yours, or export with --prefix)"
            );
        }
        eprintln!("{}: {} profiles", org.org, org.profiles);
    }
    let path = exported.path.display();
    if let Some(diff) = &exported.diff {
        print!("{diff}");
    } else if !exported.changed {
        println!("{path} is already up to date.");
    } else {
        println!("Updated {path}.");
    }
    for file in &exported.sso_caches {
        println!("Wrote the AWS CLI's SSO token cache {}.", file.display());
    }
    Ok(())
}

pub fn gcloud(args: GcloudArgs) -> anyhow::Result<()> {
    let kumo = crate::output::load()?;
    let request = GcloudExport {
        projects: &args.projects,
        dry_run: args.dry_run,
        activate: args.activate,
    };
    let exported = access::block_on(kumo.export_gcloud(&request))??;
    for name in &exported.foreign {
        eprintln!(
            "kumo: left out `{name}`: a configuration of that name exists that Kumo did not write"
        );
    }
    for name in &exported.kept_active {
        eprintln!(
            "kumo: kept `{name}`: its project is no longer listed, but it is gcloud's active configuration"
        );
    }
    let dir = exported.dir.display();
    if let Some(diff) = &exported.diff {
        print!("{diff}");
    } else if exported.files_changed == 0 {
        println!(
            "{} gcloud configurations in {dir} are already up to date.",
            exported.configurations
        );
    } else {
        println!(
            "Wrote {} gcloud configurations in {dir} ({} files changed).",
            exported.configurations, exported.files_changed
        );
    }
    Ok(())
}
