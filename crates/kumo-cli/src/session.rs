//! `kumo login`, `kumo logout`, `kumo whoami`.

use clap::Args;
use kumo_core::access::{
    self, Outcome, Provider, Revocation, SignInOptions, SignInScope, SignOutScope, SignedIn,
    SignedOut,
};

use crate::feedback::Terminal;
use crate::output::until;

#[derive(Args)]
pub struct LoginArgs {
    /// The org (the `name` of an [[aws]] table); may be left out with one org configured.
    #[arg(long)]
    org: Option<String>,
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
pub struct LogoutArgs {
    /// The org (the `name` of an [[aws]] table); may be left out with one org configured.
    #[arg(long)]
    org: Option<String>,
    /// Sign out of this Azure tenant instead.
    #[arg(long, conflicts_with = "org")]
    tenant: Option<String>,
    /// Sign out of the company identity instead.
    #[arg(long, conflicts_with_all = ["org", "tenant"])]
    identity: bool,
    /// Sign out of every org and tenant, then the identity.
    #[arg(long, conflicts_with_all = ["org", "tenant", "identity"])]
    all: bool,
}

pub fn login(args: LoginArgs) -> anyhow::Result<()> {
    let kumo = crate::output::load()?;
    let scope = match (args.identity, args.org, args.tenant) {
        (true, _, _) => SignInScope::Identity,
        (_, Some(org), _) => SignInScope::Org(org),
        (_, _, Some(tenant)) => SignInScope::Tenant(tenant),
        _ => SignInScope::Everything,
    };
    let options = SignInOptions {
        device_code: args.device_code,
        no_browser: args.no_browser,
        force: args.force,
    };
    let feedback = Terminal::new();
    let now = kumo.now();
    access::block_on(kumo.sign_in(&scope, options, &feedback, &mut |done| {
        println!("{}", signed_in_line(done, now));
    }))??;
    Ok(())
}

pub fn signed_in_line(done: &SignedIn, now: i64) -> String {
    let listed = match (done.provider, done.listed) {
        (Provider::Aws, Some(1)) => " (1 account)".to_owned(),
        (Provider::Aws, Some(n)) => format!(" ({n} accounts)"),
        (Provider::Azure, Some(1)) => " (1 subscription)".to_owned(),
        (Provider::Azure, Some(n)) => format!(" ({n} subscriptions)"),
        _ => String::new(),
    };
    let name = &done.name;
    let until = format!("{}{listed}", until(done.expires_at, now));
    match (done.provider, done.outcome) {
        (Provider::Identity, outcome) => {
            let who = done.account.as_deref().unwrap_or_default();
            match outcome {
                Outcome::SignedIn => format!("Signed in as {who} ({name})."),
                Outcome::Renewed => {
                    format!("Renewed the session of {who} ({name}) without a prompt, {until}.")
                }
                Outcome::AlreadySignedIn => format!(
                    "Already signed in as {who} ({name}), {until}. Use --force to sign in again."
                ),
            }
        }
        (Provider::Aws, Outcome::AlreadySignedIn) => {
            format!("Already signed in to `{name}`, {until}. Use --force to sign in again.")
        }
        (Provider::Aws, Outcome::Renewed) => {
            format!("Renewed the session for `{name}` without a prompt, {until}.")
        }
        (Provider::Aws, Outcome::SignedIn) => format!("Signed in to `{name}`, {until}."),
        (Provider::Azure, Outcome::AlreadySignedIn) => format!(
            "Already signed in to Azure tenant `{name}`, {until}. Use --force to sign in again."
        ),
        (Provider::Azure, Outcome::Renewed) => {
            format!("Renewed the Azure session for `{name}` without a prompt, {until}.")
        }
        (Provider::Azure, Outcome::SignedIn) => {
            format!("Signed in to Azure tenant `{name}`, {until}.")
        }
    }
}

/// `kumo whoami`: who is signed in, with which issuer, until when.
pub fn whoami() -> anyhow::Result<()> {
    let kumo = crate::output::load()?;
    let who = access::block_on(kumo.whoami())??;
    println!(
        "{} ({}), {}.",
        who.email,
        who.issuer,
        until(who.expires_at, kumo.now())
    );
    // Each cloud's principal, and whether it is this identity.
    for p in kumo.principals() {
        let verdict = match p.matches {
            Some(true) => "the identity",
            Some(false) => "NOT the identity",
            None => "unchecked",
        };
        println!(
            "{} {}: {} ({verdict})",
            p.provider.label(),
            p.name,
            p.principal
        );
    }
    Ok(())
}

pub fn logout(args: LogoutArgs) -> anyhow::Result<()> {
    let kumo = crate::output::load()?;
    let scope = match (args.all, args.identity, args.tenant) {
        (true, _, _) => SignOutScope::All,
        (_, true, _) => SignOutScope::Identity,
        (_, _, Some(tenant)) => SignOutScope::Tenant(tenant),
        _ => SignOutScope::Org(args.org),
    };
    for out in access::block_on(kumo.sign_out(&scope))?? {
        println!("{}", signed_out_line(&out));
    }
    Ok(())
}

/// One line per provider: what was removed, and what the provider did.
pub fn signed_out_line(out: &SignedOut) -> String {
    let what = match out.provider {
        Provider::Identity => format!("the identity ({})", out.name),
        Provider::Aws => format!("`{}`", out.name),
        Provider::Azure => format!("Azure tenant `{}`", out.name),
    };
    if !out.had_session {
        return format!("Not signed in to {what}; nothing to remove.");
    }
    let removed = match out.provider {
        Provider::Aws => "its tokens and role credentials are gone from the keychain",
        _ => "its tokens are gone from the keychain",
    };
    let revoked = match &out.revocation {
        Revocation::Revoked => match out.provider {
            Provider::Aws => "the portal session is ended".to_owned(),
            _ => "the refresh token is revoked".to_owned(),
        },
        Revocation::NothingLive => "nothing live was left to revoke".to_owned(),
        Revocation::NotOffered => match out.provider {
            Provider::Azure => "Entra cannot revoke a single refresh token, so it lapses by the tenant's session policy".to_owned(),
            _ => "the issuer offers no revocation, so the token lapses by its session policy".to_owned(),
        },
        Revocation::Failed(why) => format!("revoking it failed ({why}), so it was removed here only"),
    };
    format!("Signed out of {what}: {removed}; {revoked}.")
}
