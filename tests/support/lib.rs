//! Helpers for the cross-crate tests: the real AWS SDK clients, pointed at a kumo-fake.

use aws_sdk_ssooidc::operation::register_client::RegisterClientOutput;
use kumo_fake::{FakeServer, Options, SCOPE_ACCOUNT_ACCESS};

pub const REGION: &str = "eu-west-1";
pub const START_URL: &str = "https://acme.awsapps.com/start";

pub async fn fake(options: Options) -> FakeServer {
    FakeServer::start(options)
        .await
        .expect("the fake binds a loopback port")
}

/// Retries are off so each SDK call is exactly one request and errors surface as sent.
pub fn oidc_client(fake: &FakeServer) -> aws_sdk_ssooidc::Client {
    let config = aws_sdk_ssooidc::Config::builder()
        .behavior_version(aws_sdk_ssooidc::config::BehaviorVersion::latest())
        .region(aws_sdk_ssooidc::config::Region::new(REGION))
        .endpoint_url(fake.base_url())
        .retry_config(aws_sdk_ssooidc::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_ssooidc::Client::from_conf(config)
}

pub fn portal_client(fake: &FakeServer) -> aws_sdk_sso::Client {
    let config = aws_sdk_sso::Config::builder()
        .behavior_version(aws_sdk_sso::config::BehaviorVersion::latest())
        .region(aws_sdk_sso::config::Region::new(REGION))
        .endpoint_url(fake.base_url())
        .retry_config(aws_sdk_sso::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_sso::Client::from_conf(config)
}

pub fn sts_client(
    fake: &FakeServer,
    key_id: &str,
    secret: &str,
    token: &str,
) -> aws_sdk_sts::Client {
    let credentials = aws_sdk_sts::config::Credentials::new(
        key_id,
        secret,
        Some(token.to_owned()),
        None,
        "kumo-tests",
    );
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .region(aws_sdk_sts::config::Region::new("us-east-1"))
        .endpoint_url(fake.base_url())
        .credentials_provider(credentials)
        .retry_config(aws_sdk_sts::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_sts::Client::from_conf(config)
}

/// A plain HTTP client that does not follow redirects, to read them as a browser gets them.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a plain HTTP client builds")
}

/// Registers a public client as Kumo does: with the scope that yields refresh tokens.
pub async fn register(oidc: &aws_sdk_ssooidc::Client) -> RegisterClientOutput {
    oidc.register_client()
        .client_name("kumo-tests")
        .client_type("public")
        .scopes(SCOPE_ACCOUNT_ACCESS)
        .send()
        .await
        .expect("RegisterClient succeeds")
}

/// Signs in through the device flow, approving on the verification page as a user
/// would, and returns the access token.
pub async fn sign_in(fake: &FakeServer) -> String {
    let oidc = oidc_client(fake);
    let client = register(&oidc).await;
    let device = oidc
        .start_device_authorization()
        .client_id(client.client_id().unwrap())
        .client_secret(client.client_secret().unwrap())
        .start_url(START_URL)
        .send()
        .await
        .expect("StartDeviceAuthorization succeeds");
    let page = browser()
        .get(device.verification_uri_complete().unwrap())
        .send()
        .await
        .expect("the verification page answers");
    assert_eq!(page.status(), 200);
    oidc.create_token()
        .client_id(client.client_id().unwrap())
        .client_secret(client.client_secret().unwrap())
        .grant_type(kumo_fake::GRANT_DEVICE_CODE)
        .device_code(device.device_code().unwrap())
        .send()
        .await
        .expect("CreateToken succeeds once approved")
        .access_token()
        .unwrap()
        .to_owned()
}
