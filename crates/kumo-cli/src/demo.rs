//! `kumo demo`: the whole flow on the embedded stand-in cloud (the company identity,
//! AWS, Azure and Google Cloud), in a throwaway home with its secrets in memory, showing
//! what a person would see.

use std::collections::BTreeSet;

use kumo_core::access::{
    self, Cloud, Kumo, ListRequest, Prompt, SignInOptions, SignInScope, Silent, Target, rfc3339,
};

use crate::feedback::Terminal;
use crate::session::signed_in_line;

pub fn run() -> anyhow::Result<()> {
    access::block_on(walk_through())?
}

fn step(command: &str, what: &str) {
    println!("\n$ {command}\n# {what}");
}

async fn list(kumo: &Kumo, cloud: Cloud) -> anyhow::Result<Vec<Target>> {
    let request = ListRequest {
        org: None,
        cloud: Some(cloud),
        refresh: false,
        keep_stale: false,
        prompt: Prompt::Never,
    };
    let feedback = Terminal::new();
    let listing = kumo.list(&request, &feedback).await;
    feedback.finish();
    match listing.errors.into_iter().next() {
        Some(failed) => Err(failed.error.into()),
        None => Ok(listing.targets),
    }
}

async fn walk_through() -> anyhow::Result<()> {
    let kumo = Kumo::demo().await?;
    println!(
        "Kumo demo: stand-in clouds at {}: a company identity, AWS IAM Identity Center with 36 accounts x 3 roles, an Azure tenant and Google Cloud projects.",
        kumo.demo_url().unwrap_or_default()
    );
    println!(
        "Nothing here touches your config, cache or keychain; its secrets stay in memory and all is removed at the end."
    );

    step(
        "kumo login",
        "one sign-in: the company identity (its ID token verified), then AWS and Azure in the same browser",
    );
    let now = kumo.now();
    kumo.sign_in(
        &SignInScope::Everything,
        SignInOptions::default(),
        &Silent,
        &mut |done| println!("{}", signed_in_line(done, now)),
    )
    .await?;

    step(
        "kumo ls --cloud aws",
        "every account and role, listed under the service's rate limit",
    );
    let roles = list(&kumo, Cloud::Aws).await?;
    for t in roles.iter().take(6) {
        println!("{}  {}", t.id, t.account_name);
    }
    let accounts: BTreeSet<&str> = roles.iter().map(|t| t.account_id.as_str()).collect();
    println!(
        "… {} roles in {} accounts, cached for instant `kumo ls`.",
        roles.len(),
        accounts.len()
    );

    step(
        "kumo ls --cloud azure",
        "Azure: Entra sign-in hinted with the identity's account, then Resource Manager",
    );
    for t in list(&kumo, Cloud::Azure).await? {
        println!("{}  {}", t.id, t.subscription_name);
    }

    step(
        "kumo ls --cloud gcp",
        "Google Cloud: projects listed with the identity's own access token",
    );
    for t in list(&kumo, Cloud::Gcp).await? {
        println!("{}  {}", t.id, t.project_name);
    }

    let Some(first) = roles.first() else {
        anyhow::bail!("the demo cloud listed no roles");
    };
    if first.privileged {
        step(
            &format!("kumo elevate {} --reason \"the demo\" --for 15m", first.id),
            "an admin role is privileged: its credentials and console need an elevation, deliberate, time-boxed and recorded",
        );
        let elevation = kumo.elevate(&first.id, "the demo", Some(15 * 60))?;
        println!(
            "Elevated {} until {}.",
            elevation.target,
            rfc3339(elevation.expires_at)
        );
    }
    step(
        &format!("kumo creds {}", first.id),
        "role credentials, kept in the keychain until 5 minutes before expiry",
    );
    let creds = kumo.credentials(&first.id, Prompt::Never, &Silent).await?;
    println!(
        "AWS_ACCESS_KEY_ID={}  (expires {})",
        creds.access_key_id(),
        rfc3339(creds.expires_at())
    );
    println!(
        "The secret key and session token are printed only to the process that asks (e.g. `eval $(kumo creds …)`)."
    );

    step(
        &format!("kumo credential-process {}", first.id),
        "a second caller: answered from the keychain, no network",
    );
    kumo.credentials(&first.id, Prompt::Never, &Silent).await?;
    println!(
        "GetRoleCredentials calls so far: {} (the second caller used the keychain).",
        kumo.demo_credential_fetches().unwrap_or_default()
    );

    step(
        "kumo audit",
        "every sign-in, elevation and credential, as the company identity, in a tamper-evident trail",
    );
    for entry in kumo.audit(&access::AuditQuery::default())? {
        println!("{:<11}  {}", entry.kind, entry.message);
    }

    println!(
        "\nDemo done. To use Kumo for real, add your org to {}:",
        access::config_file().display()
    );
    println!(
        "[[aws]]\nname = \"acme\"\nstart_url = \"https://acme.awsapps.com/start\"\nregion = \"eu-west-1\""
    );
    println!("then run `kumo login` and `kumo ls`.");
    Ok(())
}
