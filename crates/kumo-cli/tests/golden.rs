//! Every form of `kumo ls` output, byte for byte against golden files
//! (tests/golden/; `KUMO_BLESS=1` records them anew): AWS roles, Azure subscriptions and
//! Google Cloud projects from kumo-fake's deterministic directories.

mod support;

use kumo_fake::{AzureOptions, Options, generated_projects, generated_tenant};
use support::{World, accounts, assert_golden};

/// Signed in to the identity, one org (2 accounts, 2 roles), one tenant (2
/// subscriptions) and Google Cloud (2 projects), listed once.
async fn listed() -> World {
    let world = World::new(Options {
        gcp_projects: generated_projects(2),
        azure: AzureOptions {
            tenants: vec![generated_tenant("acme.onmicrosoft.com", 2)],
            ..AzureOptions::default()
        },
        ..accounts(2, 2)
    })
    .await;
    let clouds = format!(
        "\n[gcp]\nendpoint = \"{url}\"\n\n[[azure]]\ntenant = \"acme.onmicrosoft.com\"\nclient_id = \"{}\"\nlogin_endpoint = \"{url}\"\nmanagement_endpoint = \"{url}\"\n",
        world.fake.options().azure.client_id,
        url = world.fake.base_url(),
    );
    world.append_config(&format!("\n{}{clouds}", world.identity_table()));
    world.ok(&["login"]).await;
    world.ok(&["ls", "--refresh"]).await;
    world
}

#[tokio::test(flavor = "multi_thread")]
async fn every_ls_form_matches_its_golden_file() {
    let world = listed().await;
    assert_golden("ls.txt", &world.ok(&["ls"]).await);
    assert_golden("ls.json", &world.ok(&["ls", "--json"]).await);
    assert_golden("ls-azure.txt", &world.ok(&["ls", "--cloud", "azure"]).await);
    assert_golden("ls-query.txt", &world.ok(&["ls", "project", "1"]).await);
    let relisted = world.run(&["ls", "--refresh", "--cloud", "aws"]).await;
    assert_golden(
        "ls-refresh.stderr.txt",
        &String::from_utf8(relisted.stderr).unwrap(),
    );
}
