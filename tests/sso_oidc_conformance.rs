//! IAM Identity Center OIDC, driven through the real `aws-sdk-ssooidc` client: every
//! operation, every grant, and every scripted error, as the SDK types them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_ssooidc::error::ProvideErrorMetadata;
use aws_sdk_ssooidc::operation::create_token::CreateTokenError;
use aws_sdk_ssooidc::operation::register_client::RegisterClientError;
use aws_sdk_ssooidc::operation::start_device_authorization::{
    StartDeviceAuthorizationError, StartDeviceAuthorizationOutput,
};
use kumo_fake::{
    FakeServer, Fault, GRANT_AUTHORIZATION_CODE, GRANT_DEVICE_CODE, GRANT_REFRESH_TOKEN, Operation,
    Options,
};
use kumo_tests::{START_URL, browser, fake, oidc_client, register};
use url::Url;

const REDIRECT: &str = "http://127.0.0.1/oauth/callback";

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn start_device(
    oidc: &aws_sdk_ssooidc::Client,
    id: &str,
    secret: &str,
) -> StartDeviceAuthorizationOutput {
    oidc.start_device_authorization()
        .client_id(id)
        .client_secret(secret)
        .start_url(START_URL)
        .send()
        .await
        .unwrap()
}

async fn poll(
    oidc: &aws_sdk_ssooidc::Client,
    id: &str,
    secret: &str,
    device_code: &str,
) -> Result<aws_sdk_ssooidc::operation::create_token::CreateTokenOutput, CreateTokenError> {
    oidc.create_token()
        .client_id(id)
        .client_secret(secret)
        .grant_type(GRANT_DEVICE_CODE)
        .device_code(device_code)
        .send()
        .await
        .map_err(|e| e.into_service_error())
}

/// A fake that tolerates back-to-back polls, for tests not about the polling interval.
fn relaxed() -> Options {
    Options {
        enforce_poll_interval: false,
        ..Options::default()
    }
}

#[tokio::test]
async fn register_client_returns_an_id_a_secret_and_their_dates() {
    let fake = fake(Options::default()).await;
    let client = register(&oidc_client(&fake)).await;
    assert!(!client.client_id().unwrap().is_empty());
    assert!(!client.client_secret().unwrap().is_empty());
    assert!((client.client_id_issued_at() - now_secs()).abs() <= 5);
    assert!((client.client_secret_expires_at() - (now_secs() + 90 * 86_400)).abs() <= 5);
    assert_eq!(client.authorization_endpoint(), None);
    assert_eq!(fake.calls(Operation::RegisterClient), 1);
}

#[tokio::test]
async fn register_client_for_the_code_grant_names_the_authorize_and_token_endpoints() {
    let fake = fake(Options::default()).await;
    let client = oidc_client(&fake)
        .register_client()
        .client_name("kumo")
        .client_type("public")
        .scopes("sso:account:access")
        .grant_types(GRANT_AUTHORIZATION_CODE)
        .grant_types(GRANT_REFRESH_TOKEN)
        .redirect_uris(REDIRECT)
        .issuer_url(START_URL)
        .send()
        .await
        .unwrap();
    assert_eq!(
        client.authorization_endpoint(),
        Some(format!("{}/authorize", fake.base_url()).as_str())
    );
    assert_eq!(
        client.token_endpoint(),
        Some(format!("{}/token", fake.base_url()).as_str())
    );
}

#[tokio::test]
async fn register_client_refuses_a_confidential_client_type() {
    let fake = fake(Options::default()).await;
    let err = oidc_client(&fake)
        .register_client()
        .client_name("kumo")
        .client_type("confidential")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, RegisterClientError::InvalidClientMetadataException(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn register_client_refuses_an_unknown_grant_type() {
    let fake = fake(Options::default()).await;
    let err = oidc_client(&fake)
        .register_client()
        .client_name("kumo")
        .client_type("public")
        .grant_types("password")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, RegisterClientError::UnsupportedGrantTypeException(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn register_client_refuses_a_redirect_that_is_not_loopback() {
    let fake = fake(Options::default()).await;
    let err = oidc_client(&fake)
        .register_client()
        .client_name("kumo")
        .client_type("public")
        .grant_types(GRANT_AUTHORIZATION_CODE)
        .redirect_uris("https://evil.example/callback")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, RegisterClientError::InvalidRedirectUriException(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn register_client_refuses_a_scope_with_whitespace() {
    let fake = fake(Options::default()).await;
    let err = oidc_client(&fake)
        .register_client()
        .client_name("kumo")
        .client_type("public")
        .scopes("sso:account:access openid")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, RegisterClientError::InvalidScopeException(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn start_device_authorization_returns_codes_uris_lifetime_and_interval() {
    let fake = fake(Options::default()).await;
    let oidc = oidc_client(&fake);
    let client = register(&oidc).await;
    let device = start_device(
        &oidc,
        client.client_id().unwrap(),
        client.client_secret().unwrap(),
    )
    .await;
    let user_code = device.user_code().unwrap();
    assert_eq!(user_code.len(), 9);
    assert_eq!(&user_code[4..5], "-");
    assert_eq!(
        device.verification_uri(),
        Some(format!("{}/device", fake.base_url()).as_str())
    );
    assert_eq!(
        device.verification_uri_complete(),
        Some(format!("{}/device?user_code={user_code}", fake.base_url()).as_str())
    );
    assert_eq!(device.expires_in(), 600);
    assert_eq!(device.interval(), 1);
    assert!(device.device_code().unwrap().len() > 40);
}

#[tokio::test]
async fn start_device_authorization_with_a_wrong_secret_is_invalid_client() {
    let fake = fake(Options::default()).await;
    let oidc = oidc_client(&fake);
    let client = register(&oidc).await;
    let err = oidc
        .start_device_authorization()
        .client_id(client.client_id().unwrap())
        .client_secret("not-the-secret")
        .start_url(START_URL)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 401);
    assert!(matches!(
        err.into_service_error(),
        StartDeviceAuthorizationError::InvalidClientException(_)
    ));
}

#[tokio::test]
async fn an_expired_client_registration_is_invalid_client() {
    let fake = fake(Options::default()).await;
    let oidc = oidc_client(&fake);
    let client = register(&oidc).await;
    fake.advance_clock(Duration::from_secs(91 * 86_400));
    let err = oidc
        .start_device_authorization()
        .client_id(client.client_id().unwrap())
        .client_secret(client.client_secret().unwrap())
        .start_url(START_URL)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    match err {
        StartDeviceAuthorizationError::InvalidClientException(e) => assert_eq!(
            e.error_description(),
            Some("Client registration has expired; register again")
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_device_code_is_pending_until_the_user_approves() {
    let fake = fake(relaxed()).await;
    let oidc = oidc_client(&fake);
    let client = register(&oidc).await;
    let (id, secret) = (client.client_id().unwrap(), client.client_secret().unwrap());
    let device = start_device(&oidc, id, secret).await;
    match poll(&oidc, id, secret, device.device_code().unwrap()).await {
        Err(CreateTokenError::AuthorizationPendingException(e)) => {
            assert_eq!(e.error(), Some("authorization_pending"));
        }
        other => panic!("{other:?}"),
    }
    assert!(fake.approve_device(device.user_code().unwrap()));
    let token = poll(&oidc, id, secret, device.device_code().unwrap())
        .await
        .unwrap();
    assert!(token.access_token().unwrap().starts_with("aoa"));
    assert!(token.refresh_token().unwrap().starts_with("aor"));
    assert_eq!(token.token_type(), Some("Bearer"));
    assert_eq!(token.expires_in(), 3600);
    assert_eq!(fake.calls(Operation::CreateToken), 2);
}

#[tokio::test]
async fn the_verification_page_approves_the_user_code() {
    let fake = fake(relaxed()).await;
    let oidc = oidc_client(&fake);
    let client = register(&oidc).await;
    let (id, secret) = (client.client_id().unwrap(), client.client_secret().unwrap());
    let device = start_device(&oidc, id, secret).await;
    let page = browser()
        .get(device.verification_uri_complete().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Request approved"));
    assert!(
        poll(&oidc, id, secret, device.device_code().unwrap())
            .await
            .is_ok()
    );
    assert_eq!(fake.calls(Operation::DeviceVerification), 1);
}

#[tokio::test]
async fn the_verification_page_does_not_know_a_made_up_code() {
    let fake = fake(Options::default()).await;
    let page = browser()
        .get(format!("{}/device?user_code=ZZZZ-ZZZZ", fake.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
}

#[tokio::test]
async fn a_denied_request_is_access_denied() {
    let fake = fake(relaxed()).await;
    let oidc = oidc_client(&fake);
    let client = register(&oidc).await;
    let (id, secret) = (client.client_id().unwrap(), client.client_secret().unwrap());
    let device = start_device(&oidc, id, secret).await;
    let deny = format!(
        "{}&action=deny",
        device.verification_uri_complete().unwrap()
    );
    assert_eq!(browser().get(deny).send().await.unwrap().status(), 200);
    let err = poll(&oidc, id, secret, device.device_code().unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(err, CreateTokenError::AccessDeniedException(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn polling_sooner_than_the_interval_is_told_to_slow_down() {
    let fake = fake(Options::default()).await;
    let oidc = oidc_client(&fake);
    let client = register(&oidc).await;
    let (id, secret) = (client.client_id().unwrap(), client.client_secret().unwrap());
    let device = start_device(&oidc, id, secret).await;
    let code = device.device_code().unwrap();
    assert!(matches!(
        poll(&oidc, id, secret, code).await.unwrap_err(),
        CreateTokenError::AuthorizationPendingException(_)
    ));
    match poll(&oidc, id, secret, code).await.unwrap_err() {
        CreateTokenError::SlowDownException(e) => assert_eq!(e.error(), Some("slow_down")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_expired_device_code_is_expired_token() {
    let fake = fake(relaxed()).await;
    let oidc = oidc_client(&fake);
    let client = register(&oidc).await;
    let (id, secret) = (client.client_id().unwrap(), client.client_secret().unwrap());
    let device = start_device(&oidc, id, secret).await;
    fake.advance_clock(Duration::from_secs(601));
    let err = poll(&oidc, id, secret, device.device_code().unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(err, CreateTokenError::ExpiredTokenException(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn auto_approval_comes_after_the_scripted_pending_polls() {
    let fake = fake(Options {
        auto_approve_after_polls: Some(2),
        ..relaxed()
    })
    .await;
    let oidc = oidc_client(&fake);
    let client = register(&oidc).await;
    let (id, secret) = (client.client_id().unwrap(), client.client_secret().unwrap());
    let code = start_device(&oidc, id, secret)
        .await
        .device_code()
        .unwrap()
        .to_owned();
    for _ in 0..2 {
        assert!(matches!(
            poll(&oidc, id, secret, &code).await.unwrap_err(),
            CreateTokenError::AuthorizationPendingException(_)
        ));
    }
    assert!(poll(&oidc, id, secret, &code).await.is_ok());
}

#[tokio::test]
async fn a_device_code_is_good_for_one_token() {
    let fake = fake(relaxed()).await;
    let oidc = oidc_client(&fake);
    let client = register(&oidc).await;
    let (id, secret) = (client.client_id().unwrap(), client.client_secret().unwrap());
    let device = start_device(&oidc, id, secret).await;
    fake.approve_device(device.user_code().unwrap());
    poll(&oidc, id, secret, device.device_code().unwrap())
        .await
        .unwrap();
    let err = poll(&oidc, id, secret, device.device_code().unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(err, CreateTokenError::InvalidGrantException(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_client_without_the_account_access_scope_gets_no_refresh_token() {
    let fake = fake(relaxed()).await;
    let oidc = oidc_client(&fake);
    let client = oidc
        .register_client()
        .client_name("legacy")
        .client_type("public")
        .send()
        .await
        .unwrap();
    let (id, secret) = (client.client_id().unwrap(), client.client_secret().unwrap());
    let device = start_device(&oidc, id, secret).await;
    fake.approve_device(device.user_code().unwrap());
    let token = poll(&oidc, id, secret, device.device_code().unwrap())
        .await
        .unwrap();
    assert!(token.access_token().is_some());
    assert_eq!(token.refresh_token(), None);
}

async fn device_tokens(
    fake: &FakeServer,
) -> (
    String,
    String,
    aws_sdk_ssooidc::operation::create_token::CreateTokenOutput,
) {
    let oidc = oidc_client(fake);
    let client = register(&oidc).await;
    let (id, secret) = (client.client_id().unwrap(), client.client_secret().unwrap());
    let device = start_device(&oidc, id, secret).await;
    fake.approve_device(device.user_code().unwrap());
    let token = poll(&oidc, id, secret, device.device_code().unwrap())
        .await
        .unwrap();
    (id.to_owned(), secret.to_owned(), token)
}

#[tokio::test]
async fn a_refresh_token_buys_a_new_access_token() {
    let fake = fake(relaxed()).await;
    let oidc = oidc_client(&fake);
    let (id, secret, first) = device_tokens(&fake).await;
    let refreshed = oidc
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type(GRANT_REFRESH_TOKEN)
        .refresh_token(first.refresh_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_ne!(refreshed.access_token(), first.access_token());
    assert_eq!(refreshed.refresh_token(), first.refresh_token());
    assert_eq!(refreshed.expires_in(), 3600);
}

#[tokio::test]
async fn a_revoked_refresh_token_is_invalid_grant() {
    let fake = fake(relaxed()).await;
    let oidc = oidc_client(&fake);
    let (id, secret, first) = device_tokens(&fake).await;
    fake.revoke_all_sessions();
    let err = oidc
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type(GRANT_REFRESH_TOKEN)
        .refresh_token(first.refresh_token().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, CreateTokenError::InvalidGrantException(_)),
        "{err:?}"
    );
}

struct CodeClient {
    id: String,
    secret: String,
}

async fn register_for_code(oidc: &aws_sdk_ssooidc::Client) -> CodeClient {
    let client = oidc
        .register_client()
        .client_name("kumo")
        .client_type("public")
        .scopes("sso:account:access")
        .grant_types(GRANT_AUTHORIZATION_CODE)
        .grant_types(GRANT_REFRESH_TOKEN)
        .redirect_uris(REDIRECT)
        .issuer_url(START_URL)
        .send()
        .await
        .unwrap();
    CodeClient {
        id: client.client_id().unwrap().to_owned(),
        secret: client.client_secret().unwrap().to_owned(),
    }
}

/// Follows the browser's first hop: the authorize endpoint's redirect target.
async fn authorize(
    fake: &FakeServer,
    client: &CodeClient,
    redirect: &str,
    challenge: &str,
    method: &str,
) -> reqwest::Response {
    let mut url = Url::parse(&format!("{}/authorize", fake.base_url())).unwrap();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &client.id)
        .append_pair("redirect_uri", redirect)
        .append_pair("state", "st4te")
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", method)
        .append_pair("scopes", "sso:account:access");
    browser().get(url).send().await.unwrap()
}

fn location(response: &reqwest::Response) -> Url {
    Url::parse(response.headers()["location"].to_str().unwrap()).unwrap()
}

fn query(url: &Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn the_authorize_page_redirects_to_the_loopback_listener_with_code_and_state() {
    let fake = fake(Options::default()).await;
    let client = register_for_code(&oidc_client(&fake)).await;
    let (challenge, _) = oauth2::PkceCodeChallenge::new_random_sha256();
    let redirect = "http://127.0.0.1:49152/oauth/callback";
    let response = authorize(&fake, &client, redirect, challenge.as_str(), "S256").await;
    assert_eq!(response.status(), 302);
    let target = location(&response);
    assert_eq!(&target[..url::Position::AfterPath], redirect);
    assert_eq!(query(&target, "state").as_deref(), Some("st4te"));
    assert_eq!(query(&target, "code").unwrap().len(), 64);
    assert_eq!(fake.calls(Operation::Authorize), 1);
}

#[tokio::test]
async fn the_code_and_its_pkce_verifier_buy_tokens_once() {
    let fake = fake(Options::default()).await;
    let oidc = oidc_client(&fake);
    let client = register_for_code(&oidc).await;
    let (challenge, verifier) = oauth2::PkceCodeChallenge::new_random_sha256();
    let redirect = "http://127.0.0.1:49153/oauth/callback";
    let response = authorize(&fake, &client, redirect, challenge.as_str(), "S256").await;
    let code = query(&location(&response), "code").unwrap();
    let exchange = || {
        oidc.create_token()
            .client_id(&client.id)
            .client_secret(&client.secret)
            .grant_type(GRANT_AUTHORIZATION_CODE)
            .code(&code)
            .redirect_uri(redirect)
            .code_verifier(verifier.secret())
            .send()
    };
    let token = exchange().await.unwrap();
    assert!(token.access_token().is_some());
    assert!(token.refresh_token().is_some());
    let again = exchange().await.unwrap_err().into_service_error();
    assert!(
        matches!(again, CreateTokenError::InvalidGrantException(_)),
        "{again:?}"
    );
}

#[tokio::test]
async fn a_wrong_pkce_verifier_is_invalid_grant() {
    let fake = fake(Options::default()).await;
    let oidc = oidc_client(&fake);
    let client = register_for_code(&oidc).await;
    let (challenge, _) = oauth2::PkceCodeChallenge::new_random_sha256();
    let (_, other_verifier) = oauth2::PkceCodeChallenge::new_random_sha256();
    let redirect = "http://127.0.0.1:49154/oauth/callback";
    let response = authorize(&fake, &client, redirect, challenge.as_str(), "S256").await;
    let err = oidc
        .create_token()
        .client_id(&client.id)
        .client_secret(&client.secret)
        .grant_type(GRANT_AUTHORIZATION_CODE)
        .code(query(&location(&response), "code").unwrap())
        .redirect_uri(redirect)
        .code_verifier(other_verifier.secret())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    match err {
        CreateTokenError::InvalidGrantException(e) => assert_eq!(
            e.error_description(),
            Some("Code verifier does not match the code challenge")
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn authorize_refuses_an_unregistered_redirect_without_redirecting() {
    let fake = fake(Options::default()).await;
    let client = register_for_code(&oidc_client(&fake)).await;
    let response = authorize(
        &fake,
        &client,
        "http://127.0.0.1:5000/elsewhere",
        "x",
        "S256",
    )
    .await;
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
}

#[tokio::test]
async fn authorize_without_s256_redirects_with_invalid_request_and_the_state() {
    let fake = fake(Options::default()).await;
    let client = register_for_code(&oidc_client(&fake)).await;
    let response = authorize(
        &fake,
        &client,
        "http://127.0.0.1:5000/oauth/callback",
        "x",
        "plain",
    )
    .await;
    assert_eq!(response.status(), 302);
    let target = location(&response);
    assert_eq!(query(&target, "error").as_deref(), Some("invalid_request"));
    assert_eq!(query(&target, "state").as_deref(), Some("st4te"));
    assert_eq!(query(&target, "code"), None);
}

#[tokio::test]
async fn a_scripted_slow_down_reaches_the_sdk_as_slow_down() {
    let fake = fake(relaxed()).await;
    fake.script(Operation::CreateToken, Fault::slow_down(), 1);
    let oidc = oidc_client(&fake);
    let client = register(&oidc).await;
    let (id, secret) = (client.client_id().unwrap(), client.client_secret().unwrap());
    let device = start_device(&oidc, id, secret).await;
    fake.approve_device(device.user_code().unwrap());
    let code = device.device_code().unwrap();
    assert!(matches!(
        poll(&oidc, id, secret, code).await.unwrap_err(),
        CreateTokenError::SlowDownException(_)
    ));
    assert!(poll(&oidc, id, secret, code).await.is_ok());
}

#[tokio::test]
async fn a_scripted_server_error_is_internal_server_exception() {
    let fake = fake(Options::default()).await;
    fake.script(Operation::RegisterClient, Fault::ServerError(500), 1);
    let err = oidc_client(&fake)
        .register_client()
        .client_name("kumo")
        .client_type("public")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 500);
    assert!(matches!(
        err.into_service_error(),
        RegisterClientError::InternalServerException(_)
    ));
}

#[tokio::test]
async fn a_garbage_answer_is_an_sdk_error_not_a_success() {
    let fake = fake(Options::default()).await;
    fake.script(Operation::RegisterClient, Fault::Garbage, 1);
    let err = oidc_client(&fake)
        .register_client()
        .client_name("kumo")
        .client_type("public")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 200);
    let err = err.into_service_error();
    assert_eq!(err.code(), None);
    assert!(format!("{err:?}").contains("DeserializeError"), "{err:?}");
}

#[tokio::test]
async fn a_malformed_body_is_invalid_request_on_the_wire() {
    let fake = fake(Options::default()).await;
    let response = browser()
        .post(format!("{}/client/register", fake.base_url()))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.headers()["x-amzn-ErrorType"],
        "InvalidRequestException"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn error_metadata_carries_the_shape_as_its_code() {
    let fake = fake(Options::default()).await;
    fake.script(
        Operation::StartDeviceAuthorization,
        Fault::oidc(400, "InvalidRequestException", "invalid_request"),
        1,
    );
    let oidc = oidc_client(&fake);
    let client = register(&oidc).await;
    let err = oidc
        .start_device_authorization()
        .client_id(client.client_id().unwrap())
        .client_secret(client.client_secret().unwrap())
        .start_url(START_URL)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.code(), Some("InvalidRequestException"));
    assert!(matches!(
        err,
        StartDeviceAuthorizationError::InvalidRequestException(_)
    ));
}
