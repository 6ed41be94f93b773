//! The guard on privileged roles, end to end: an admin role's credentials, console and
//! profile need a running elevation with a reason; without one the access is refused at
//! once and recorded; the elevation is recorded, listed, ended, and bounds the console.

mod support;

use kumo_fake::Operation;
use support::{GUARD_OFF, World, accounts};

/// One account with AdministratorAccess (privileged by default) and ReadOnlyAccess,
/// signed in, the guard on, consoles going to the fake's federation endpoint.
async fn guarded(settings: &str) -> World {
    let world = World::with_org_settings(accounts(1, 2), settings).await;
    let config = world.home.path().join("config.toml");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace(GUARD_OFF, "");
    std::fs::write(
        &config,
        format!(
            "{text}federation_endpoint = \"{}/federation\"\n",
            world.fake.base_url()
        ),
    )
    .unwrap();
    world.ok(&["login"]).await;
    world
}

fn admin(world: &World) -> String {
    world.target(0, 0)
}

fn read_only(world: &World) -> String {
    world.target(0, 1)
}

fn last_record(world: &World) -> serde_json::Value {
    let text =
        std::fs::read_to_string(world.home.path().join(".local/state/kumo/audit.jsonl")).unwrap();
    serde_json::from_str(text.lines().last().unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn ls_marks_the_privileged_roles() {
    let world = guarded("").await;
    let table = world.ok(&["ls"]).await;
    let marked: Vec<bool> = table
        .lines()
        .map(|l| l.ends_with("  [privileged]"))
        .collect();
    assert_eq!(marked, [true, false], "{table}");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_an_elevation_credential_process_fails_at_once_naming_the_command() {
    let world = guarded("").await;
    let target = admin(&world);
    assert_eq!(
        world.fails(&["credential-process", &target]).await,
        format!(
            "kumo: {target} is privileged and not elevated: no credentials without an elevation: run `kumo elevate {target} --reason \"<why>\"`"
        )
    );
    // `creds` is the same door.
    let err = world.fails(&["creds", &target]).await;
    assert!(err.contains(" is privileged and not elevated: no credentials without an elevation: run `kumo elevate "), "{err}");
    assert_eq!(world.fake.calls(Operation::GetRoleCredentials), 0);
    let refused = last_record(&world);
    assert_eq!(refused["unmapped"]["kumo_event"], "refused");
    assert_eq!(refused["status"], "Failure");
    assert_eq!(refused["unmapped"]["access"], "credentials");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_role_that_is_not_privileged_needs_no_elevation() {
    let world = guarded("").await;
    world.ok(&["credential-process", &read_only(&world)]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_elevation_with_a_reason_opens_the_role_until_it_ends() {
    let world = guarded("").await;
    let target = admin(&world);
    world
        .ok(&[
            "elevate",
            &target,
            "--reason",
            "INC-4711 restore the queue",
            "--for",
            "20m",
        ])
        .await;
    let elevated = last_record(&world);
    assert_eq!(elevated["unmapped"]["kumo_event"], "elevation");
    assert_eq!(elevated["unmapped"]["reason"], "INC-4711 restore the queue");
    world.ok(&["credential-process", &target]).await;
    let issued = last_record(&world);
    assert_eq!(issued["unmapped"]["privileged"], true);
    assert_eq!(
        issued["unmapped"]["elevation"]["reason"],
        "INC-4711 restore the queue"
    );
    let list = world.ok(&["elevate", "--list"]).await;
    assert!(list.starts_with(&format!("{target}  until ")), "{list}");
    assert!(
        list.trim_end().ends_with("  INC-4711 restore the queue"),
        "{list}"
    );
    world.ok(&["elevate", "--end", &target]).await;
    assert_eq!(
        last_record(&world)["unmapped"]["kumo_event"],
        "elevation_ended"
    );
    assert_eq!(world.ok(&["elevate", "--list"]).await, "");
    world.fails(&["credential-process", &target]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_elevation_needs_a_reason_a_privileged_target_and_a_bounded_time() {
    let world = guarded("").await;
    let target = admin(&world);
    assert_eq!(
        world.fails(&["elevate", &target, "--reason", "  "]).await,
        "kumo: an elevation needs a reason: one line saying why (a ticket, an incident)"
    );
    assert_eq!(
        world
            .fails(&["elevate", &target, "--reason", "x", "--for", "2h"])
            .await,
        "kumo: an elevation lasts at most 1h here ([guard] max_elevation)"
    );
    let read_only = read_only(&world);
    assert_eq!(
        world.fails(&["elevate", &read_only, "--reason", "x"]).await,
        format!("kumo: {read_only} is not privileged: it opens without an elevation")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_console_of_a_privileged_role_lasts_no_longer_than_its_elevation() {
    let world = guarded("").await;
    let target = admin(&world);
    world.fails(&["console", &target]).await;
    assert!(world.fake.console_logins().is_empty());
    world
        .ok(&["elevate", &target, "--reason", "INC-1", "--for", "20m"])
        .await;
    world.ok(&["console", &target]).await;
    let logins = world.fake.console_logins();
    let seconds = logins[0].session_duration.unwrap();
    assert!((1100..=1200).contains(&seconds), "{seconds}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_org_may_name_its_own_privileged_roles() {
    let world = guarded("privileged = [\"ReadOnlyAccess\"]\n").await;
    world.ok(&["credential-process", &admin(&world)]).await;
    world
        .fails(&["credential-process", &read_only(&world)])
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_guard_off_every_privileged_access_records_that_it_is_off() {
    let world = World::new(accounts(1, 1)).await;
    world.ok(&["login"]).await;
    world.ok(&["credential-process", &world.target(0, 0)]).await;
    let issued = last_record(&world);
    assert_eq!(issued["unmapped"]["guard"], "off");
    assert_eq!(issued["unmapped"]["privileged"], true);
}
