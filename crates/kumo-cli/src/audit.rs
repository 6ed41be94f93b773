//! `kumo audit`: the record of every access, newest last; `kumo audit verify` walks its
//! chain.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use kumo_core::access::{self, AUDIT_KINDS, AuditQuery, AuditVerification, rfc3339};

#[derive(Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    command: Option<AuditCommand>,
    /// Only the records of the last DURATION: 90s, 15m, 2h, 7d.
    #[arg(long, value_parser = parse_duration)]
    since: Option<Duration>,
    /// Only the records whose target contains QUERY (any case).
    #[arg(long, value_name = "QUERY")]
    target: Option<String>,
    /// Only the records of this kind.
    #[arg(long, value_parser = AUDIT_KINDS)]
    kind: Option<String>,
    /// Print each record as its OCSF JSON line.
    #[arg(long)]
    json: bool,
    /// Keep printing records as they are written, until interrupted.
    #[arg(long)]
    follow: bool,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check that no record was edited, removed or reordered: exit 0 and "intact", or
    /// exit 1 naming the first line that breaks the chain.
    Verify,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    access::parse_duration(text).map(Duration::from_secs)
}

pub fn run(args: AuditArgs) -> anyhow::Result<ExitCode> {
    let kumo = crate::output::load()?;
    if let Some(AuditCommand::Verify) = args.command {
        return Ok(match kumo.audit_verify()? {
            AuditVerification::Intact { events } => {
                println!("intact: {events} events");
                ExitCode::SUCCESS
            }
            AuditVerification::Broken { file, line, reason } => {
                println!("broken: {file} line {line}: {reason}");
                ExitCode::FAILURE
            }
        });
    }
    let since = args
        .since
        .map(|d| kumo.now() - i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let query = AuditQuery {
        since,
        target: args.target.as_deref(),
        kind: args.kind.as_deref(),
    };
    let (mut entries, mut cursor) = kumo.audit_to_end(&query)?;
    loop {
        for entry in &entries {
            if args.json {
                println!("{}", entry.line);
            } else {
                println!(
                    "{}  {:<11}  {}  {}",
                    rfc3339(entry.time),
                    entry.kind,
                    entry.actor.as_deref().unwrap_or("-"),
                    entry.message
                );
            }
        }
        if !args.follow {
            return Ok(ExitCode::SUCCESS);
        }
        std::thread::sleep(Duration::from_millis(500));
        // Only what was appended since: a trail of 10 MiB x 6 files is not read again.
        entries = kumo.audit_appended(&query, &mut cursor)?;
    }
}
