//! `kumo elevate`: open a privileged target for a while, with a reason; list and end
//! elevations.

use clap::Args;
use clap_complete::ArgValueCompleter;
use kumo_core::access::{self, rfc3339};

use crate::target;

#[derive(Args)]
#[command(group(clap::ArgGroup::new("action").args(["target", "list", "end"]).required(true)))]
pub struct ElevateArgs {
    /// The privileged target: its id, alias, exported profile name, or a query that
    /// matches it.
    #[arg(add = ArgValueCompleter::new(target::complete))]
    target: Option<String>,
    /// Why: a ticket or an incident, recorded in the audit trail.
    #[arg(long, requires = "target")]
    reason: Option<String>,
    /// How long: 15m, 1h, … (default and most: `[guard] max_elevation`).
    #[arg(long = "for", value_name = "DURATION", value_parser = access::parse_duration, requires = "target")]
    duration: Option<u64>,
    /// List the elevations running now.
    #[arg(long)]
    list: bool,
    /// End the elevation of TARGET now.
    #[arg(long, value_name = "TARGET", add = ArgValueCompleter::new(target::complete))]
    end: Option<String>,
}

pub fn run(args: ElevateArgs) -> anyhow::Result<()> {
    let kumo = crate::output::load()?;
    if args.list {
        for e in kumo.elevations() {
            println!(
                "{}  until {}  {}",
                e.target,
                rfc3339(e.expires_at),
                e.reason
            );
        }
        return Ok(());
    }
    if let Some(name) = args.end {
        let target = target::resolve(&kumo, &name)?;
        if kumo.end_elevation(&target)? {
            eprintln!("Ended the elevation of {target}.");
        } else {
            eprintln!("{target} was not elevated.");
        }
        return Ok(());
    }
    let target = target::resolve(&kumo, &args.target.unwrap_or_default())?;
    let reason = args.reason.ok_or_else(|| {
        anyhow::anyhow!("an elevation needs --reason: one line saying why (a ticket, an incident)")
    })?;
    let elevation = kumo.elevate(&target, &reason, args.duration)?;
    eprintln!(
        "Elevated {} until {}.",
        elevation.target,
        rfc3339(elevation.expires_at)
    );
    Ok(())
}
