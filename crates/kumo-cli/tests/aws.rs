//! The AWS commands end to end: the `kumo` binary against kumo-fake, with the real
//! keychain (the test command's gnome-keyring) and a BROWSER program playing the user.

mod support;

use std::time::{Duration, Instant};

use kumo_fake::{Fault, Operation, Options};
use support::{World, accounts, assert_not_on_disk, clear_keychain_item, keychain_item};

#[tokio::test(flavor = "multi_thread")]
async fn browser_login_signs_in_and_a_second_login_does_not_prompt() {
    let world = World::new(accounts(2, 1)).await;
    let first = world.ok(&["login"]).await;
    assert!(
        first.starts_with("Signed in to `acme`, valid until "),
        "{first}"
    );
    assert_eq!(world.fake.calls(Operation::Authorize), 1);
    let urls = world.browser_urls();
    assert_eq!(urls.len(), 1);
    assert!(urls[0].starts_with(&format!(
        "{}/authorize?response_type=code&client_id=",
        world.fake.base_url()
    )));
    assert!(urls[0].contains("code_challenge_method=S256"));
    assert!(keychain_item(&world.service, "aws/acme/session").is_some());

    let second = world.ok(&["login"]).await;
    assert!(
        second.starts_with("Already signed in to `acme`"),
        "{second}"
    );
    assert_eq!(world.fake.calls(Operation::Authorize), 1);
    assert_eq!(world.fake.calls(Operation::RegisterClient), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn login_force_signs_in_again_with_the_stored_registration() {
    let world = World::new(accounts(1, 1)).await;
    world.ok(&["login"]).await;
    let again = world.ok(&["login", "--force"]).await;
    assert!(again.starts_with("Signed in to `acme`"), "{again}");
    assert_eq!(world.fake.calls(Operation::Authorize), 2);
    assert_eq!(world.fake.calls(Operation::RegisterClient), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn device_code_login_polls_until_approved() {
    let world = World::new(Options {
        auto_approve_after_polls: Some(1),
        ..accounts(1, 1)
    })
    .await;
    let out = world.run(&["login", "--device-code", "--no-browser"]).await;
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("To sign in to `acme`, confirm the code "),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{}/device?user_code=", world.fake.base_url())),
        "{stderr}"
    );
    assert_eq!(world.fake.calls(Operation::CreateToken), 2);
    assert!(world.browser_urls().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn device_code_login_opens_the_verification_page_for_the_user() {
    let world = World::new(accounts(1, 1)).await;
    let out = world.ok(&["login", "--device-code"]).await;
    assert!(out.starts_with("Signed in to `acme`"), "{out}");
    assert_eq!(world.fake.calls(Operation::DeviceVerification), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_denied_device_code_fails_with_one_line() {
    let world = World::new(accounts(1, 1)).await;
    let mut cmd = world.command(&["login", "--device-code"]);
    cmd.env("KUMO_TEST_BROWSER_DENY", "1");
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).ends_with(
        "kumo: the sign-in for `acme` was denied in the browser: run `kumo login --org acme` to try again\n"
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unapproved_device_code_expires_with_one_line() {
    let world = World::new(Options {
        device_code_lifetime: Duration::from_secs(2),
        ..accounts(1, 1)
    })
    .await;
    let err = world
        .fails(&["login", "--device-code", "--no-browser"])
        .await;
    assert_eq!(
        err,
        "kumo: the sign-in code for `acme` expired before it was approved: run `kumo login --org acme` again"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn slow_down_adds_five_seconds_to_the_polling_interval() {
    let world = World::new(Options {
        auto_approve_after_polls: Some(0),
        ..accounts(1, 1)
    })
    .await;
    world
        .fake
        .script(Operation::CreateToken, Fault::slow_down(), 1);
    let started = Instant::now();
    world.ok(&["login", "--device-code", "--no-browser"]).await;
    // One poll after 1 s (slowed down), the next 1 + 5 s later.
    assert!(
        started.elapsed() >= Duration::from_secs(7),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(world.fake.calls(Operation::CreateToken), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_close_to_expiry_is_renewed_without_a_prompt() {
    let world = World::new(Options {
        access_token_lifetime: Duration::from_secs(4),
        ..accounts(1, 1)
    })
    .await;
    world.ok(&["login"]).await;
    // Past half its life, a short-lived token is due for renewal.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let renewed = world.ok(&["login"]).await;
    assert!(
        renewed.starts_with("Renewed the session for `acme` without a prompt"),
        "{renewed}"
    );
    assert_eq!(world.fake.calls(Operation::Authorize), 1);
    assert_eq!(world.fake.calls(Operation::CreateToken), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn ls_lists_every_role_across_pages() {
    let world = World::new(accounts(150, 2)).await;
    world.ok(&["login"]).await;
    let out = world.ok(&["ls"]).await;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 300);
    let expected = world.target(149, 1);
    assert!(lines[299].starts_with(&expected), "{}", lines[299]);
    assert_eq!(world.fake.calls(Operation::ListAccounts), 2);
    assert_eq!(world.fake.calls(Operation::ListAccountRoles), 150);
}

#[tokio::test(flavor = "multi_thread")]
async fn ls_json_is_the_documented_schema() {
    let world = World::new(accounts(1, 1)).await;
    world.ok(&["login"]).await;
    let doc: serde_json::Value = serde_json::from_str(&world.ok(&["ls", "--json"]).await).unwrap();
    let account = &world.fake.options().directory.accounts[0];
    assert_eq!(
        doc,
        serde_json::json!({
            "version": 1,
            "targets": [{
                "id": format!("aws:acme/{}/{}", account.id, account.roles[0]),
                "cloud": "aws",
                "org": "acme",
                "account_id": account.id,
                "account_name": account.name,
                "role": account.roles[0],
                "privileged": true,
            }]
        })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_ls_answers_from_the_cache_without_calling_aws() {
    let world = World::new(accounts(5, 2)).await;
    world.ok(&["login"]).await;
    let first = world.ok(&["ls"]).await;
    let calls = world.fake.calls(Operation::ListAccountRoles);
    assert_eq!(world.ok(&["ls"]).await, first);
    assert_eq!(world.fake.calls(Operation::ListAccountRoles), calls);
}

#[tokio::test(flavor = "multi_thread")]
async fn ls_refresh_reports_what_was_added_and_removed() {
    let world = World::new(accounts(2, 1)).await;
    world.ok(&["login"]).await;
    world.ok(&["ls"]).await;
    let cache_path = world.home.path().join("cache/kumo/aws/acme.json");
    let mut cache: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&cache_path).unwrap()).unwrap();
    cache["accounts"][0]["roles"] = serde_json::json!(["Gone"]);
    std::fs::write(&cache_path, cache.to_string()).unwrap();

    let out = world.run(&["ls", "--refresh"]).await;
    assert!(out.status.success());
    let account = &world.fake.options().directory.accounts[0];
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "acme: 2 roles; 1 added, 1 removed\n+ aws:acme/{id}/{role}\n- aws:acme/{id}/Gone\n",
            id = account.id,
            role = account.roles[0]
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ls_filters_fuzzily() {
    let world = World::new(accounts(24, 2)).await;
    world.ok(&["login"]).await;
    let out = world.ok(&["ls", "paystag", "readonly"]).await;
    let account = world
        .fake
        .options()
        .directory
        .accounts
        .iter()
        .find(|a| a.name == "payments-staging")
        .unwrap();
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.starts_with(&format!("aws:acme/{}/ReadOnlyAccess", account.id)),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_and_server_errors_still_give_the_exact_complete_listing() {
    let world = World::new(Options {
        tps: Some(20.0),
        server_error_rate: 0.1,
        ..accounts(60, 3)
    })
    .await;
    world.ok(&["login"]).await;
    let out = world.run(&["ls", "--json"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<&str> = doc["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    let want: Vec<String> = world
        .fake
        .options()
        .directory
        .accounts
        .iter()
        .flat_map(|a| {
            a.roles
                .iter()
                .map(move |r| format!("aws:acme/{}/{r}", a.id))
        })
        .collect();
    assert_eq!(got, want);
}

#[tokio::test(flavor = "multi_thread")]
async fn fifty_parallel_credential_processes_make_one_call_and_one_refresh() {
    let world = World::new(Options {
        access_token_lifetime: Duration::from_secs(20),
        ..accounts(2, 1)
    })
    .await;
    world.ok(&["login"]).await;
    // Every caller now finds the token due for renewal: one of them renews it, and the
    // renewed token stays fresh for 10 s while the others take their turn.
    tokio::time::sleep(Duration::from_millis(10_100)).await;
    let token_calls = world.fake.calls(Operation::CreateToken);
    let target = world.target(1, 0);
    let mut key_ids = Vec::new();
    for out in world
        .run_parallel(&["credential-process", &target], 50)
        .await
    {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["Version"], 1);
        key_ids.push(doc["AccessKeyId"].as_str().unwrap().to_owned());
    }
    key_ids.dedup();
    assert_eq!(key_ids.len(), 1);
    assert_eq!(world.fake.calls(Operation::GetRoleCredentials), 1);
    assert_eq!(world.fake.calls(Operation::CreateToken), token_calls + 1);
    assert_eq!(world.fake.calls(Operation::Authorize), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn credential_process_prints_only_the_json_and_reuses_the_keychain() {
    let world = World::new(accounts(1, 1)).await;
    world.ok(&["login"]).await;
    let target = world.target(0, 0);
    let first = world.ok(&["credential-process", &target]).await;
    let second = world.ok(&["credential-process", &target]).await;
    assert_eq!(first, second);
    let doc: serde_json::Value = serde_json::from_str(&first).unwrap();
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "AccessKeyId",
            "Expiration",
            "SecretAccessKey",
            "SessionToken",
            "Version"
        ]
    );
    assert!(doc["Expiration"].as_str().unwrap().ends_with('Z'));
    assert_eq!(world.fake.calls(Operation::GetRoleCredentials), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn credential_process_answers_from_the_kernel_keyring_before_the_secret_service() {
    let world = World::new(accounts(1, 1)).await;
    world.ok(&["login"]).await;
    let target = world.target(0, 0);
    let first = world.ok(&["credential-process", &target]).await;
    // With the keychain's copy gone, only the kernel keyring can answer without AWS.
    clear_keychain_item(&world.service, "aws/acme/credentials");
    let second = world.ok(&["credential-process", &target]).await;
    assert_eq!(first, second);
    assert_eq!(world.fake.calls(Operation::GetRoleCredentials), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_also_drops_the_kernel_keyring_copies() {
    let world = World::new(accounts(1, 1)).await;
    world.ok(&["login"]).await;
    let target = world.target(0, 0);
    world.ok(&["credential-process", &target]).await;
    world.ok(&["logout"]).await;
    let err = world.fails(&["credential-process", &target]).await;
    assert_eq!(
        err,
        format!(
            "kumo: no credentials for {target}: not signed in to `acme`: run `kumo login --org acme`"
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn creds_by_account_name_prints_shell_exports() {
    let world = World::new(accounts(3, 1)).await;
    world.ok(&["login"]).await;
    world.ok(&["ls"]).await;
    let account = &world.fake.options().directory.accounts[2];
    let out = world
        .ok(&[
            "creds",
            &format!("aws:{}/{}", account.name, account.roles[0]),
        ])
        .await;
    let names: Vec<&str> = out.lines().map(|l| l.split('=').next().unwrap()).collect();
    assert_eq!(
        names,
        [
            "export AWS_ACCESS_KEY_ID",
            "export AWS_SECRET_ACCESS_KEY",
            "export AWS_SESSION_TOKEN",
            "export AWS_CREDENTIAL_EXPIRATION"
        ]
    );
    let fish = world
        .ok(&["creds", &world.target(2, 0), "--format", "fish"])
        .await;
    assert!(
        fish.starts_with("set -gx AWS_ACCESS_KEY_ID 'ASIA"),
        "{fish}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn credential_process_without_a_session_fails_fast_without_a_prompt() {
    let world = World::new(accounts(1, 1)).await;
    let target = world.target(0, 0);
    let err = world.fails(&["credential-process", &target]).await;
    assert_eq!(
        err,
        format!(
            "kumo: no credentials for {target}: not signed in to `acme`: run `kumo login --org acme`"
        )
    );
    assert!(world.browser_urls().is_empty());
    assert_eq!(world.fake.calls(Operation::RegisterClient), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn auto_login_lets_credential_process_sign_in_once() {
    let world = World::with_org_settings(accounts(1, 1), "auto_login = true\n").await;
    let out = world.ok(&["credential-process", &world.target(0, 0)]).await;
    assert!(out.contains("\"AccessKeyId\""));
    assert_eq!(world.fake.calls(Operation::Authorize), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_callers_without_a_session_share_one_browser_prompt() {
    let world = World::with_org_settings(accounts(1, 1), "auto_login = true\n").await;
    let target = world.target(0, 0);
    for out in world
        .run_parallel(&["credential-process", &target], 20)
        .await
    {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(world.browser_urls().len(), 1);
    assert_eq!(world.fake.calls(Operation::Authorize), 1);
    assert_eq!(world.fake.calls(Operation::GetRoleCredentials), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_session_says_to_log_in_again() {
    let world = World::new(accounts(1, 1)).await;
    world.ok(&["login"]).await;
    world.fake.revoke_all_sessions();
    let err = world.fails(&["ls", "--refresh"]).await;
    assert_eq!(
        err,
        "kumo: the session for `acme` has expired or was revoked: run `kumo login --org acme`"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_garbage_answer_is_a_one_line_error() {
    let world = World::new(accounts(1, 1)).await;
    world.ok(&["login"]).await;
    world
        .fake
        .script(Operation::ListAccounts, Fault::Garbage, 1);
    let err = world.fails(&["ls"]).await;
    assert_eq!(
        err,
        "kumo: AWS ListAccounts failed for `acme`: an unexpected answer"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_huge_answer_is_a_one_line_error() {
    let world = World::new(accounts(1, 1)).await;
    world.ok(&["login"]).await;
    world
        .fake
        .script(Operation::ListAccounts, Fault::Huge(64 << 20), 1);
    let err = world.fails(&["ls"]).await;
    assert_eq!(
        err,
        "kumo: AWS ListAccounts failed for `acme`: an unexpected answer"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_endpoint_is_a_one_line_error() {
    let world = World::new(accounts(1, 1)).await;
    let config = world.home.path().join("config.toml");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace(world.fake.base_url(), "http://127.0.0.1:9");
    std::fs::write(&config, text).unwrap();
    let err = world.fails(&["login", "--no-browser"]).await;
    assert!(
        err.starts_with("kumo: cannot reach AWS for RegisterClient (`acme`): "),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_gets_one_line_and_exit_1() {
    let world = World::new(accounts(1, 1)).await;
    assert_eq!(
        world.fails(&["login", "--org", "nope"]).await,
        "kumo: no AWS org is named `nope`; configured: acme"
    );
    assert_eq!(
        world.fails(&["credential-process", "acme/1/Admin"]).await,
        "kumo: `acme/1/Admin` is not a target: an AWS target starts with `aws:`, like aws:acme/123456789012/ReadOnly"
    );
    assert_eq!(
        world.fails(&["creds", "aws:no-such-account/Admin"]).await,
        "kumo: no account `no-such-account` in org `acme`: check the name, or run `kumo ls --org acme --refresh`"
    );
    std::fs::write(world.home.path().join("config.toml"), "[[aws]]\nname = 3\n").unwrap();
    let err = world.fails(&["ls"]).await;
    assert!(
        err.starts_with(&format!(
            "kumo: config file {}, line 2, field `name`: ",
            world.home.path().join("config.toml").display()
        )),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_ends_the_session_and_empties_the_keychain() {
    let world = World::new(accounts(1, 1)).await;
    world.ok(&["login"]).await;
    world.ok(&["credential-process", &world.target(0, 0)]).await;
    let out = world.ok(&["logout"]).await;
    assert_eq!(
        out,
        "Signed out of `acme`: its tokens and role credentials are gone from the keychain; the portal session is ended.\n"
    );
    assert_eq!(world.fake.calls(Operation::Logout), 1);
    assert_eq!(keychain_item(&world.service, "aws/acme/session"), None);
    assert_eq!(keychain_item(&world.service, "aws/acme/credentials"), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_reaches_a_file_after_a_full_run() {
    let world = World::new(accounts(3, 2)).await;
    world.ok(&["login"]).await;
    world.ok(&["ls", "--refresh"]).await;
    let doc: serde_json::Value =
        serde_json::from_str(&world.ok(&["credential-process", &world.target(1, 1)]).await)
            .unwrap();
    let session_item = keychain_item(&world.service, "aws/acme/session").unwrap();
    let session: serde_json::Value = serde_json::from_str(&session_item).unwrap();
    let secrets = [
        doc["SecretAccessKey"].as_str().unwrap(),
        doc["SessionToken"].as_str().unwrap(),
        session["token"]["access_token"].as_str().unwrap(),
        session["token"]["refresh_token"].as_str().unwrap(),
        session["registration"]["client_secret"].as_str().unwrap(),
    ];
    assert_not_on_disk(&world, &secrets);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_sign_in_is_served_no_credentials_of_the_one_before() {
    let world = World::new(accounts(1, 1)).await;
    world.ok(&["login"]).await;
    let target = world.target(0, 0);
    world.ok(&["credential-process", &target]).await;
    world.ok(&["credential-process", &target]).await;
    assert_eq!(world.fake.calls(Operation::GetRoleCredentials), 1);
    // Signed in again (it may be to another Identity Center, or as another person).
    world.ok(&["login", "--force"]).await;
    world.ok(&["credential-process", &target]).await;
    assert_eq!(world.fake.calls(Operation::GetRoleCredentials), 2);
}
