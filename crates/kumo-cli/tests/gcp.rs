//! Google Cloud beside AWS: projects listed with the identity's access token from
//! kumo-fake's Cloud Resource Manager, in the same `kumo ls`, and their consoles.

mod support;

use std::time::Duration;

use kumo_fake::{Fault, IdentityOptions, Operation, Options, generated_projects};
use support::{World, accounts};

async fn world_with(options: Options) -> World {
    let world = World::new(options).await;
    let config = world.home.path().join("config.toml");
    let identity = &world.fake.options().identity;
    let text = format!(
        "{}\n[identity]\nissuer = \"{url}\"\nclient_id = \"{}\"\nclient_secret = \"{}\"\n\n[gcp]\nendpoint = \"{url}\"\n",
        std::fs::read_to_string(&config).unwrap(),
        identity.client_id,
        identity.client_secret,
        url = world.fake.base_url(),
    );
    std::fs::write(&config, text).unwrap();
    world.ok(&["login"]).await;
    world
}

fn options(projects: usize) -> Options {
    Options {
        gcp_projects: generated_projects(projects),
        ..accounts(1, 1)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ls_lists_gcp_projects_beside_aws_roles() {
    let world = world_with(options(3)).await;
    let out = world.ok(&["ls", "--json"]).await;
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ids: Vec<&str> = doc["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids[1..],
        [
            "gcp:acme-project-000",
            "gcp:acme-project-001",
            "gcp:acme-project-002"
        ]
    );
    assert!(ids[0].starts_with("aws:acme/"));
    assert_eq!(
        doc["targets"][1],
        serde_json::json!({"id": "gcp:acme-project-000", "cloud": "gcp", "project_id": "acme-project-000", "project_name": "Acme Project 0", "tags": {"env": "prod", "team": "payments"}})
    );
    let authorize = &world.browser_urls()[0];
    assert!(
        authorize.contains("cloud-platform.read-only"),
        "{authorize}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_of_projects_is_listed_and_cached() {
    let world = world_with(options(1200)).await;
    let out = world.ok(&["ls", "--cloud", "gcp"]).await;
    assert_eq!(out.lines().count(), 1200);
    assert_eq!(world.fake.calls(Operation::SearchProjects), 3);
    world.ok(&["ls", "--cloud", "gcp"]).await;
    assert_eq!(world.fake.calls(Operation::SearchProjects), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_cloud_does_not_hide_the_other() {
    let world = world_with(options(2)).await;
    world
        .fake
        .script(Operation::SearchProjects, Fault::ServerError(500), 6);
    let out = world.run(&["ls", "--refresh"]).await;
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1);
    assert!(stdout.starts_with("aws:acme/"), "{stdout}");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "kumo: listing Google Cloud projects failed: HTTP 500\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_past_16_mib_is_not_read_and_says_so_in_one_line() {
    let world = world_with(options(2)).await;
    world
        .fake
        .script(Operation::SearchProjects, Fault::Huge(17 << 20), 1);
    let out = world.run(&["ls", "--refresh", "--cloud", "gcp"]).await;
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "kumo: listing Google Cloud projects failed: an answer larger than 16 MiB, which no listing page is\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn server_errors_and_throttling_are_retried_to_a_complete_list() {
    let world = world_with(options(600)).await;
    world
        .fake
        .script(Operation::SearchProjects, Fault::ServerError(503), 1);
    world
        .fake
        .script(Operation::SearchProjects, Fault::Throttle, 1);
    let out = world.ok(&["ls", "--cloud", "gcp", "--refresh"]).await;
    assert_eq!(out.lines().count(), 600);
    assert_eq!(world.fake.calls(Operation::SearchProjects), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_access_token_close_to_expiry_is_renewed_with_the_refresh_token() {
    let world = world_with(Options {
        identity: IdentityOptions {
            token_lifetime: Duration::from_secs(120),
            ..IdentityOptions::default()
        },
        ..options(1)
    })
    .await;
    let before = world.fake.calls(Operation::IdentityToken);
    world.ok(&["ls", "--cloud", "gcp", "--refresh"]).await;
    assert_eq!(world.fake.calls(Operation::IdentityToken), before + 1);
    assert_eq!(world.fake.calls(Operation::IdentityAuthorize), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_gcp_console_opens_the_project_as_the_signed_in_account() {
    let world = world_with(options(2)).await;
    let url = world
        .ok(&["console", "gcp:acme-project-001", "--print"])
        .await;
    assert_eq!(
        url,
        "https://console.cloud.google.com/home/dashboard?project=acme-project-001&authuser=developer%40example.com\n"
    );
}

fn gcloud_dir(world: &World) -> std::path::PathBuf {
    world.home.path().join(".config/gcloud")
}

#[tokio::test(flavor = "multi_thread")]
async fn export_gcloud_writes_a_configuration_per_project_as_the_identity() {
    let world = world_with(options(2)).await;
    let out = world.ok(&["export", "gcloud"]).await;
    let dir = gcloud_dir(&world);
    assert_eq!(
        out,
        format!(
            "Wrote 2 gcloud configurations in {} (2 files changed).\n",
            dir.display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("configurations/config_kumo-acme-project-001")).unwrap(),
        "# Written by Kumo (`kumo export gcloud`), which rewrites or removes this file.\n[core]\naccount = developer@example.com\nproject = acme-project-001\n"
    );
    assert!(!dir.join("active_config").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn export_gcloud_keeps_the_users_configurations_byte_for_byte() {
    let world = world_with(options(1)).await;
    let dir = gcloud_dir(&world);
    std::fs::create_dir_all(dir.join("configurations")).unwrap();
    let mine = b"[core]\r\naccount = me@gmail.com\r\nproject = hobby";
    std::fs::write(dir.join("configurations/config_default"), mine).unwrap();
    std::fs::write(dir.join("active_config"), "default").unwrap();
    world
        .ok(&["export", "gcloud", "--activate", "gcp:acme-project-000"])
        .await;
    assert_eq!(
        std::fs::read(dir.join("configurations/config_default")).unwrap(),
        mine
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("active_config")).unwrap(),
        "kumo-acme-project-000"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn export_gcloud_dry_run_prints_the_diff_and_writes_nothing() {
    let world = world_with(options(1)).await;
    let out = world.ok(&["export", "gcloud", "--dry-run"]).await;
    assert!(out.contains("+project = acme-project-000\n"), "{out}");
    assert!(!gcloud_dir(&world).exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn export_gcloud_of_an_unlisted_project_is_a_one_line_error() {
    let world = world_with(options(1)).await;
    let err = world.fails(&["export", "gcloud", "nope-123"]).await;
    assert_eq!(
        err,
        "kumo: no Google Cloud project `nope-123` is listed for developer@example.com: check `kumo ls --cloud gcp --refresh`"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn exec_gives_a_project_its_id_and_the_identitys_token_in_a_private_file_removed_after() {
    let world = world_with(options(1)).await;
    world.ok(&["ls"]).await;
    let out = world
        .ok(&[
            "exec",
            "gcp:acme-project-000",
            "--",
            "sh",
            "-c",
            "echo $CLOUDSDK_CORE_PROJECT $GOOGLE_CLOUD_PROJECT $CLOUDSDK_AUTH_ACCESS_TOKEN_FILE; stat -c %a \"$CLOUDSDK_AUTH_ACCESS_TOKEN_FILE\"; wc -c < \"$CLOUDSDK_AUTH_ACCESS_TOKEN_FILE\"",
        ])
        .await;
    let words: Vec<&str> = out.split_whitespace().collect();
    assert_eq!(words[..2], ["acme-project-000", "acme-project-000"]);
    let token_file = std::path::Path::new(words[2]);
    assert!(
        token_file.starts_with(world.home.path().join("run/kumo")),
        "{out}"
    );
    assert_eq!(words[3], "600");
    assert_ne!(words[4], "0", "the file holds the token");
    assert!(!token_file.exists(), "removed when the command ended");
}
