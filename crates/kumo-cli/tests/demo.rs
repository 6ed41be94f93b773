//! `kumo demo`: the whole flow on the embedded stand-in clouds, which `make run` shows.

mod support;

use support::{World, accounts};

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_walks_through_every_cloud_and_succeeds() {
    let world = World::new(accounts(1, 1)).await;
    let out = world.ok(&["demo"]).await;
    for expected in [
        "Signed in as developer@example.com",
        "aws:demo/210000000000/AdministratorAccess  payments-prod",
        "… 108 roles in 36 accounts",
        "azure:acme.onmicrosoft.com/",
        "gcp:acme-project-000  Acme Project 0",
        "GetRoleCredentials calls so far: 1",
        "Elevated aws:demo/210000000000/AdministratorAccess until ",
        "elevation    elevated aws:demo/210000000000/AdministratorAccess until ",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_leaves_the_users_config_and_cache_alone() {
    let world = World::new(accounts(1, 1)).await;
    let config = std::fs::read(world.home.path().join("config.toml")).unwrap();
    world.ok(&["demo"]).await;
    assert_eq!(
        std::fs::read(world.home.path().join("config.toml")).unwrap(),
        config
    );
    assert!(!world.home.path().join("cache").exists());
}
