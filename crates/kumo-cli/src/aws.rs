//! The AWS commands: login, logout, ls, creds, credential-process.

use std::io::IsTerminal;

use anyhow::Context as _;
use clap::Args;
use kumo_core::aws::credentials;
use kumo_core::aws::org::OrgClient;
use kumo_core::aws::session::{RoleCredentials, now_secs};
use kumo_core::aws::sign_in::{Flow, Interaction, LoginOptions, LoginOutcome};
use kumo_core::aws::target::{TargetSpec, target_id};
use kumo_core::aws::{AwsError, select_org};
use kumo_core::browser::SystemBrowser;
use kumo_core::cache::{self, OrgCache};
use kumo_core::config::AwsOrg;
use kumo_core::export::env::{Format, render, rfc3339};
use kumo_core::identity::oidc;
use kumo_core::targets::{self, LIST_FORMAT_VERSION, TargetList};

use crate::context::{Context, runtime};
use crate::feedback::Terminal;

#[derive(Args)]
pub struct OrgArg {
    /// The org (the `name` of an [[aws]] table); may be left out with one org configured.
    #[arg(long)]
    org: Option<String>,
}

#[derive(Args)]
pub struct LoginArgs {
    #[command(flatten)]
    org: OrgArg,
    /// Sign in only the company identity ([identity] in the config).
    #[arg(long, conflicts_with = "org")]
    identity: bool,
    /// Use the device flow: a code to confirm in any browser, on any device.
    #[arg(long)]
    device_code: bool,
    /// Print the URL instead of opening the browser.
    #[arg(long)]
    no_browser: bool,
    /// Sign in again even with a valid session.
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
pub struct LsArgs {
    /// Only this org (default: every configured org).
    #[arg(long)]
    org: Option<String>,
    /// Only this cloud.
    #[arg(long, value_parser = ["aws", "gcp"])]
    cloud: Option<String>,
    /// List again from AWS and report what was added and removed.
    #[arg(long)]
    refresh: bool,
    /// Print the stable JSON document (docs/CLI.md) instead of a table.
    #[arg(long)]
    json: bool,
    /// Keep the targets matching this fuzzily (account name or id, role, org).
    query: Vec<String>,
}

#[derive(Args)]
pub struct TargetArg {
    /// aws:<org>/<account id or name>/<role> (`<org>/` may be left out with one org).
    target: String,
}

#[derive(Args)]
pub struct CredsArgs {
    #[command(flatten)]
    target: TargetArg,
    /// process | env | env-no-export | fish | powershell | windows-cmd
    #[arg(long, default_value = "env", value_parser = clap::builder::PossibleValuesParser::new(Format::NAMES))]
    format: String,
}

fn browser(ctx: &Context) -> anyhow::Result<SystemBrowser> {
    Ok(SystemBrowser::from_env(&ctx.env)?)
}

fn until(expires_at: i64) -> String {
    let minutes = (expires_at - now_secs()).max(0) / 60;
    format!(
        "valid until {} ({} h {:02} min left)",
        rfc3339(expires_at),
        minutes / 60,
        minutes % 60
    )
}

pub fn login(args: LoginArgs) -> anyhow::Result<()> {
    let ctx = Context::load()?;
    let browser = browser(&ctx)?;
    let feedback = Terminal::new();
    let rt = runtime()?;
    // Without --org, the identity comes first (when configured), then every org.
    let orgs: Vec<&AwsOrg> = if args.identity {
        Vec::new()
    } else if args.org.org.is_some() || ctx.config.identity.is_none() {
        vec![select_org(
            &ctx.config,
            args.org.org.as_deref(),
            &ctx.config_path,
        )?]
    } else {
        ctx.config.aws.iter().collect()
    };
    if args.identity || (args.org.org.is_none() && ctx.config.identity.is_some()) {
        let config = oidc::configured(ctx.config.identity.as_ref(), &ctx.config_path)?;
        // The identity's access token also lists Google Cloud projects when [gcp] is set.
        let scopes: &[&str] = if ctx.config.gcp.is_some() {
            &[oidc::GCP_SCOPE]
        } else {
            &[]
        };
        let who = rt.block_on(oidc::sign_in(
            config,
            scopes,
            &ctx.env,
            ctx.store.as_ref(),
            &browser,
            &feedback,
        ))?;
        println!("Signed in as {} ({}).", who.email, who.issuer);
    }
    let options = LoginOptions {
        flow: if args.device_code {
            Flow::DeviceCode
        } else {
            Flow::for_environment(&ctx.env)
        },
        open_browser: !args.no_browser,
        force: args.force,
    };
    for org in orgs {
        let client = OrgClient::new(org, &ctx.env, ctx.store.as_ref());
        let outcome = rt.block_on(client.login(options, &browser, &feedback))?;
        let name = org.name.as_str();
        match outcome {
            LoginOutcome::AlreadySignedIn { expires_at } => println!(
                "Already signed in to `{name}`, {}. Use --force to sign in again.",
                until(expires_at)
            ),
            LoginOutcome::Refreshed { expires_at } => println!(
                "Renewed the session for `{name}` without a prompt, {}.",
                until(expires_at)
            ),
            LoginOutcome::SignedIn { expires_at } => {
                println!("Signed in to `{name}`, {}.", until(expires_at))
            }
        }
    }
    Ok(())
}

/// `kumo whoami`: who is signed in, with which issuer, until when.
pub fn whoami() -> anyhow::Result<()> {
    let ctx = Context::load()?;
    match oidc::whoami(ctx.store.as_ref())? {
        Some(who) => println!("{} ({}), {}.", who.email, who.issuer, until(who.expires_at)),
        None => return Err(oidc::IdentityError::NotSignedIn.into()),
    }
    Ok(())
}

pub fn logout(args: OrgArg) -> anyhow::Result<()> {
    let ctx = Context::load()?;
    let org = select_org(&ctx.config, args.org.as_deref(), &ctx.config_path)?;
    let client = OrgClient::new(org, &ctx.env, ctx.store.as_ref());
    let had_session = runtime()?.block_on(client.logout())?;
    if had_session {
        println!(
            "Signed out of `{}`: its tokens and role credentials are gone from the keychain.",
            org.name
        );
    } else {
        println!("Not signed in to `{}`; nothing to remove.", org.name);
    }
    Ok(())
}

/// Whether a person is at the terminal to answer a sign-in.
pub fn is_person() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// A sign-in, in the flow this environment supports, when `allowed`; else none.
fn sign_in_if<'b>(
    allowed: bool,
    ctx: &Context,
    browser: &'b SystemBrowser,
    feedback: &'b Terminal,
) -> Interaction<'b> {
    if !allowed {
        return Interaction::None;
    }
    Interaction::Login {
        options: LoginOptions {
            flow: Flow::for_environment(&ctx.env),
            open_browser: true,
            force: false,
        },
        browser,
        feedback,
    }
}

pub fn ls(args: LsArgs) -> anyhow::Result<()> {
    let ctx = Context::load()?;
    let wants = |cloud: &str| args.cloud.as_deref().is_none_or(|c| c == cloud);
    let gcp = ctx
        .config
        .gcp
        .as_ref()
        .filter(|_| wants("gcp") && args.org.is_none());
    let mut all = Vec::new();
    // One cloud failing does not hide the others: its error is shown, the rest listed.
    let mut failures = 0;
    if wants("aws") && (args.org.is_some() || !ctx.config.aws.is_empty() || gcp.is_none()) {
        let listed = orgs(&ctx, args.org.as_deref()).and_then(|orgs| {
            orgs.into_iter()
                .map(|org| listing(&ctx, org, args.refresh).map(|l| targets::from_cache(&l)))
                .collect::<anyhow::Result<Vec<_>>>()
        });
        match listed {
            Ok(lists) => all.extend(lists.into_iter().flatten()),
            Err(e) if gcp.is_some() => {
                eprintln!("kumo: {e:#}");
                failures += 1;
            }
            Err(e) => return Err(e),
        }
    }
    if let Some(gcp) = gcp {
        match gcp_projects(&ctx, gcp, args.refresh) {
            Ok(projects) => all.extend(targets::from_projects(&projects)),
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
    let identity = oidc::configured(ctx.config.identity.as_ref(), &ctx.config_path)?;
    let projects = runtime()?.block_on(async {
        let (token, _) = oidc::access_token(identity, ctx.store.as_ref()).await?;
        anyhow::Ok(kumo_core::gcp::list_projects(gcp, &token).await?)
    })?;
    kumo_core::gcp::save_cache(&ctx.env, &projects)?;
    Ok(projects)
}

/// The org's accounts and roles: from the cache, or listed from AWS when there is none
/// or `refresh` asks (then saved, and what changed reported on stderr).
pub fn listing(ctx: &Context, org: &AwsOrg, refresh: bool) -> anyhow::Result<OrgCache> {
    let old = cache::load(&ctx.env, org.name.as_str(), org.start_url.as_str())?;
    if let Some(cached) = &old
        && !refresh
    {
        return Ok(cached.clone());
    }
    let browser = browser(ctx)?;
    let feedback = Terminal::new();
    let client = OrgClient::new(org, &ctx.env, ctx.store.as_ref());
    let accounts = runtime()?.block_on(client.discover(
        &sign_in_if(is_person(), ctx, &browser, &feedback),
        &feedback,
    ));
    feedback.finish();
    let fresh = OrgCache::new(
        org.name.as_str(),
        org.start_url.as_str(),
        now_secs(),
        accounts?,
    );
    cache::save(&ctx.env, &fresh)?;
    if let Some(old) = &old {
        report_changes(org.name.as_str(), old, &fresh);
    }
    Ok(fresh)
}

/// The orgs a command means: the one named, or every configured one.
pub fn orgs<'a>(ctx: &'a Context, name: Option<&str>) -> anyhow::Result<Vec<&'a AwsOrg>> {
    Ok(match name {
        Some(name) => vec![select_org(&ctx.config, Some(name), &ctx.config_path)?],
        None if ctx.config.aws.is_empty() => {
            return Err(AwsError::NoOrgs(ctx.config_path.display().to_string()).into());
        }
        None => ctx.config.aws.iter().collect(),
    })
}

fn report_changes(org: &str, old: &OrgCache, new: &OrgCache) {
    let diff = cache::diff(Some(old), new);
    eprintln!(
        "{org}: {} roles; {} added, {} removed",
        new.role_count(),
        diff.added.len(),
        diff.removed.len()
    );
    for (account, role) in &diff.added {
        eprintln!("+ {}", target_id(org, account, role));
    }
    for (account, role) in &diff.removed {
        eprintln!("- {}", target_id(org, account, role));
    }
}

/// Resolves TARGET and returns its credentials: from the keychain without starting a
/// runtime when they are fresh, else through the org (single-flight).
pub fn credentials_for(
    ctx: &Context,
    target: &str,
    interaction: impl FnOnce(&AwsOrg) -> bool,
) -> anyhow::Result<RoleCredentials> {
    let spec = TargetSpec::parse(target)?;
    let org = spec.org(&ctx.config, &ctx.config_path)?;
    let name = org.name.as_str();
    let listing = if spec.account_is_id() {
        None
    } else {
        cache::load(&ctx.env, name, org.start_url.as_str())?
    };
    let account_id = spec.account_id(name, listing.as_ref())?;
    if let Some(c) = credentials::cached(ctx.store.as_ref(), name, &account_id, &spec.role)? {
        return Ok(c);
    }
    let browser = browser(ctx)?;
    let feedback = Terminal::new();
    let interaction = sign_in_if(interaction(org), ctx, &browser, &feedback);
    let client = OrgClient::new(org, &ctx.env, ctx.store.as_ref());
    runtime()?
        .block_on(client.role_credentials(&account_id, &spec.role, &interaction))
        .with_context(|| {
            format!(
                "no credentials for {}",
                target_id(name, &account_id, &spec.role)
            )
        })
}

pub fn creds(args: CredsArgs) -> anyhow::Result<()> {
    let ctx = Context::load()?;
    let format = Format::parse(&args.format).expect("clap checked the format");
    let person = is_person();
    let credentials = credentials_for(&ctx, &args.target.target, |org| person || org.auto_login)?;
    print!("{}", render(&credentials, format));
    Ok(())
}

pub fn credential_process(args: TargetArg) -> anyhow::Result<()> {
    let ctx = Context::load()?;
    let credentials = credentials_for(&ctx, &args.target, |org| org.auto_login)?;
    print!("{}", render(&credentials, Format::Process));
    Ok(())
}
