//! `kumo status`: each provider's session from the keychain and the clock alone, with
//! an exit status that says whether a person must sign in.

mod support;

use std::time::Duration;

use kumo_fake::{Operation, Options};
use support::{World, accounts};

async fn status(world: &World, args: &[&str]) -> (Option<i32>, String) {
    let out = world.run(&[&["status"], args].concat()).await;
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn before_any_sign_in_status_names_the_command_and_exits_1() {
    let world = World::new(accounts(1, 1)).await;
    assert_eq!(
        status(&world, &[]).await,
        (
            Some(1),
            "AWS acme: sign-in needed: not signed in; run `kumo login --org acme`.\n".to_owned()
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_in_org_renews_automatically_until_its_registration_ends() {
    let world = World::new(accounts(1, 1)).await;
    world.ok(&["login"]).await;
    let (code, out) = status(&world, &[]).await;
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.starts_with("AWS acme: renews automatically until "),
        "{out}"
    );
    let minutes: i64 = out
        .split("; access token valid ")
        .nth(1)
        .and_then(|rest| rest.split(" min more (last renewal ").next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    assert!((59..=60).contains(&minutes), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_registration_within_a_week_of_its_end_needs_a_sign_in() {
    let world = World::new(Options {
        registration_lifetime: Duration::from_secs(3 * 24 * 3600),
        ..accounts(1, 1)
    })
    .await;
    world.ok(&["login"]).await;
    let (code, out) = status(&world, &[]).await;
    assert_eq!(code, Some(1), "{out}");
    assert!(out.starts_with("AWS acme: sign-in needed before "), "{out}");
    assert!(
        out.ends_with(": the client registration ends then; run `kumo login --org acme`.\n"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_login_in_the_registrations_last_week_registers_and_signs_in_anew() {
    let world = World::new(Options {
        registration_lifetime: Duration::from_secs(3 * 24 * 3600),
        ..accounts(1, 1)
    })
    .await;
    world.ok(&["login"]).await;
    world.ok(&["login"]).await;
    assert_eq!(
        (
            world.fake.calls(Operation::RegisterClient),
            world.fake.calls(Operation::Authorize)
        ),
        (2, 2)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_renewal_refused_inside_a_credential_request_shows_as_a_sign_in_needed() {
    let world = World::new(Options {
        access_token_lifetime: Duration::from_secs(2),
        ..accounts(1, 1)
    })
    .await;
    world.ok(&["login"]).await;
    world.fake.revoke_all_sessions();
    // Past the access token's end: the credential request must renew it first.
    tokio::time::sleep(Duration::from_secs(2)).await;
    world.fails(&["creds", &world.target(0, 0)]).await;
    let (code, out) = status(&world, &[]).await;
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.starts_with("AWS acme: sign-in needed: the provider refused the renewal ("),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn status_json_holds_each_providers_facts() {
    let world = World::new(accounts(1, 1)).await;
    world.ok(&["login"]).await;
    let (code, out) = status(&world, &["--json"]).await;
    assert_eq!(code, Some(0));
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["needs_sign_in"], false);
    let aws = &doc["providers"][0];
    assert_eq!(aws["provider"], "aws");
    assert_eq!(aws["name"], "acme");
    assert_eq!(aws["signed_in"], true);
    assert_eq!(aws["access_valid"], true);
    assert_eq!(aws["renews"], true);
    assert_eq!(aws["last_error"], serde_json::Value::Null);
    let (last, next, end) = (
        aws["last_renewal"].as_i64().unwrap(),
        aws["next_renewal"].as_i64().unwrap(),
        aws["access_expires_at"].as_i64().unwrap(),
    );
    // A one-hour token signed in just now: renewed five minutes before its end.
    assert!(last <= next && next == end - 300, "{last} {next} {end}");
    assert!(aws["sign_in_ends_at"].as_i64().unwrap() > aws["access_expires_at"].as_i64().unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn status_asks_nothing_of_the_network() {
    let world = World::new(accounts(1, 1)).await;
    world.ok(&["login"]).await;
    let total = || -> u64 {
        kumo_fake::Operation::ALL
            .iter()
            .map(|op| world.fake.calls(*op))
            .sum()
    };
    let before = total();
    status(&world, &[]).await;
    assert_eq!(total(), before);
}
