//! kumo-fake: loopback stand-ins for the cloud endpoints Kumo talks to, written from the
//! services' wire formats (not from Kumo's code), so that the real AWS SDK clients work
//! against them unchanged.
//!
//! One listener serves every service; their paths do not overlap:
//! IAM Identity Center OIDC (`/client/register`, `/device_authorization`, `/token`, and
//! the browser pages `/authorize` and `/device`), the access portal (`/assignment/*`,
//! `/federation/credentials`, `/logout`), the console federation endpoint
//! (`/federation`), STS (`POST /`), and an OpenID Connect provider standing in for
//! Google (`/.well-known/openid-configuration`, `/oauth2/*`), whose issuer is the base URL,
//! Cloud Resource Manager's `projects:search` (`/v3/projects:search`), Microsoft Entra
//! ID (`/{tenant}/oauth2/v2.0/*`) and Azure Resource Manager (`/tenants`,
//! `/subscriptions`).

mod azure;
pub mod demo;
mod device;
mod directory;
mod federation;
mod gate;
mod gcp;
mod issuer;
mod oidc;
mod portal;
mod state;
mod sts;
mod wire;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::json;
use tokio::sync::oneshot;

pub use azure::{AzureOptions, AzureSubscription, AzureTenant, generated_tenant};
pub use directory::{Account, Directory};
pub use gcp::{GcpProject, generated_projects};
pub use issuer::{IdTokenFault, IdentityOptions};
pub use oidc::{
    GRANT_AUTHORIZATION_CODE, GRANT_DEVICE_CODE, GRANT_REFRESH_TOKEN, SCOPE_ACCOUNT_ACCESS,
    pkce_s256,
};
pub use state::{Approval, ConsoleLogin, Fault, Operation, Options};

use state::Shared;

/// A running fake. Dropping it stops the server.
pub struct FakeServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
}

impl FakeServer {
    /// Starts on an ephemeral port of 127.0.0.1.
    pub async fn start(options: Options) -> std::io::Result<Self> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), options).await
    }

    pub async fn start_on(addr: SocketAddr, options: Options) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(options, format!("http://{addr}")));
        let (shutdown, stopped) = oneshot::channel::<()>();
        let app = router(shared.clone());
        tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = serve.await {
                tracing::error!("kumo-fake stopped: {e}");
            }
        });
        Ok(Self {
            shared,
            addr,
            shutdown: Some(shutdown),
        })
    }

    /// `http://127.0.0.1:<port>`: the endpoint of every service the fake stands in for.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn options(&self) -> &Options {
        &self.shared.options
    }

    /// How many requests for `op` arrived, whatever they were answered.
    pub fn calls(&self, op: Operation) -> u64 {
        self.shared.calls(op)
    }

    /// How many requests the rate limit answered with 429.
    pub fn throttled(&self) -> u64 {
        self.shared.throttled()
    }

    /// The next `times` calls of `op` meet `fault` (after any already scripted).
    pub fn script(&self, op: Operation, fault: Fault, times: usize) {
        let mut issued = self.shared.issued();
        let queue = issued.scripted.entry(op).or_default();
        queue.extend(std::iter::repeat_n(fault, times));
    }

    /// As the user clicking "Allow" on the verification page for `user_code`.
    pub fn approve_device(&self, user_code: &str) -> bool {
        self.shared.decide_device(user_code, Approval::Approved)
    }

    /// As the user clicking "Deny" on the verification page for `user_code`.
    pub fn deny_device(&self, user_code: &str) -> bool {
        self.shared.decide_device(user_code, Approval::Denied)
    }

    /// Revokes one access token and the refresh token issued with it.
    pub fn revoke_access_token(&self, token: &str) {
        self.shared.revoke_access_token(token);
    }

    /// Revokes every access and refresh token of every service, as an administrator
    /// ending all sessions: Identity Center's, the identity's and Entra's.
    pub fn revoke_all_sessions(&self) {
        let mut issued = self.shared.issued();
        issued
            .access_tokens
            .values_mut()
            .for_each(|t| t.revoked = true);
        issued
            .refresh_tokens
            .values_mut()
            .for_each(|t| t.revoked = true);
        drop(issued);
        let mut identity = self.shared.identity();
        identity.access_tokens.clear();
        identity.refresh_tokens.values_mut().for_each(|r| *r = true);
        drop(identity);
        self.shared.entra().revoke_all();
    }

    /// Moves the fake's clock forward: tokens, codes, registrations and credentials
    /// expire as if that much time had passed.
    pub fn advance_clock(&self, by: Duration) {
        self.shared.advance(by);
    }

    /// Signs ID tokens with a new key from now on; the JWKS lists old and new keys.
    pub fn rotate_identity_key(&self) -> String {
        let mut identity = self.shared.identity();
        let kid = format!("kumo-fake-{}", identity.keys.len() + 1);
        identity.keys.push(issuer::SigningKey::generate(&kid));
        kid
    }

    /// The next ID token issued misbehaves as `fault` says.
    pub fn script_id_token(&self, fault: IdTokenFault) {
        self.shared.identity().faults.push(fault);
    }

    /// The `login_hint` and `domain_hint` of each Entra sign-in, oldest first.
    pub fn entra_hints(&self) -> Vec<(Option<String>, Option<String>)> {
        self.shared.entra().hints.clone()
    }

    /// The console sign-ins completed through the federation endpoint, oldest first.
    pub fn console_logins(&self) -> Vec<ConsoleLogin> {
        self.shared.issued().console_logins.clone()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/client/register", post(oidc::register_client))
        .route(
            "/device_authorization",
            post(oidc::start_device_authorization),
        )
        .route("/token", post(oidc::create_token))
        .route("/authorize", get(oidc::authorize))
        .route("/device", get(oidc::verify_device))
        .route("/assignment/accounts", get(portal::list_accounts))
        .route("/assignment/roles", get(portal::list_account_roles))
        .route("/federation/credentials", get(portal::get_role_credentials))
        .route("/logout", post(portal::logout))
        .route(
            "/federation",
            get(federation::federation).post(federation::federation),
        )
        .route("/", post(sts::sts))
        .route("/.well-known/openid-configuration", get(issuer::discovery))
        .route("/oauth2/jwks", get(issuer::jwks))
        .route("/oauth2/authorize", get(issuer::authorize))
        .route("/oauth2/token", post(issuer::token))
        .route("/oauth2/revoke", post(issuer::revoke))
        .route("/oauth2/device/code", post(issuer::device_code))
        .route("/v3/projects:search", get(gcp::search_projects))
        .route("/{tenant}/oauth2/v2.0/authorize", get(azure::authorize))
        .route("/{tenant}/oauth2/v2.0/token", post(azure::token))
        .route("/{tenant}/oauth2/v2.0/devicecode", post(azure::device_code))
        .route("/tenants", get(azure::tenants))
        .route("/subscriptions", get(azure::subscriptions))
        .route("/_fake/calls", get(calls))
        .with_state(shared)
}

/// Call counters for tests that drive a standalone fake from another process.
async fn calls(State(shared): State<Arc<Shared>>) -> Response {
    let mut counts = serde_json::Map::new();
    for op in Operation::ALL {
        counts.insert(op.name().into(), json!(shared.calls(op)));
    }
    counts.insert("Throttled".into(), json!(shared.throttled()));
    wire::json(StatusCode::OK, serde_json::Value::Object(counts))
}
