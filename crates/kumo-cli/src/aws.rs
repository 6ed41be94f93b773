//! The AWS commands: login, logout, ls, creds, credential-process.

use std::io::IsTerminal;

use anyhow::Context as _;
use clap::Args;
use kumo_core::aws::credentials;
use kumo_core::aws::org::OrgClient;
use kumo_core::aws::session::{RoleCredentials, now_secs};
use kumo_core::aws::sign_in::{Flow, Interaction, LoginOptions, LoginOutcome};
use kumo_core::aws::target::target_id;
use kumo_core::aws::{AwsError, select_org};
use kumo_core::azure;
use kumo_core::browser::SystemBrowser;
use kumo_core::cache::{self, OrgCache};
use kumo_core::config::AwsOrg;
use kumo_core::export::env::{Format, render, rfc3339};
use kumo_core::identity::oidc;

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
    #[arg(long, conflicts_with_all = ["org", "tenant"])]
    identity: bool,
    /// Sign in only this Azure tenant (the `tenant` of an [[azure]] table).
    #[arg(long, conflicts_with = "org")]
    tenant: Option<String>,
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
    let everything = args.org.org.is_none() && args.tenant.is_none() && !args.identity;
    // Without --org or --tenant: the identity first (when configured), then every org and
    // tenant. With only AWS configured, an org must be named when there are several.
    let orgs: Vec<&AwsOrg> = if let Some(name) = &args.org.org {
        vec![select_org(&ctx.config, Some(name), &ctx.config_path)?]
    } else if !everything {
        Vec::new()
    } else if ctx.config.identity.is_some() || !ctx.config.azure.is_empty() {
        ctx.config.aws.iter().collect()
    } else {
        vec![select_org(&ctx.config, None, &ctx.config_path)?]
    };
    let tenants = match (&args.tenant, everything) {
        (Some(name), _) => vec![crate::azure::tenant(&ctx, name)?],
        (None, true) => crate::azure::tenants(&ctx, None)?,
        (None, false) => Vec::new(),
    };
    if args.identity || (everything && ctx.config.identity.is_some()) {
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
    // Entra is asked for the identity's account, so the federated session carries through.
    let email = oidc::whoami(ctx.store.as_ref())?.map(|who| who.email);
    for tenant in tenants {
        let name = tenant.tenant.as_str();
        let store = ctx.store.as_ref();
        let expiry = azure::session_expiry(tenant, store)?;
        if !args.force && expiry.is_some_and(|at| at - now_secs() > azure::RENEW_MARGIN_SECS) {
            println!(
                "Already signed in to Azure tenant `{name}`, {}. Use --force to sign in again.",
                until(expiry.unwrap_or_default())
            );
            continue;
        }
        if !args.force
            && expiry.is_some()
            && rt.block_on(azure::access_token(tenant, store)).is_ok()
        {
            let renewed = azure::session_expiry(tenant, store)?.unwrap_or_default();
            println!(
                "Renewed the Azure session for `{name}` without a prompt, {}.",
                until(renewed)
            );
            continue;
        }
        rt.block_on(azure::sign_in(
            tenant,
            email.as_deref(),
            store,
            &browser,
            &feedback,
        ))?;
        let signed_in = azure::session_expiry(tenant, store)?.unwrap_or_default();
        println!("Signed in to Azure tenant `{name}`, {}.", until(signed_in));
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

#[derive(Args)]
pub struct LogoutArgs {
    #[command(flatten)]
    org: OrgArg,
    /// Sign out of this Azure tenant instead.
    #[arg(long, conflicts_with = "org")]
    tenant: Option<String>,
}

pub fn logout(args: LogoutArgs) -> anyhow::Result<()> {
    let ctx = Context::load()?;
    if let Some(name) = &args.tenant {
        let tenant = crate::azure::tenant(&ctx, name)?;
        let had_session = azure::session_expiry(tenant, ctx.store.as_ref())?.is_some();
        azure::sign_out(tenant, ctx.store.as_ref())?;
        if had_session {
            println!(
                "Signed out of Azure tenant `{}`: its tokens are gone from the keychain.",
                tenant.tenant
            );
        } else {
            println!(
                "Not signed in to Azure tenant `{}`; nothing to remove.",
                tenant.tenant
            );
        }
        return Ok(());
    }
    let args = args.org;
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
pub fn sign_in_if<'b>(
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

/// The org's accounts and roles: from the cache, or listed from AWS when there is none
/// or `refresh` asks (then saved, and what changed reported on stderr).
pub fn listing(ctx: &Context, org: &AwsOrg, refresh: bool) -> anyhow::Result<OrgCache> {
    let old = match cache::load(&ctx.env, org.name.as_str(), org.start_url.as_str())? {
        Some(cached) if !refresh => return Ok(cached),
        old => old,
    };
    let browser = browser(ctx)?;
    let feedback = Terminal::new();
    let client = OrgClient::new(org, &ctx.env, ctx.store.as_ref());
    let fresh = runtime()?.block_on(client.relist(
        &ctx.env,
        &sign_in_if(is_person(), ctx, &browser, &feedback),
        &feedback,
    ));
    feedback.finish();
    let fresh = fresh?;
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
    let launcher = ctx.launcher();
    let t = launcher.resolve_aws(target)?;
    let name = t.org.name.as_str();
    // The fast path of credential-process: the keychain only, no runtime.
    if let Some(c) = credentials::cached(ctx.store.as_ref(), name, &t.account_id, &t.role)? {
        return Ok(c);
    }
    let browser = browser(ctx)?;
    let feedback = Terminal::new();
    let interaction = sign_in_if(interaction(t.org), ctx, &browser, &feedback);
    let client = OrgClient::new(t.org, &ctx.env, ctx.store.as_ref());
    runtime()?
        .block_on(client.role_credentials(&t.account_id, &t.role, &interaction))
        .with_context(|| {
            format!(
                "no credentials for {}",
                target_id(name, &t.account_id, &t.role)
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
