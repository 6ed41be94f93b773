//! `kumo console`: the console of a target, signed in, in the chosen browser.

use anyhow::Context as _;
use clap::Args;
use kumo_core::aws::target::TargetSpec;
use kumo_core::browser::SystemBrowser;
use kumo_core::config::BrowserName;
use kumo_core::launch::{self, Options};

use crate::aws::{is_person, sign_in_if};
use crate::context::{Context, runtime};
use crate::feedback::Terminal;

#[derive(Args)]
pub struct ConsoleArgs {
    /// aws:<org>/<account id or name>/<role>, azure:<tenant>/<subscription id> or gcp:<project id>
    target: String,
    /// The console's region (default: the org's).
    #[arg(long)]
    region: Option<String>,
    /// Land on this service: ec2, s3, iam, lambda, cloudwatch, logs, rds, …
    #[arg(long, conflicts_with = "destination")]
    service: Option<String>,
    /// Land on this https URL of the console.
    #[arg(long)]
    destination: Option<String>,
    /// Print the sign-in URL instead of opening it.
    #[arg(long)]
    print: bool,
    /// chrome, chromium, brave, edge, vivaldi, firefox or default (overrides the config).
    #[arg(long)]
    browser: Option<String>,
    /// Open in the browser's everyday profile, not the target's own.
    #[arg(long)]
    no_isolation: bool,
}

pub fn run(args: ConsoleArgs) -> anyhow::Result<()> {
    let ctx = Context::load()?;
    let browser = args
        .browser
        .as_deref()
        .map(|b| {
            BrowserName::parse(b).with_context(|| {
                format!("unknown browser `{b}`: use chrome, chromium, brave, edge, vivaldi, firefox or default")
            })
        })
        .transpose()?;
    let options = Options {
        region: args.region.as_deref(),
        service: args.service.as_deref(),
        destination: args.destination.as_deref(),
        browser,
        no_isolation: args.no_isolation,
    };
    let launcher = ctx.launcher();
    let system_browser = SystemBrowser::from_env(&ctx.env)?;
    let feedback = Terminal::new();
    // Signing in is a person's choice: allowed on a terminal, or where the org says so.
    let auto_login = || -> anyhow::Result<bool> {
        let spec = TargetSpec::parse(&args.target)?;
        Ok(spec.org(&ctx.config, &ctx.config_path)?.auto_login)
    };
    let allowed = args.target.starts_with("aws:") && (is_person() || auto_login()?);
    let interaction = sign_in_if(allowed, &ctx, &system_browser, &feedback);
    let console = runtime()?.block_on(launcher.console(&args.target, &options, &interaction))?;
    if args.print {
        println!("{}", console.url);
        return Ok(());
    }
    launch::open(&console, &ctx.env)?;
    eprintln!("Opened the console of {}.", console.id);
    Ok(())
}
