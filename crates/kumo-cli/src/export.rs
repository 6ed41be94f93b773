//! `kumo export aws`: Kumo's profiles in ~/.aws/config, inside a marked block per org.

use clap::{Args, Subcommand, ValueEnum};
use kumo_core::export::aws_config::{self, DEFAULT_TEMPLATE, Mode, Request};

use crate::aws::{listing, orgs};
use crate::context::Context;

#[derive(Subcommand)]
pub enum Export {
    /// Write (or with --remove, take out) profiles in ~/.aws/config ($AWS_CONFIG_FILE).
    Aws(AwsArgs),
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
    let path = aws_config::config_path(&ctx.env);
    let kumo = std::env::current_exe()?;
    let _lock = aws_config::lock(&ctx.env)?;
    let original = aws_config::read(&path)?;
    let mut text = original.clone();
    for org in orgs(&ctx, args.org.as_deref())? {
        let name = org.name.as_str();
        if args.remove {
            text = aws_config::without_block(&text, name, &path)?;
            continue;
        }
        let listing = listing(&ctx, org, false)?;
        let request = Request {
            org,
            listing: &listing,
            mode: match args.mode {
                ModeArg::CredentialProcess => Mode::CredentialProcess,
                ModeArg::SsoSession => Mode::SsoSession,
            },
            template: org.profile_name.as_deref().unwrap_or(DEFAULT_TEMPLATE),
            prefix: &args.prefix,
            kumo: &kumo,
        };
        let plan = aws_config::plan(&text, &request, &path)?;
        for name in &plan.collisions {
            eprintln!(
                "kumo: left out `{name}`: a section of that name exists outside Kumo's block (rename yours, or export with --prefix)"
            );
        }
        text = aws_config::with_block(&text, name, &plan.lines, &path)?;
        eprintln!("{name}: {} profiles", plan.profiles);
    }
    if args.dry_run {
        print!("{}", aws_config::unified_diff(&original, &text, &path));
    } else if text == original {
        println!("{} is already up to date.", path.display());
    } else {
        aws_config::write(&path, &text)?;
        println!("Updated {}.", path.display());
    }
    Ok(())
}
