//! Azure beside AWS and Google Cloud: Entra sign-in per tenant (hinted with the
//! identity's account), subscriptions from kumo-fake's Resource Manager, the portal.

mod support;

use std::time::Duration;

use kumo_fake::{AzureOptions, Fault, Operation, Options, generated_tenant};
use support::{World, accounts};

const TENANT: &str = "acme.onmicrosoft.com";

/// A world with an identity, one AWS org and one Azure tenant, not signed in.
async fn world_of(options: Options) -> World {
    let world = World::new(options).await;
    let config = world.home.path().join("config.toml");
    let identity = &world.fake.options().identity;
    let text = format!(
        "{}\n[identity]\nissuer = \"{url}\"\nclient_id = \"{}\"\nclient_secret = \"{}\"\n\n[[azure]]\ntenant = \"{TENANT}\"\nclient_id = \"{}\"\nlogin_endpoint = \"{url}\"\nmanagement_endpoint = \"{url}\"\n",
        std::fs::read_to_string(&config).unwrap(),
        identity.client_id,
        identity.client_secret,
        world.fake.options().azure.client_id,
        url = world.fake.base_url(),
    );
    std::fs::write(&config, text).unwrap();
    world
}

async fn signed_in(options: Options) -> World {
    let world = world_of(options).await;
    world.ok(&["login"]).await;
    world
}

fn subscriptions(n: usize) -> Options {
    Options {
        azure: AzureOptions {
            tenants: vec![generated_tenant(TENANT, n)],
            ..AzureOptions::default()
        },
        ..accounts(1, 1)
    }
}

fn subscription_id(world: &World, i: usize) -> String {
    world.fake.options().azure.tenants[0].subscriptions[i]
        .id
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn login_signs_in_the_identity_then_the_tenant_with_its_account_as_hint() {
    let world = world_of(subscriptions(1)).await;
    let out = world.ok(&["login"]).await;
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("Signed in as developer@example.com"),
        "{out}"
    );
    assert!(
        lines[2].starts_with("Signed in to Azure tenant `acme.onmicrosoft.com`, valid until "),
        "{out}"
    );
    assert_eq!(
        world.fake.entra_hints(),
        [(
            Some("developer@example.com".to_owned()),
            Some("example.com".to_owned())
        )]
    );
    assert_eq!(world.fake.calls(Operation::EntraToken), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_login_does_not_prompt_for_the_tenant() {
    let world = signed_in(subscriptions(1)).await;
    let out = world.ok(&["login", "--tenant", TENANT]).await;
    assert!(
        out.starts_with("Already signed in to Azure tenant `acme.onmicrosoft.com`"),
        "{out}"
    );
    assert_eq!(world.fake.calls(Operation::EntraAuthorize), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn ls_lists_subscriptions_beside_aws_roles() {
    let world = signed_in(subscriptions(2)).await;
    let out = world.ok(&["ls", "--json"]).await;
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let targets = doc["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 3);
    assert!(targets[0]["id"].as_str().unwrap().starts_with("aws:acme/"));
    let sub = subscription_id(&world, 1);
    assert_eq!(
        targets[2],
        serde_json::json!({
            "id": format!("azure:{TENANT}/{sub}"),
            "cloud": "azure",
            "tenant": TENANT,
            "tenant_name": "ACME",
            "subscription_id": sub,
            "subscription_name": "Subscription 1",
            "tags": {"costCenter": "cc-101", "environment": "development"},
        })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ls_finds_subscriptions_by_tag() {
    let world = signed_in(subscriptions(3)).await;
    world.ok(&["ls"]).await;
    let out = world.ok(&["ls", "--json", "environment:prod"]).await;
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let found: Vec<&str> = doc["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["subscription_name"].as_str().unwrap())
        .collect();
    assert_eq!(found, ["Subscription 0"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_of_subscriptions_is_listed_and_cached() {
    let world = signed_in(subscriptions(250)).await;
    let out = world.ok(&["ls", "--cloud", "azure"]).await;
    assert_eq!(out.lines().count(), 250);
    assert_eq!(world.fake.calls(Operation::ListSubscriptions), 3);
    assert_eq!(world.fake.calls(Operation::ListTenants), 1);
    world.ok(&["ls", "--cloud", "azure"]).await;
    assert_eq!(world.fake.calls(Operation::ListSubscriptions), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_and_server_errors_are_retried_to_a_complete_list() {
    let world = signed_in(subscriptions(150)).await;
    world
        .fake
        .script(Operation::ListSubscriptions, Fault::Throttle, 2);
    world
        .fake
        .script(Operation::ListSubscriptions, Fault::ServerError(503), 1);
    let out = world.ok(&["ls", "--cloud", "azure"]).await;
    assert_eq!(out.lines().count(), 150);
    assert_eq!(world.fake.calls(Operation::ListSubscriptions), 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_access_token_close_to_expiry_is_renewed_with_the_refresh_token() {
    let world = signed_in(Options {
        azure: AzureOptions {
            token_lifetime: Duration::from_secs(120),
            ..AzureOptions::default()
        },
        ..accounts(1, 1)
    })
    .await;
    world.ok(&["ls", "--cloud", "azure", "--refresh"]).await;
    world.ok(&["ls", "--cloud", "azure", "--refresh"]).await;
    // Sign-in, then one refresh per listing: Entra rotates the refresh token each time.
    assert_eq!(world.fake.calls(Operation::EntraToken), 3);
    assert_eq!(world.fake.calls(Operation::EntraAuthorize), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_renewals_take_turns_on_entras_rotating_refresh_token() {
    let world = signed_in(Options {
        azure: AzureOptions {
            token_lifetime: Duration::from_secs(120),
            ..AzureOptions::default()
        },
        ..accounts(1, 1)
    })
    .await;
    // Each renewal spends the refresh token it read; a second spending of the same one
    // is refused by Entra. Taking turns under the lock, each reads the one before's.
    let outputs = world
        .run_parallel(&["ls", "--cloud", "azure", "--refresh"], 4)
        .await;
    for out in &outputs {
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(world.fake.calls(Operation::EntraToken), 1 + 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_token_says_to_sign_in_to_the_tenant_again() {
    let world = signed_in(subscriptions(1)).await;
    world.fake.advance_clock(Duration::from_secs(2 * 3600));
    let out = world.run(&["ls", "--cloud", "azure", "--refresh"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "kumo: the Azure session for `acme.onmicrosoft.com` has expired or was revoked: run `kumo login --tenant acme.onmicrosoft.com`\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_azure_does_not_hide_aws() {
    let world = signed_in(subscriptions(1)).await;
    world
        .fake
        .script(Operation::ListTenants, Fault::ServerError(500), 6);
    let out = world.run(&["ls", "--refresh"]).await;
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.starts_with("aws:acme/"), "{stdout}");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "kumo: listing Azure subscriptions of `acme.onmicrosoft.com` failed: HTTP 500\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ls_before_signing_in_to_the_tenant_says_how() {
    let world = world_of(subscriptions(1)).await;
    let err = world.fails(&["ls", "--cloud", "azure"]).await;
    assert_eq!(
        err,
        "kumo: not signed in to Azure tenant `acme.onmicrosoft.com`: run `kumo login --tenant acme.onmicrosoft.com`"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_console_opens_the_subscription_in_the_portal() {
    let world = world_of(subscriptions(1)).await;
    let url = world
        .ok(&["console", &format!("azure:{TENANT}/0000-1111"), "--print"])
        .await;
    assert_eq!(
        url,
        "https://portal.azure.com/#@acme.onmicrosoft.com/resource/subscriptions/0000-1111/overview\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_console_target_of_an_unknown_tenant_is_a_one_line_error() {
    let world = world_of(subscriptions(1)).await;
    let err = world
        .fails(&["console", "azure:other.onmicrosoft.com/0000", "--print"])
        .await;
    assert!(
        err.starts_with("kumo: no [[azure]] table for tenant `other.onmicrosoft.com` in "),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_of_the_tenant_removes_its_session() {
    let world = signed_in(subscriptions(1)).await;
    let out = world.ok(&["logout", "--tenant", TENANT]).await;
    assert_eq!(
        out,
        "Signed out of Azure tenant `acme.onmicrosoft.com`: its tokens are gone from the keychain; Entra cannot revoke a single refresh token, so it lapses by the tenant's session policy.\n"
    );
    assert_eq!(
        support::keychain_item(&world.service, "azure/acme.onmicrosoft.com/session"),
        None
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn no_identity_or_azure_secret_reaches_a_file_after_a_full_run() {
    let world = signed_in(subscriptions(2)).await;
    world.ok(&["ls", "--refresh"]).await;
    let item = |key: &str| -> serde_json::Value {
        serde_json::from_str(&support::keychain_item(&world.service, key).unwrap()).unwrap()
    };
    let azure = item("azure/acme.onmicrosoft.com/session");
    let identity = item("identity/session");
    let secrets = [
        azure["access_token"].as_str().unwrap(),
        azure["refresh_token"].as_str().unwrap(),
        identity["access_token"].as_str().unwrap(),
        identity["refresh_token"].as_str().unwrap(),
    ];
    support::assert_not_on_disk(&world, &secrets);
}

#[tokio::test(flavor = "multi_thread")]
async fn exec_gives_a_subscription_its_tenant_and_id_for_az_and_terraform() {
    let world = signed_in(subscriptions(1)).await;
    world.ok(&["ls"]).await;
    let sub = subscription_id(&world, 0);
    let out = world
        .ok(&[
            "exec",
            &format!("azure:{TENANT}/{sub}"),
            "--",
            "sh",
            "-c",
            "echo $AZURE_TENANT_ID $ARM_TENANT_ID $AZURE_SUBSCRIPTION_ID $ARM_SUBSCRIPTION_ID",
        ])
        .await;
    assert_eq!(out, format!("{TENANT} {TENANT} {sub} {sub}\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_all_signs_out_of_every_provider_and_revokes_the_identity_last() {
    let world = signed_in(subscriptions(1)).await;
    let out = world.ok(&["logout", "--all"]).await;
    assert_eq!(
        out,
        format!(
            "Signed out of `acme`: its tokens and role credentials are gone from the keychain; the portal session is ended.\n\
             Signed out of Azure tenant `{TENANT}`: its tokens are gone from the keychain; Entra cannot revoke a single refresh token, so it lapses by the tenant's session policy.\n\
             Signed out of the identity ({}): its tokens are gone from the keychain; the refresh token is revoked.\n",
            world.fake.base_url()
        )
    );
    assert_eq!(world.fake.calls(Operation::Logout), 1);
    assert_eq!(world.fake.calls(Operation::IdentityRevoke), 1);
    assert_eq!(
        world.fails(&["whoami"]).await,
        "kumo: not signed in to the identity provider: run `kumo login --identity`"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tenant_signs_in_by_entras_device_flow_without_a_browser() {
    let world = world_of(Options {
        auto_approve_after_polls: Some(1),
        ..subscriptions(1)
    })
    .await;
    let out = world
        .run(&["login", "--tenant", TENANT, "--device-code", "--no-browser"])
        .await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "To sign in to Azure ({TENANT}), confirm the code "
        )),
        "{stderr}"
    );
    assert_eq!(world.fake.calls(Operation::EntraDeviceCode), 1);
    assert_eq!(world.fake.calls(Operation::EntraAuthorize), 0);
    assert!(world.browser_urls().is_empty());
    world.ok(&["ls", "--cloud", "azure"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn entras_device_flow_opens_the_verification_page_where_a_browser_may_open() {
    // Entra's page asks for the code (it has no link with the code in it): the
    // stand-in user cannot type, so the fake approves by itself.
    let world = world_of(Options {
        auto_approve_after_polls: Some(1),
        ..subscriptions(1)
    })
    .await;
    world
        .ok(&["login", "--tenant", TENANT, "--device-code"])
        .await;
    assert_eq!(
        world.browser_urls(),
        [format!("{}/device", world.fake.base_url())]
    );
    assert_eq!(world.fake.calls(Operation::EntraDeviceCode), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_login_with_everything_signed_in_asks_nothing_calls_nothing_and_counts_the_listings() {
    let world = signed_in(subscriptions(2)).await;
    world.ok(&["ls"]).await;
    let total = || -> u64 { Operation::ALL.iter().map(|op| world.fake.calls(*op)).sum() };
    let before = total();
    let out = world.ok(&["login"]).await;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].starts_with("Already signed in as developer@example.com"),
        "{out}"
    );
    assert!(
        lines[1].starts_with("Already signed in to `acme`, ")
            && lines[1].contains(" (1 account). "),
        "{out}"
    );
    assert!(
        lines[2].starts_with(&format!("Already signed in to Azure tenant `{TENANT}`, "))
            && lines[2].contains(" (2 subscriptions). "),
        "{out}"
    );
    assert_eq!(total(), before, "no network call");
    assert_eq!(
        world.browser_urls().len(),
        3,
        "one visit per provider, at the first login"
    );
}
