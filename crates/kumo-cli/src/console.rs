//! `kumo console`: the console of a target, signed in, in the chosen browser.

use clap::Args;
use kumo_core::access::{self, ConsoleRequest};

use crate::credentials::prompt;
use crate::feedback::Terminal;
use crate::target;
use clap_complete::ArgValueCompleter;

#[derive(Args)]
pub struct ConsoleArgs {
    #[arg(help = target::TARGET_HELP, add = ArgValueCompleter::new(target::complete))]
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
    let kumo = crate::output::load()?;
    let id = target::resolve(&kumo, &args.target)?;
    let request = ConsoleRequest {
        target: &id,
        region: args.region.as_deref(),
        service: args.service.as_deref(),
        destination: args.destination.as_deref(),
        browser: args.browser.as_deref(),
        no_isolation: args.no_isolation,
    };
    let feedback = Terminal::new();
    if args.print {
        let url = access::block_on(kumo.console_url(&request, prompt(), &feedback))??;
        println!("{url}");
        return Ok(());
    }
    let id = access::block_on(kumo.open_console(&request, prompt(), &feedback))??;
    eprintln!("Opened the console of {id}.");
    Ok(())
}
