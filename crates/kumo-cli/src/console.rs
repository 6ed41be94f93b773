//! `kumo console`: the AWS console of a target, signed in, in the chosen browser.

use anyhow::Context as _;
use clap::Args;
use kumo_core::aws::console::{destination, federation_endpoint, portal_shortcut, signin_url};
use kumo_core::aws::target::{TargetSpec, target_id};
use kumo_core::browser::isolation::{self, Context as BrowserContext};
use kumo_core::browser::{Browser, SystemBrowser};
use kumo_core::cache;
use kumo_core::config::{BrowserName, Isolation};
use kumo_core::paths;

use crate::aws::{credentials_for, is_person};
use crate::context::{Context, runtime};

#[derive(Args)]
pub struct ConsoleArgs {
    /// aws:<org>/<account id or name>/<role>
    target: String,
    /// The console's region (default: the org's region).
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
    if let Some(project) = args.target.strip_prefix("gcp:") {
        return gcp(&ctx, &args, project);
    }
    if let Some(rest) = args.target.strip_prefix("azure:") {
        return azure(&ctx, &args, rest);
    }
    let spec = TargetSpec::parse(&args.target)?;
    let org = spec.org(&ctx.config, &ctx.config_path)?;
    let name = org.name.as_str();
    let listing = cache::load(&ctx.env, name, org.start_url.as_str())?;
    let account_id = spec.account_id(name, listing.as_ref())?;
    let id = target_id(name, &account_id, &spec.role);
    let region = args.region.as_deref().unwrap_or(org.region.as_str());
    let landing = destination(region, args.service.as_deref(), args.destination.as_deref())?;

    let url = if org.portal_shortcut {
        portal_shortcut(org.start_url.as_str(), &account_id, &spec.role, &landing)
    } else {
        let person = is_person();
        let credentials = credentials_for(&ctx, &args.target, |org| person || org.auto_login)?;
        let endpoint = federation_endpoint(org, region, &ctx.env);
        runtime()?.block_on(signin_url(
            &endpoint,
            &credentials,
            org.session_duration.seconds(),
            &landing,
        ))?
    };
    if args.print {
        println!("{url}");
        return Ok(());
    }

    let account_name = listing
        .as_ref()
        .and_then(|l| l.accounts.iter().find(|a| a.id == account_id))
        .map_or(account_id.as_str(), |a| a.name.as_str());
    let browser_name = chosen_browser(
        &args,
        org.browser_for(&account_id, account_name, &spec.role),
    )?;
    let context = (!args.no_isolation).then(|| match org.isolation {
        Isolation::Target => BrowserContext {
            key: id.clone(),
            label: format!("{name} {account_name} {}", spec.role),
        },
        Isolation::Org => BrowserContext {
            key: format!("aws:{name}"),
            label: format!("{name} (AWS)"),
        },
    });
    open(&ctx, browser_name, &url, context.as_ref(), &id)
}

/// Opens `url` in the browser, isolated in `context` where the browser supports it.
fn open(
    ctx: &Context,
    browser: BrowserName,
    url: &str,
    context: Option<&BrowserContext>,
    id: &str,
) -> anyhow::Result<()> {
    match isolation::command_line(browser, url, context, &paths::data_dir(&ctx.env)) {
        Some(argv) => isolation::launch(&argv)?,
        None => SystemBrowser::from_env(&ctx.env)?.open(url)?,
    }
    eprintln!("Opened the console of {id}.");
    Ok(())
}

/// `--browser`, else `configured`.
fn chosen_browser(args: &ConsoleArgs, configured: BrowserName) -> anyhow::Result<BrowserName> {
    match &args.browser {
        Some(b) => BrowserName::parse(b).with_context(|| {
            format!("unknown browser `{b}`: use chrome, chromium, brave, edge, vivaldi, firefox or default")
        }),
        None => Ok(configured),
    }
}

/// An Azure subscription in the portal, in its tenant's directory.
fn azure(ctx: &Context, args: &ConsoleArgs, target: &str) -> anyhow::Result<()> {
    let (tenant, subscription) = target
        .split_once('/')
        .filter(|(t, s)| !t.is_empty() && !s.is_empty() && !s.contains('/'))
        .with_context(|| {
            format!(
                "`azure:{target}` is not an Azure target: write azure:<tenant>/<subscription id>"
            )
        })?;
    let tenant = crate::azure::tenant(ctx, tenant)?.tenant.as_str();
    let url = kumo_core::azure::portal_url(tenant, subscription);
    if args.print {
        println!("{url}");
        return Ok(());
    }
    let id = format!("azure:{tenant}/{subscription}");
    let context = (!args.no_isolation).then(|| BrowserContext {
        key: id.clone(),
        label: format!("Azure {subscription}"),
    });
    open(
        ctx,
        chosen_browser(args, BrowserName::Default)?,
        &url,
        context.as_ref(),
        &id,
    )
}

/// A Google Cloud project's console, as the signed-in identity (`authuser`).
fn gcp(ctx: &Context, args: &ConsoleArgs, project: &str) -> anyhow::Result<()> {
    let who = kumo_core::identity::oidc::whoami(ctx.store.as_ref())?
        .ok_or(kumo_core::identity::oidc::IdentityError::NotSignedIn)?;
    let url = kumo_core::gcp::console_url(project, &who.email);
    if args.print {
        println!("{url}");
        return Ok(());
    }
    let context = (!args.no_isolation).then(|| BrowserContext {
        key: format!("gcp:{project}"),
        label: format!("GCP {project}"),
    });
    open(
        ctx,
        chosen_browser(args, BrowserName::Default)?,
        &url,
        context.as_ref(),
        &format!("gcp:{project}"),
    )
}
