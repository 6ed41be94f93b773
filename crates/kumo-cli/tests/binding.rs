//! Every cloud bound to the one identity: after an org signs in, the Identity Center user
//! its role credentials name (STS `GetCallerIdentity` on kumo-fake) is compared with the
//! verified company identity; a mismatch warns, or with `require_match` refuses.

mod support;

use kumo_fake::{Directory, Options};
use support::World;

/// The identity (developer@example.com) and one org whose user is `user`.
async fn world(user: &str, identity_extra: &str) -> World {
    let options = Options {
        directory: Directory {
            user: user.into(),
            ..Directory::generated(1, 1)
        },
        ..Options::default()
    };
    let world = World::with_org_settings(options, "").await;
    let sts = format!("sts_endpoint = \"{}\"\n\n", world.fake.base_url());
    world.append_config(&format!("{sts}{}{identity_extra}", world.identity_table()));
    world
}

fn kinds(world: &World) -> Vec<String> {
    std::fs::read_to_string(world.home.path().join(".local/state/kumo/audit.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let record: serde_json::Value = serde_json::from_str(l).unwrap();
            record["unmapped"]["kumo_event"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_org_signed_in_as_the_identity_is_shown_as_the_identity() {
    let world = world("developer@example.com", "").await;
    let out = world.run(&["login"]).await;
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
    let who = world.ok(&["whoami"]).await;
    assert!(
        who.ends_with("\nAWS acme: developer@example.com (the identity)\n"),
        "{who}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_org_signed_in_as_someone_else_is_a_warning_and_a_record() {
    let world = world("someone@other.example", "").await;
    let out = world.run(&["login"]).await;
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("warning: AWS acme is signed in as someone@other.example, not as the company identity developer@example.com\n"),
        "{stderr}"
    );
    assert_eq!(kinds(&world), ["sign_in", "identity_mismatch", "sign_in"]);
    let who = world.ok(&["whoami"]).await;
    assert!(
        who.ends_with("\nAWS acme: someone@other.example (NOT the identity)\n"),
        "{who}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn with_require_match_the_other_persons_session_is_dropped() {
    let world = world("someone@other.example", "require_match = true\n").await;
    assert_eq!(
        world.fails(&["login"]).await,
        "kumo: AWS acme is signed in as someone@other.example, not as the company identity developer@example.com: its session was dropped ([identity] require_match)"
    );
    let err = world.fails(&["creds", &world.target(0, 0)]).await;
    assert!(err.contains("not signed in to `acme`"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn equivalent_domains_name_the_same_person() {
    let world = world(
        "developer@example.co.jp",
        "domains = [\"example.com\", \"example.co.jp\"]\n",
    )
    .await;
    let out = world.run(&["login"]).await;
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tenant_signed_in_as_someone_else_is_a_warning_too() {
    let options = Options {
        azure: kumo_fake::AzureOptions {
            user: "someone@other.example".into(),
            ..kumo_fake::AzureOptions::default()
        },
        ..Options::default()
    };
    let world = World::new(options).await;
    let azure = format!(
        "\n[[azure]]\ntenant = \"acme.onmicrosoft.com\"\nclient_id = \"{}\"\nlogin_endpoint = \"{url}\"\nmanagement_endpoint = \"{url}\"\n",
        world.fake.options().azure.client_id,
        url = world.fake.base_url()
    );
    world.append_config(&format!("\n{}{azure}", world.identity_table()));
    let out = world.run(&["login"]).await;
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("warning: Azure acme.onmicrosoft.com is signed in as someone@other.example, not as the company identity developer@example.com\n"),
        "{stderr}"
    );
    let who = world.ok(&["whoami"]).await;
    assert!(
        who.ends_with("\nAzure acme.onmicrosoft.com: someone@other.example (NOT the identity)\n"),
        "{who}"
    );
}
