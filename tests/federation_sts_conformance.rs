//! The console federation endpoint and STS `GetCallerIdentity`, for credentials the
//! portal minted: STS through the real `aws-sdk-sts` client (SigV4-signed), federation
//! as a browser and Kumo call it.

use std::time::Duration;

use aws_sdk_sts::error::ProvideErrorMetadata;
use kumo_fake::{ConsoleLogin, Directory, FakeServer, Operation, Options};
use kumo_tests::{browser, fake, portal_client, sign_in, sts_client};
use url::Url;

struct Minted {
    account_id: String,
    role: String,
    key_id: String,
    secret: String,
    token: String,
}

async fn mint(fake: &FakeServer) -> Minted {
    let token = sign_in(fake).await;
    let account = &Directory::generated(1, 1).accounts[0];
    let out = portal_client(fake)
        .get_role_credentials()
        .access_token(&token)
        .account_id(&account.id)
        .role_name(&account.roles[0])
        .send()
        .await
        .unwrap();
    let creds = out.role_credentials().unwrap();
    Minted {
        account_id: account.id.clone(),
        role: account.roles[0].clone(),
        key_id: creds.access_key_id().unwrap().to_owned(),
        secret: creds.secret_access_key().unwrap().to_owned(),
        token: creds.session_token().unwrap().to_owned(),
    }
}

fn one_account() -> Options {
    Options {
        directory: Directory::generated(1, 1),
        ..Options::default()
    }
}

#[tokio::test]
async fn get_caller_identity_answers_with_the_assumed_role_of_the_minted_credentials() {
    let fake = fake(one_account()).await;
    let m = mint(&fake).await;
    let identity = sts_client(&fake, &m.key_id, &m.secret, &m.token)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(identity.account(), Some(m.account_id.as_str()));
    let arn = identity.arn().unwrap();
    let prefix = format!(
        "arn:aws:sts::{}:assumed-role/AWSReservedSSO_{}_",
        m.account_id, m.role
    );
    assert!(arn.starts_with(&prefix), "{arn}");
    assert!(arn.ends_with("/developer@example.com"), "{arn}");
    assert!(identity.user_id().unwrap().starts_with("AROA"));
    assert_eq!(fake.calls(Operation::GetCallerIdentity), 1);
}

#[tokio::test]
async fn a_wrong_secret_key_does_not_match_the_signature() {
    let fake = fake(one_account()).await;
    let m = mint(&fake).await;
    let wrong = "A".repeat(40);
    let err = sts_client(&fake, &m.key_id, &wrong, &m.token)
        .get_caller_identity()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 403);
    assert_eq!(
        err.into_service_error().code(),
        Some("SignatureDoesNotMatch")
    );
}

#[tokio::test]
async fn unknown_credentials_are_an_invalid_client_token_id() {
    let fake = fake(one_account()).await;
    let err = sts_client(&fake, "ASIAUNKNOWNUNKNOWN00", "secret", "token")
        .get_caller_identity()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.into_service_error().code(),
        Some("InvalidClientTokenId")
    );
}

#[tokio::test]
async fn expired_credentials_are_an_expired_token() {
    let fake = fake(one_account()).await;
    let m = mint(&fake).await;
    fake.advance_clock(Duration::from_secs(3601));
    let err = sts_client(&fake, &m.key_id, &m.secret, &m.token)
        .get_caller_identity()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.into_service_error().code(), Some("ExpiredToken"));
}

fn session_json(m: &Minted) -> String {
    serde_json::json!({"sessionId": m.key_id, "sessionKey": m.secret, "sessionToken": m.token})
        .to_string()
}

async fn signin_token_by_post(fake: &FakeServer, m: &Minted) -> String {
    let response = browser()
        .post(format!("{}/federation", fake.base_url()))
        .form(&[
            ("Action", "getSigninToken"),
            ("SessionDuration", "43200"),
            ("Session", &session_json(m)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    body["SigninToken"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_signin_token_by_post_logs_in_and_redirects_to_the_destination() {
    let fake = fake(one_account()).await;
    let m = mint(&fake).await;
    let signin_token = signin_token_by_post(&fake, &m).await;
    let destination = "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1";
    let mut login = Url::parse(&format!("{}/federation", fake.base_url())).unwrap();
    login
        .query_pairs_mut()
        .append_pair("Action", "login")
        .append_pair("Issuer", "kumo")
        .append_pair("Destination", destination)
        .append_pair("SigninToken", &signin_token);
    let response = browser().get(login).send().await.unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], destination);
    assert_eq!(
        fake.console_logins(),
        vec![ConsoleLogin {
            account_id: m.account_id.clone(),
            role_name: m.role.clone(),
            issuer: Some("kumo".into()),
            destination: destination.into(),
            session_duration: Some(43200),
        }]
    );
    assert_eq!(fake.calls(Operation::GetSigninToken), 1);
    assert_eq!(fake.calls(Operation::ConsoleLogin), 1);
}

#[tokio::test]
async fn get_signin_token_also_answers_by_get() {
    let fake = fake(one_account()).await;
    let m = mint(&fake).await;
    let mut url = Url::parse(&format!("{}/federation", fake.base_url())).unwrap();
    url.query_pairs_mut()
        .append_pair("Action", "getSigninToken")
        .append_pair("Session", &session_json(&m));
    let response = browser().get(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["SigninToken"].as_str().unwrap().len() > 100);
}

#[tokio::test]
async fn get_signin_token_refuses_unknown_credentials() {
    let fake = fake(one_account()).await;
    let mut m = mint(&fake).await;
    m.secret = "wrong".into();
    let response = browser()
        .post(format!("{}/federation", fake.base_url()))
        .form(&[("Action", "getSigninToken"), ("Session", &session_json(&m))])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn get_signin_token_refuses_a_session_duration_over_twelve_hours() {
    let fake = fake(one_account()).await;
    let m = mint(&fake).await;
    let response = browser()
        .post(format!("{}/federation", fake.base_url()))
        .form(&[
            ("Action", "getSigninToken"),
            ("SessionDuration", "43201"),
            ("Session", &session_json(&m)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn an_expired_signin_token_does_not_log_in() {
    let fake = fake(one_account()).await;
    let m = mint(&fake).await;
    let signin_token = signin_token_by_post(&fake, &m).await;
    fake.advance_clock(Duration::from_secs(16 * 60));
    let mut login = Url::parse(&format!("{}/federation", fake.base_url())).unwrap();
    login
        .query_pairs_mut()
        .append_pair("Action", "login")
        .append_pair("Destination", "https://console.aws.amazon.com/")
        .append_pair("SigninToken", &signin_token);
    let response = browser().get(login).send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert!(fake.console_logins().is_empty());
}
