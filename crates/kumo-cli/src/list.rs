//! `kumo ls`: AWS roles, Azure subscriptions and Google Cloud projects in one list, each
//! cloud listed at the same time as the others; one failing does not hide the rest.

use clap::Args;
use kumo_core::access::{
    self, Cloud, Kumo, LIST_FORMAT_VERSION, ListRequest, Prompt, Target, TargetList, for_terminal,
};

use crate::credentials::is_person;
use crate::feedback::Terminal;
use crate::output::error_line;

#[derive(Args)]
pub struct LsArgs {
    /// Only this AWS org (default: every configured org, tenant and project).
    #[arg(long)]
    org: Option<String>,
    /// Only this cloud.
    #[arg(long, value_parser = Cloud::NAMES)]
    cloud: Option<String>,
    /// List again from the clouds and report what was added and removed.
    #[arg(long)]
    refresh: bool,
    /// Print the stable JSON document (docs/CLI.md) instead of a table.
    #[arg(long)]
    json: bool,
    /// Keep the targets matching this fuzzily (account name or id, role, org, project,
    /// tenant, subscription).
    query: Vec<String>,
}

pub fn ls(args: LsArgs) -> anyhow::Result<()> {
    let kumo = crate::output::load()?;
    let request = ListRequest {
        org: args.org.as_deref(),
        cloud: args.cloud.as_deref().and_then(Cloud::parse),
        refresh: args.refresh,
        keep_stale: false,
        prompt: if is_person() {
            Prompt::Always
        } else {
            Prompt::Never
        },
    };
    let feedback = Terminal::new();
    let listing = access::block_on(kumo.list(&request, &feedback))?;
    feedback.finish();
    for relisted in &listing.relisted {
        eprintln!(
            "{}: {} roles; {} added, {} removed",
            relisted.org,
            relisted.roles,
            relisted.added.len(),
            relisted.removed.len()
        );
        for id in &relisted.added {
            eprintln!("+ {id}");
        }
        for id in &relisted.removed {
            eprintln!("- {id}");
        }
    }
    for failed in &listing.errors {
        eprintln!("kumo: {}", error_line(&failed.error));
    }
    let found = Kumo::search(listing.targets, &args.query.join(" "));
    if args.json {
        let list = TargetList {
            version: LIST_FORMAT_VERSION,
            targets: &found,
        };
        println!("{}", serde_json::to_string_pretty(&list)?);
    } else {
        print!("{}", table(&found));
    }
    if !listing.errors.is_empty() {
        // Each failure is already shown; what could be listed is printed above.
        std::io::Write::flush(&mut std::io::stdout())?;
        std::process::exit(1);
    }
    Ok(())
}

/// One line per target: its id, padded to the longest, then its name, and a mark on a
/// privileged one. Names were checked where they arrived; a terminal still gets nothing
/// it could take for a control sequence.
fn table(targets: &[Target]) -> String {
    let width = targets.iter().map(|t| t.id.len()).max().unwrap_or(0);
    let mut out = String::with_capacity(targets.len() * 80);
    for t in targets {
        let mark = if t.privileged { "  [privileged]" } else { "" };
        out.push_str(&format!(
            "{:width$}  {}{mark}\n",
            for_terminal(&t.id),
            for_terminal(t.display_name())
        ));
    }
    out
}
