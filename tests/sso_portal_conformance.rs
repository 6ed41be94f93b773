//! The AWS access portal, driven through the real `aws-sdk-sso` client: pagination,
//! credentials, logout, the rate limit and every scripted error, as the SDK types them.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_sso::error::ProvideErrorMetadata;
use aws_sdk_sso::operation::list_account_roles::ListAccountRolesError;
use aws_sdk_sso::operation::list_accounts::ListAccountsError;
use kumo_fake::{Directory, Fault, Operation, Options};
use kumo_tests::{fake, portal_client, sign_in};

fn options(accounts: usize, roles: usize) -> Options {
    Options {
        directory: Directory::generated(accounts, roles),
        ..Options::default()
    }
}

#[tokio::test]
async fn list_accounts_pages_through_every_account_in_order() {
    let fake = fake(options(45, 1)).await;
    let token = sign_in(&fake).await;
    let accounts: Vec<_> = portal_client(&fake)
        .list_accounts()
        .access_token(&token)
        .max_results(20)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    let expected = Directory::generated(45, 1);
    assert_eq!(accounts.len(), 45);
    for (got, want) in accounts.iter().zip(&expected.accounts) {
        assert_eq!(got.account_id(), Some(want.id.as_str()));
        assert_eq!(got.account_name(), Some(want.name.as_str()));
        assert_eq!(got.email_address(), Some(want.email.as_str()));
    }
    assert_eq!(fake.calls(Operation::ListAccounts), 3);
}

#[tokio::test]
async fn list_accounts_gives_up_to_max_result_and_a_next_token() {
    let fake = fake(options(150, 1)).await;
    let token = sign_in(&fake).await;
    let page = portal_client(&fake)
        .list_accounts()
        .access_token(&token)
        .max_results(100)
        .send()
        .await
        .unwrap();
    assert_eq!(page.account_list().len(), 100);
    assert!(page.next_token().is_some());
}

#[tokio::test]
async fn the_last_page_has_no_next_token() {
    let fake = fake(options(3, 1)).await;
    let token = sign_in(&fake).await;
    let page = portal_client(&fake)
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(page.account_list().len(), 3);
    assert_eq!(page.next_token(), None);
}

#[tokio::test]
async fn max_result_outside_1_to_100_is_invalid_request() {
    let fake = fake(options(3, 1)).await;
    let token = sign_in(&fake).await;
    for bad in [0, 101] {
        let err = portal_client(&fake)
            .list_accounts()
            .access_token(&token)
            .max_results(bad)
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.raw_response().unwrap().status().as_u16(), 400);
        match err.into_service_error() {
            ListAccountsError::InvalidRequestException(e) => {
                assert_eq!(e.message(), Some("max_result must be between 1 and 100"))
            }
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn list_account_roles_pages_through_every_role() {
    let fake = fake(options(2, 7)).await;
    let token = sign_in(&fake).await;
    let account = &Directory::generated(2, 7).accounts[1];
    let roles: Vec<_> = portal_client(&fake)
        .list_account_roles()
        .access_token(&token)
        .account_id(&account.id)
        .max_results(3)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    let names: Vec<&str> = roles.iter().filter_map(|r| r.role_name()).collect();
    assert_eq!(
        names,
        account.roles.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert!(
        roles
            .iter()
            .all(|r| r.account_id() == Some(account.id.as_str()))
    );
    assert_eq!(fake.calls(Operation::ListAccountRoles), 3);
}

#[tokio::test]
async fn a_next_token_from_another_listing_is_invalid_request() {
    let fake = fake(options(30, 1)).await;
    let token = sign_in(&fake).await;
    let portal = portal_client(&fake);
    let page = portal
        .list_accounts()
        .access_token(&token)
        .max_results(5)
        .send()
        .await
        .unwrap();
    let err = portal
        .list_account_roles()
        .access_token(&token)
        .account_id(&Directory::generated(30, 1).accounts[0].id)
        .next_token(page.next_token().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, ListAccountRolesError::InvalidRequestException(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn roles_of_an_unknown_account_are_resource_not_found() {
    let fake = fake(options(1, 1)).await;
    let token = sign_in(&fake).await;
    let err = portal_client(&fake)
        .list_account_roles()
        .access_token(&token)
        .account_id("999999999999")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 404);
    assert!(matches!(
        err.into_service_error(),
        ListAccountRolesError::ResourceNotFoundException(_)
    ));
}

#[tokio::test]
async fn get_role_credentials_mints_credentials_expiring_in_epoch_milliseconds() {
    let fake = fake(options(1, 1)).await;
    let token = sign_in(&fake).await;
    let account = &Directory::generated(1, 1).accounts[0];
    let out = portal_client(&fake)
        .get_role_credentials()
        .access_token(&token)
        .account_id(&account.id)
        .role_name(&account.roles[0])
        .send()
        .await
        .unwrap();
    let creds = out.role_credentials().unwrap();
    let key_id = creds.access_key_id().unwrap();
    assert!(key_id.starts_with("ASIA") && key_id.len() == 20, "{key_id}");
    assert_eq!(creds.secret_access_key().unwrap().len(), 40);
    assert!(!creds.session_token().unwrap().is_empty());
    let expected_ms = (SystemTime::now() + Duration::from_secs(3600))
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert!(
        (creds.expiration() - expected_ms).abs() < 5_000,
        "{}",
        creds.expiration()
    );
}

#[tokio::test]
async fn credentials_for_an_unassigned_role_are_forbidden() {
    let fake = fake(options(1, 1)).await;
    let token = sign_in(&fake).await;
    let err = portal_client(&fake)
        .get_role_credentials()
        .access_token(&token)
        .account_id(&Directory::generated(1, 1).accounts[0].id)
        .role_name("NotMine")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 403);
    let err = err.into_service_error();
    assert_eq!(err.code(), Some("ForbiddenException"));
    assert_eq!(err.message(), Some("No access"));
}

#[tokio::test]
async fn an_unknown_token_is_unauthorized() {
    let fake = fake(options(1, 1)).await;
    let err = portal_client(&fake)
        .list_accounts()
        .access_token("aoa-made-up")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 401);
    match err.into_service_error() {
        ListAccountsError::UnauthorizedException(e) => {
            assert_eq!(e.message(), Some("Session token not found or invalid"))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_expired_token_is_unauthorized() {
    let fake = fake(options(1, 1)).await;
    let token = sign_in(&fake).await;
    fake.advance_clock(Duration::from_secs(3601));
    let err = portal_client(&fake)
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, ListAccountsError::UnauthorizedException(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_revoked_token_is_unauthorized() {
    let fake = fake(options(1, 1)).await;
    let token = sign_in(&fake).await;
    fake.revoke_access_token(&token);
    let err = portal_client(&fake)
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, ListAccountsError::UnauthorizedException(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn logout_ends_the_session() {
    let fake = fake(options(1, 1)).await;
    let token = sign_in(&fake).await;
    let portal = portal_client(&fake);
    portal.logout().access_token(&token).send().await.unwrap();
    assert_eq!(fake.calls(Operation::Logout), 1);
    let err = portal
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, ListAccountsError::UnauthorizedException(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn above_the_rate_limit_the_portal_answers_too_many_requests() {
    let fake = fake(Options {
        tps: Some(5.0),
        ..options(1, 1)
    })
    .await;
    let token = sign_in(&fake).await;
    let portal = portal_client(&fake);
    let calls = (0..20).map(|_| portal.list_accounts().access_token(&token).send());
    let results = futures_join_all(calls).await;
    let throttled = results
        .iter()
        .filter(|r| {
            matches!(
                r.as_ref().map_err(|e| e.as_service_error()),
                Err(Some(ListAccountsError::TooManyRequestsException(_)))
            )
        })
        .count();
    assert!(throttled >= 10, "only {throttled} of 20 were throttled");
    assert_eq!(fake.throttled(), throttled as u64);
    assert_eq!(fake.calls(Operation::ListAccounts), 20);
}

/// Runs the calls concurrently on the test's runtime.
async fn futures_join_all<F, T>(calls: impl Iterator<Item = F>) -> Vec<T>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = calls.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

#[tokio::test]
async fn a_scripted_throttle_is_too_many_requests_then_service_resumes() {
    let fake = fake(options(1, 1)).await;
    let token = sign_in(&fake).await;
    fake.script(Operation::ListAccounts, Fault::Throttle, 2);
    let portal = portal_client(&fake);
    for _ in 0..2 {
        let err = portal
            .list_accounts()
            .access_token(&token)
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.raw_response().unwrap().status().as_u16(), 429);
        assert!(matches!(
            err.into_service_error(),
            ListAccountsError::TooManyRequestsException(_)
        ));
    }
    assert!(
        portal
            .list_accounts()
            .access_token(&token)
            .send()
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_scripted_503_reaches_the_sdk_with_its_status() {
    let fake = fake(options(1, 1)).await;
    let token = sign_in(&fake).await;
    fake.script(Operation::GetRoleCredentials, Fault::ServerError(503), 1);
    let account = &Directory::generated(1, 1).accounts[0];
    let err = portal_client(&fake)
        .get_role_credentials()
        .access_token(&token)
        .account_id(&account.id)
        .role_name(&account.roles[0])
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 503);
    assert_eq!(
        err.into_service_error().code(),
        Some("InternalServerException")
    );
}

#[tokio::test]
async fn every_request_fails_at_an_error_rate_of_one() {
    let fake = fake(Options {
        server_error_rate: 1.0,
        ..options(1, 1)
    })
    .await;
    let err = portal_client(&fake)
        .list_accounts()
        .access_token("any")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 500);
}

#[tokio::test]
async fn a_partial_error_rate_fails_some_requests_and_not_others() {
    let fake = fake(Options {
        server_error_rate: 0.5,
        ..options(1, 1)
    })
    .await;
    let portal = portal_client(&fake);
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let err = portal
            .list_accounts()
            .access_token("any")
            .send()
            .await
            .unwrap_err();
        statuses.push(err.raw_response().unwrap().status().as_u16());
    }
    let failed = statuses.iter().filter(|&&s| s == 500).count();
    let unauthorized = statuses.iter().filter(|&&s| s == 401).count();
    assert_eq!(failed + unauthorized, 40);
    assert!((8..=32).contains(&failed), "{failed} of 40 failed");
}

#[tokio::test]
async fn a_huge_answer_is_an_sdk_error_not_a_success() {
    let fake = fake(options(1, 1)).await;
    let token = sign_in(&fake).await;
    fake.script(Operation::ListAccounts, Fault::Huge(8 << 20), 1);
    let err = portal_client(&fake)
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 200);
    assert_eq!(err.into_service_error().code(), None);
}

#[tokio::test]
async fn latency_delays_every_answer() {
    let fake = fake(Options {
        latency: Duration::from_millis(300),
        ..options(1, 1)
    })
    .await;
    let started = Instant::now();
    let _ = portal_client(&fake)
        .list_accounts()
        .access_token("any")
        .send()
        .await;
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn a_scripted_delay_holds_one_answer_then_it_succeeds() {
    let fake = fake(options(1, 1)).await;
    let token = sign_in(&fake).await;
    fake.script(
        Operation::ListAccounts,
        Fault::Delay(Duration::from_millis(200)),
        1,
    );
    let started = Instant::now();
    let page = portal_client(&fake)
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(page.account_list().len(), 1);
}

#[tokio::test]
async fn the_call_counters_are_readable_over_http() {
    let fake = fake(options(1, 1)).await;
    let token = sign_in(&fake).await;
    portal_client(&fake)
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .unwrap();
    let counts: serde_json::Value = reqwest::get(format!("{}/_fake/calls", fake.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(counts["ListAccounts"], 1);
    assert_eq!(counts["RegisterClient"], 1);
    assert_eq!(counts["CreateToken"], 1);
    assert_eq!(counts["GetRoleCredentials"], 0);
}
