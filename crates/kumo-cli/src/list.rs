//! `kumo ls`: AWS roles, Azure subscriptions and Google Cloud projects in one list, each
//! cloud listed at the same time as the others; one failing does not hide the rest.

use clap::Args;
use kumo_core::targets::{self, LIST_FORMAT_VERSION, Target, TargetList};

use crate::aws::{listing, orgs};
use crate::azure::subscriptions;
use crate::context::{Context, runtime};

#[derive(Args)]
pub struct LsArgs {
    /// Only this AWS org (default: every configured org, tenant and project).
    #[arg(long)]
    org: Option<String>,
    /// Only this cloud.
    #[arg(long, value_parser = ["aws", "azure", "gcp"])]
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

type Source<'a> = Box<dyn FnOnce() -> anyhow::Result<Vec<Target>> + Send + 'a>;

/// What `ls` lists: one source per org, tenant and Google Cloud, in display order.
fn sources<'a>(ctx: &'a Context, args: &'a LsArgs) -> Vec<Source<'a>> {
    let wants = |cloud: &str| args.cloud.as_deref().is_none_or(|c| c == cloud);
    let only_aws = args.org.is_some();
    let refresh = args.refresh;
    let mut sources: Vec<Source<'a>> = Vec::new();
    let azure = if wants("azure") && !only_aws {
        ctx.config.azure.as_slice()
    } else {
        &[]
    };
    let gcp = ctx
        .config
        .gcp
        .as_ref()
        .filter(|_| wants("gcp") && !only_aws);
    // AWS is the default cloud: with nothing else configured, its "no org" error shows.
    if wants("aws")
        && (only_aws || !ctx.config.aws.is_empty() || (azure.is_empty() && gcp.is_none()))
    {
        match orgs(ctx, args.org.as_deref()) {
            Ok(orgs) => sources.extend(orgs.into_iter().map(|org| -> Source<'a> {
                Box::new(move || Ok(targets::from_cache(&listing(ctx, org, refresh)?)))
            })),
            Err(e) => sources.push(Box::new(move || Err(e))),
        }
    }
    for tenant in azure {
        sources.push(Box::new(move || {
            Ok(targets::from_subscriptions(&subscriptions(
                ctx, tenant, refresh,
            )?))
        }));
    }
    if let Some(gcp) = gcp {
        sources.push(Box::new(move || {
            Ok(targets::from_projects(&gcp_projects(ctx, gcp, refresh)?))
        }));
    }
    sources
}

pub fn ls(args: LsArgs) -> anyhow::Result<()> {
    let ctx = Context::load()?;
    let results: Vec<anyhow::Result<Vec<Target>>> = std::thread::scope(|scope| {
        let running: Vec<_> = sources(&ctx, &args)
            .into_iter()
            .map(|source| scope.spawn(source))
            .collect();
        running
            .into_iter()
            .map(|r| {
                r.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a listing crashed")))
            })
            .collect()
    });
    let mut all = Vec::new();
    let mut failures = 0;
    for result in results {
        match result {
            Ok(targets) => all.extend(targets),
            Err(e) => {
                eprintln!("kumo: {e:#}");
                failures += 1;
            }
        }
    }
    let found = targets::search(all, &args.query.join(" "));
    if args.json {
        let list = TargetList {
            version: LIST_FORMAT_VERSION,
            targets: &found,
        };
        println!("{}", serde_json::to_string_pretty(&list)?);
    } else {
        let width = found.iter().map(|t| t.id.len()).max().unwrap_or(0);
        let mut out = String::with_capacity(found.len() * 80);
        for t in &found {
            out.push_str(&format!("{:width$}  {}\n", t.id, t.display_name()));
        }
        print!("{out}");
    }
    if failures > 0 {
        // Each failure is already shown; what could be listed is printed above.
        std::io::Write::flush(&mut std::io::stdout())?;
        std::process::exit(1);
    }
    Ok(())
}

/// The Google Cloud projects: from the cache, or listed with the identity's token.
pub fn gcp_projects(
    ctx: &Context,
    gcp: &kumo_core::config::GcpConfig,
    refresh: bool,
) -> anyhow::Result<Vec<kumo_core::gcp::Project>> {
    if !refresh && let Some(cached) = kumo_core::gcp::load_cache(&ctx.env) {
        return Ok(cached);
    }
    Ok(runtime()?.block_on(kumo_core::gcp::relist(ctx, gcp))?)
}
