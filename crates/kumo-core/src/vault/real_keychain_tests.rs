//! The real OS keychain: on Linux, the Secret Service of a running gnome-keyring (the
//! test command starts one in a private D-Bus session). `secret-tool` reads back what
//! Kumo stored, which proves the item is in the real store and not in a mock.

use std::process::Command;

use crate::vault::{Chunked, KeyringStore, SecretStore};

/// A service name of this test run, so parallel runs and the user's items never meet.
fn service(test: &str) -> String {
    format!("kumo-test-{test}-{}", std::process::id())
}

fn secret_tool_lookup(service: &str, key: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", key])
        .output()
        .expect("secret-tool is installed (package libsecret-tools)");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_secret_is_stored_read_and_deleted_in_the_secret_service() {
    let service = service("roundtrip");
    let store = KeyringStore::new(&service);
    store.put("session/acme", b"refresh-token-value").unwrap();

    assert_eq!(
        secret_tool_lookup(&service, "session/acme").as_deref(),
        Some("refresh-token-value")
    );
    assert_eq!(
        store.get("session/acme").unwrap().unwrap().expose(),
        b"refresh-token-value"
    );

    store.delete("session/acme").unwrap();
    assert_eq!(store.get("session/acme").unwrap(), None);
    assert_eq!(secret_tool_lookup(&service, "session/acme"), None);
}

#[test]
fn items_persist_across_store_instances() {
    let service = service("persist");
    KeyringStore::new(&service).put("k", b"v1").unwrap();
    let reopened = KeyringStore::new(&service);
    assert_eq!(reopened.get("k").unwrap().unwrap().expose(), b"v1");
    reopened.delete("k").unwrap();
}

#[test]
fn an_overwrite_replaces_the_value() {
    let service = service("overwrite");
    let store = KeyringStore::new(&service);
    store.put("k", b"old").unwrap();
    store.put("k", b"new").unwrap();
    assert_eq!(store.get("k").unwrap().unwrap().expose(), b"new");
    store.delete("k").unwrap();
}

#[test]
fn deleting_an_absent_item_succeeds() {
    let store = KeyringStore::new(&service("absent"));
    store.delete("never-stored").unwrap();
    assert_eq!(store.get("never-stored").unwrap(), None);
}

#[test]
fn large_values_round_trip_in_chunks_through_the_real_store() {
    let service = service("chunks");
    let store = Chunked::new(KeyringStore::new(&service), 2000);
    let value: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    store.put("big", &value).unwrap();
    assert_eq!(store.get("big").unwrap().unwrap().expose(), &value[..]);
    assert!(secret_tool_lookup(&service, "big#2").is_some());
    store.delete("big").unwrap();
    assert_eq!(secret_tool_lookup(&service, "big#0"), None);
    assert_eq!(store.get("big").unwrap(), None);
}
