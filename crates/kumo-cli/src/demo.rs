//! `kumo demo`: the whole flow on stand-in clouds in this process (the company identity,
//! AWS, Azure and Google Cloud), in a throwaway config, cache and keychain namespace,
//! showing what a person would see.

use kumo_core::aws::org::OrgClient;
use kumo_core::aws::sign_in::{Flow, Interaction, LoginOptions};
use kumo_core::azure;
use kumo_core::browser::{FollowingBrowser, RecordingBrowser};
use kumo_core::cache::{self, OrgCache};
use kumo_core::config::Config;
use kumo_core::environment::Environment;
use kumo_core::export::env::rfc3339;
use kumo_core::feedback::Silent;
use kumo_core::identity::oidc;
use kumo_core::targets;
use kumo_core::vault::{KeyringStore, MemoryStore, SecretStore};
use kumo_fake::Operation;

use crate::context::runtime;
use crate::feedback::Terminal;

const ORG: &str = kumo_fake::demo::DEMO_ORG;

pub fn run() -> anyhow::Result<()> {
    runtime()?.block_on(walk_through())
}

fn step(command: &str, what: &str) {
    println!("\n$ {command}\n# {what}");
}

async fn walk_through() -> anyhow::Result<()> {
    let kumo_fake::demo::DemoCloud {
        fake,
        home,
        config_path,
    } = kumo_fake::demo::start().await?;
    let env = Environment::from_pairs([
        ("KUMO_CONFIG", config_path.display().to_string()),
        (
            "XDG_CACHE_HOME",
            home.path().join("cache").display().to_string(),
        ),
        (
            "XDG_RUNTIME_DIR",
            home.path().join("run").display().to_string(),
        ),
    ]);
    let Some(config) = Config::load_from(&config_path)? else {
        anyhow::bail!("the demo config vanished");
    };
    let org = &config.aws[0];
    let store = demo_store();
    println!(
        "Kumo demo: stand-in clouds at {}: a company identity, AWS IAM Identity Center with 36 accounts x 3 roles, an Azure tenant and Google Cloud projects.",
        fake.base_url()
    );
    println!(
        "Nothing here touches your config, cache or keychain items; all is removed at the end."
    );

    let client = OrgClient::new(org, &env, store.as_ref());
    let browser = RecordingBrowser::default();
    let feedback = Terminal::new();
    let user = FollowingBrowser;
    step(
        "kumo login --identity",
        "one company sign-in (Google, or any OpenID Connect issuer); the ID token is verified",
    );
    let identity = config
        .identity
        .as_ref()
        .expect("the demo config has an identity");
    let who = oidc::sign_in(
        identity,
        &[oidc::GCP_SCOPE],
        &env,
        store.as_ref(),
        &user,
        &Silent,
    )
    .await?;
    println!("Signed in as {} ({}).", who.email, who.issuer);
    step(
        "kumo login --org demo --device-code",
        "one sign-in; the stand-in approves the code at once",
    );
    let options = LoginOptions {
        flow: Flow::DeviceCode,
        open_browser: false,
        force: false,
    };
    client.login(options, &browser, &feedback).await?;
    if let Some(expires_at) = client.session_expiry()? {
        println!(
            "Signed in to `{ORG}`, valid until {}; the refresh token renews it without a prompt.",
            rfc3339(expires_at)
        );
    }

    step(
        "kumo ls --org demo",
        "every account and role, listed under the service's rate limit",
    );
    let accounts = client.discover(&Interaction::None, &feedback).await?;
    feedback.finish();
    let listing = OrgCache::new(ORG, org.start_url.as_str(), 0, accounts);
    cache::save(&env, &listing)?;
    let all = targets::from_cache(&listing);
    for t in all.iter().take(6) {
        println!("{}  {}", t.id, t.account_name);
    }
    println!(
        "… {} roles in {} accounts, cached for instant `kumo ls`.",
        all.len(),
        listing.accounts.len()
    );

    step(
        "kumo login --tenant … && kumo ls --cloud azure",
        "Azure: Entra sign-in hinted with the identity's account, then Resource Manager",
    );
    let tenant = &config.azure[0];
    azure::sign_in(tenant, Some(&who.email), store.as_ref(), &user, &Silent).await?;
    let subscriptions = azure::list_subscriptions(tenant, store.as_ref()).await?;
    for t in targets::from_subscriptions(&subscriptions) {
        println!("{}  {}", t.id, t.subscription_name);
    }

    step(
        "kumo ls --cloud gcp",
        "Google Cloud: projects listed with the identity's own access token",
    );
    let (token, _) = oidc::access_token(identity, store.as_ref()).await?;
    let gcp = config.gcp.as_ref().expect("the demo config has [gcp]");
    let projects = kumo_core::gcp::list_projects(gcp, &token).await?;
    for t in targets::from_projects(&projects) {
        println!("{}  {}", t.id, t.project_name);
    }

    let first = &all[0];
    step(
        &format!("kumo creds {}", first.id),
        "role credentials, kept in the keychain until 5 minutes before expiry",
    );
    let creds = client
        .role_credentials(&first.account_id, &first.role, &Interaction::None)
        .await?;
    println!(
        "AWS_ACCESS_KEY_ID={}  (expires {})",
        creds.access_key_id,
        rfc3339(creds.expires_at)
    );
    println!(
        "The secret key and session token are printed only to the process that asks (e.g. `eval $(kumo creds …)`)."
    );

    step(
        &format!("kumo credential-process {}", first.id),
        "a second caller: answered from the keychain, no network",
    );
    client
        .role_credentials(&first.account_id, &first.role, &Interaction::None)
        .await?;
    println!(
        "GetRoleCredentials calls so far: {} (the second caller used the keychain).",
        fake.calls(Operation::GetRoleCredentials)
    );

    client.logout().await?;
    oidc::sign_out(store.as_ref())?;
    azure::sign_out(tenant, store.as_ref())?;
    println!(
        "\nDemo done. To use Kumo for real, add your org to {}:",
        kumo_core::paths::config_file(&Environment::from_process()).display()
    );
    println!(
        "[[aws]]\nname = \"acme\"\nstart_url = \"https://acme.awsapps.com/start\"\nregion = \"eu-west-1\""
    );
    println!("then run `kumo login` and `kumo ls`.");
    Ok(())
}

/// A throwaway keychain namespace; in memory where no keychain is reachable (a headless
/// box without a Secret Service), said so plainly.
fn demo_store() -> Box<dyn SecretStore> {
    let keyring = KeyringStore::new(&format!("kumo-demo-{}", std::process::id()));
    match keyring
        .put("probe", b"probe")
        .and_then(|()| keyring.delete("probe"))
    {
        Ok(()) => Box::new(keyring),
        Err(e) => {
            println!(
                "(The OS keychain is not reachable here: {e}. The demo keeps its secrets in memory.)"
            );
            Box::new(MemoryStore::new())
        }
    }
}
