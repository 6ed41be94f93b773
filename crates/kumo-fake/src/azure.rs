//! Microsoft Entra ID's v2.0 endpoints for a public client (`/{tenant}/oauth2/v2.0/
//! authorize` and `/token`: authorization code + PKCE S256, refresh with rotation) and
//! Azure Resource Manager's tenant and subscription listings (`/tenants`,
//! `/subscriptions`), paged with `nextLink`, behind the Entra access token.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use url::Url;

use crate::device::{self, Poll};
use crate::gate::gate;
use crate::oidc::GRANT_DEVICE_CODE;
use crate::oidc::pkce_s256;
use crate::state::{ALNUM, Operation, Shared, epoch_secs};
use crate::wire::{self, Protocol};

pub const MANAGEMENT_SCOPE: &str = "https://management.azure.com/.default";
pub const API_VERSION: &str = "2022-12-01";
const PAGE_SIZE: usize = 100;

/// A directory of the fake's Azure, with its subscriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureTenant {
    pub id: String,
    pub default_domain: String,
    pub display_name: String,
    pub subscriptions: Vec<AzureSubscription>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureSubscription {
    pub id: String,
    pub display_name: String,
    /// `Enabled`, `Disabled`, `Warned`, `PastDue` or `Deleted`.
    pub state: String,
    /// Left out of the answer when empty, as ARM does.
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct AzureOptions {
    /// The public client registration Kumo signs in with.
    pub client_id: String,
    pub tenants: Vec<AzureTenant>,
    pub token_lifetime: Duration,
    /// Who signs in: the ID token's `preferred_username` when `openid` is asked for.
    pub user: String,
}

impl Default for AzureOptions {
    fn default() -> Self {
        Self {
            client_id: "5d3f6a27-0000-4000-8000-00000000c11e".into(),
            tenants: vec![generated_tenant("acme.onmicrosoft.com", 3)],
            token_lifetime: Duration::from_secs(3600),
            user: "developer@example.com".into(),
        }
    }
}

/// A tenant under `domain` with `n` enabled subscriptions, ids derived from the index.
pub fn generated_tenant(domain: &str, n: usize) -> AzureTenant {
    let tenant_number = domain.bytes().map(u64::from).sum::<u64>() % 0xffff;
    AzureTenant {
        id: format!("{tenant_number:08x}-7e4a-4c1d-9b2f-0000000000aa"),
        default_domain: domain.to_owned(),
        display_name: domain.split('.').next().unwrap_or(domain).to_uppercase(),
        subscriptions: (0..n)
            .map(|i| AzureSubscription {
                id: format!("{tenant_number:08x}-{i:04x}-4000-8000-000000000000"),
                display_name: format!("Subscription {i}"),
                state: "Enabled".into(),
                tags: BTreeMap::from([
                    (
                        "environment".into(),
                        ["production", "development", "test"][i % 3].into(),
                    ),
                    ("costCenter".into(), format!("cc-{}", 100 + i)),
                ]),
            })
            .collect(),
    }
}

pub struct EntraCode {
    tenant_id: String,
    redirect_uri: String,
    challenge: String,
}

/// Issued Entra tokens: access token → (tenant id, expiry), refresh token → tenant id.
#[derive(Default)]
pub struct EntraState {
    codes: HashMap<String, EntraCode>,
    access_tokens: HashMap<String, (String, i64)>,
    refresh_tokens: HashMap<String, String>,
    /// The `login_hint` and `domain_hint` of each authorize request, oldest first.
    pub hints: Vec<(Option<String>, Option<String>)>,
}

impl EntraState {
    /// Every access and refresh token stops working.
    pub fn revoke_all(&mut self) {
        self.access_tokens.clear();
        self.refresh_tokens.clear();
    }
}

type S = State<Arc<Shared>>;

fn entra_error(status: StatusCode, error: &str, aadsts: u32, description: &str) -> Response {
    wire::json(
        status,
        json!({
            "error": error,
            "error_description": format!("AADSTS{aadsts}: {description}"),
            "error_codes": [aadsts],
            "timestamp": "2026-01-01 00:00:00Z",
            "trace_id": "00000000-0000-0000-0000-000000000000",
            "correlation_id": "00000000-0000-0000-0000-000000000000",
        }),
    )
}

fn arm_error(status: StatusCode, code: &str, message: &str) -> Response {
    wire::json(status, json!({"error": {"code": code, "message": message}}))
}

impl Shared {
    fn tenant(&self, name: &str) -> Option<&AzureTenant> {
        self.options
            .azure
            .tenants
            .iter()
            .find(|t| t.id == name || t.default_domain.eq_ignore_ascii_case(name))
    }

    /// The tenant whose live Entra access token `Authorization: Bearer …` carries.
    fn entra_tenant_of(&self, authorization: Option<&str>) -> Option<String> {
        let now = epoch_secs(self.now());
        let token = authorization?.strip_prefix("Bearer ")?;
        let entra = self.entra();
        let (tenant, expires_at) = entra.access_tokens.get(token)?;
        (*expires_at > now).then(|| tenant.clone())
    }
}

#[derive(Deserialize)]
pub struct AuthorizeQuery {
    client_id: Option<String>,
    response_type: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    login_hint: Option<String>,
    domain_hint: Option<String>,
}

pub async fn authorize(
    State(shared): S,
    Path(tenant): Path<String>,
    Query(q): Query<AuthorizeQuery>,
) -> Response {
    if let Err(r) = gate(&shared, Operation::EntraAuthorize, Protocol::Page).await {
        return r;
    }
    let bad = |m: &str| wire::html_page(StatusCode::BAD_REQUEST, "Sign in", m);
    let Some(tenant) = shared.tenant(&tenant).cloned() else {
        return bad("AADSTS90002: Tenant not found.");
    };
    if q.client_id.as_deref() != Some(shared.options.azure.client_id.as_str()) {
        return bad("AADSTS700016: Application not found in the directory.");
    }
    let Some(Ok(target)) = q.redirect_uri.as_deref().map(Url::parse) else {
        return bad("AADSTS900144: The request body must contain redirect_uri.");
    };
    if target.scheme() != "http" || target.host_str() != Some("127.0.0.1") {
        return bad("AADSTS50011: The redirect URI does not match a loopback address.");
    }
    shared
        .entra()
        .hints
        .push((q.login_hint.clone(), q.domain_hint.clone()));
    let scopes: Vec<&str> = q.scope.as_deref().unwrap_or_default().split(' ').collect();
    let outcome = if q.response_type.as_deref() != Some("code") {
        Err("unsupported_response_type")
    } else if !scopes.contains(&MANAGEMENT_SCOPE) {
        Err("invalid_scope")
    } else if q.code_challenge_method.as_deref() != Some("S256") || q.code_challenge.is_none() {
        Err("invalid_request")
    } else {
        let code = shared.token("0.AX", 120, ALNUM);
        shared.entra().codes.insert(
            code.clone(),
            EntraCode {
                tenant_id: tenant.id.clone(),
                redirect_uri: target.to_string(),
                challenge: q.code_challenge.clone().unwrap_or_default(),
            },
        );
        Ok(code)
    };
    wire::authorization_redirect(
        target,
        outcome.as_deref().map_err(|e| *e),
        q.state.as_deref(),
    )
}

pub async fn token(State(shared): S, Path(tenant): Path<String>, body: Bytes) -> Response {
    if let Err(r) = gate(&shared, Operation::EntraToken, Protocol::Page).await {
        return r;
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| form.get(k).map(String::as_str);
    let Some(tenant) = shared.tenant(&tenant).cloned() else {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "invalid_tenant",
            90002,
            "Tenant not found.",
        );
    };
    if get("client_id") != Some(shared.options.azure.client_id.as_str()) {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            700016,
            "Application not found in the directory.",
        );
    }
    if get("client_secret").is_some() {
        return entra_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            700025,
            "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
        );
    }
    if !get("scope").is_some_and(|s| s.split(' ').any(|s| s == MANAGEMENT_SCOPE)) {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            70011,
            "The provided value for the input parameter 'scope' is not valid.",
        );
    }
    match get("grant_type") {
        Some("authorization_code") => {
            let code = get("code").and_then(|c| shared.entra().codes.remove(c));
            let valid = code.as_ref().is_some_and(|code| {
                code.tenant_id == tenant.id
                    && get("redirect_uri") == Some(code.redirect_uri.as_str())
                    && get("code_verifier").is_some_and(|v| pkce_s256(v) == code.challenge)
            });
            if !valid {
                return entra_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    70008,
                    "The provided authorization code or refresh token has expired or was revoked.",
                );
            }
        }
        Some(GRANT_DEVICE_CODE) => {
            let client_id = shared.options.azure.client_id.clone();
            let refused = |error: &str, aadsts: u32, description: &str| {
                entra_error(StatusCode::BAD_REQUEST, error, aadsts, description)
            };
            match device::poll(&shared, &client_id, get("device_code").unwrap_or_default()) {
                Poll::Approved => {}
                Poll::Pending => {
                    return refused(
                        "authorization_pending",
                        70016,
                        "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
                    );
                }
                Poll::SlowDown => return refused("slow_down", 70016, "Polling too fast."),
                Poll::Denied => {
                    return refused("authorization_declined", 70000, "The user declined.");
                }
                Poll::Expired => {
                    return refused("expired_token", 70020, "The device code expired.");
                }
                Poll::Invalid => {
                    return refused(
                        "bad_verification_code",
                        70019,
                        "The device code is not valid.",
                    );
                }
            }
        }
        Some("refresh_token") => {
            let owner = get("refresh_token").and_then(|t| shared.entra().refresh_tokens.remove(t));
            if owner.as_deref() != Some(tenant.id.as_str()) {
                return entra_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    700082,
                    "The refresh token has expired due to inactivity.",
                );
            }
        }
        _ => {
            return entra_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                70003,
                "The app requested an unsupported grant type.",
            );
        }
    }
    let lifetime = shared.options.azure.token_lifetime.as_secs();
    let access_token = format!("eyJ0eXAiOiJKV1Qi.{}", shared.token("", 200, ALNUM));
    let refresh_token = shared.token("1.AX", 300, ALNUM);
    let expires_at = epoch_secs(shared.now()) + lifetime as i64;
    let mut entra = shared.entra();
    entra
        .access_tokens
        .insert(access_token.clone(), (tenant.id.clone(), expires_at));
    // Entra rotates refresh tokens: the old one was removed above.
    entra
        .refresh_tokens
        .insert(refresh_token.clone(), tenant.id.clone());
    drop(entra);
    let mut answer = json!({
        "token_type": "Bearer",
        "scope": "https://management.azure.com/user_impersonation https://management.azure.com/.default",
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": access_token,
        "refresh_token": refresh_token,
    });
    if get("scope").is_some_and(|s| s.split(' ').any(|s| s == "openid")) {
        answer["id_token"] = json!(id_token(&shared, &tenant.id, expires_at));
    }
    wire::json(StatusCode::OK, answer)
}

/// The device authorization endpoint of Entra v2 (`/devicecode`), approved at the
/// shared `/device` page.
pub async fn device_code(State(shared): S, Path(tenant): Path<String>, body: Bytes) -> Response {
    if let Err(r) = gate(&shared, Operation::EntraDeviceCode, Protocol::Page).await {
        return r;
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    if shared.tenant(&tenant).is_none() {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "invalid_tenant",
            90002,
            "Tenant not found.",
        );
    }
    let client_id = &shared.options.azure.client_id;
    if form.get("client_id") != Some(client_id) {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            700016,
            "Application not found in the directory.",
        );
    }
    let started = device::start(&shared, client_id);
    let mut answer = started.json(false);
    answer["message"] = format!(
        "To sign in, use a web browser to open the page {} and enter the code {} to authenticate.",
        started.verification_uri, started.user_code
    )
    .into();
    wire::json(StatusCode::OK, answer)
}

/// An Entra v2 ID token naming the user. Its signature is not a real one: Kumo reads it
/// straight from the token endpoint's TLS answer and checks no signature.
fn id_token(shared: &Shared, tenant_id: &str, expires_at: i64) -> String {
    use base64::Engine;
    let encode = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let options = &shared.options.azure;
    format!(
        "{}.{}.{}",
        encode(json!({"typ": "JWT", "alg": "RS256", "kid": "fake"})),
        encode(json!({
            "aud": options.client_id,
            "iss": format!("https://login.microsoftonline.com/{tenant_id}/v2.0"),
            "tid": tenant_id,
            "preferred_username": options.user,
            "exp": expires_at,
        })),
        shared.token("", 86, ALNUM),
    )
}

/// An ARM refusal: status, error code and message.
type Refusal = (StatusCode, &'static str, &'static str);

/// The bearer's tenant and the `$skiptoken` offset, or why ARM refuses the request.
fn arm_request(
    shared: &Shared,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> Result<(String, usize), Refusal> {
    if params.get("api-version").map(String::as_str) != Some(API_VERSION) {
        return Err((
            StatusCode::BAD_REQUEST,
            "InvalidApiVersionParameter",
            "The api-version is missing or not supported.",
        ));
    }
    let Some(tenant) = shared.entra_tenant_of(wire::header(headers, "authorization")) else {
        return Err((
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "The access token is invalid or has expired.",
        ));
    };
    let offset = match params.get("$skiptoken") {
        None => 0,
        Some(t) => t.parse().map_err(|_| {
            (
                StatusCode::BAD_REQUEST,
                "InvalidSkipToken",
                "The skip token is not valid.",
            )
        })?,
    };
    Ok((tenant, offset))
}

/// One page of `items` from `offset`, with a `nextLink` back to `path` while more remain.
fn page(shared: &Shared, path: &str, items: Vec<serde_json::Value>, offset: usize) -> Response {
    let end = (offset + PAGE_SIZE).min(items.len());
    let mut answer = json!({ "value": items.get(offset.min(end)..end).unwrap_or_default() });
    if end < items.len() {
        answer["nextLink"] = json!(format!(
            "{}{path}?api-version={API_VERSION}&%24skiptoken={end}",
            shared.base_url
        ));
    }
    wire::json(StatusCode::OK, answer)
}

pub async fn tenants(
    State(shared): S,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = gate(&shared, Operation::ListTenants, Protocol::Page).await {
        return r;
    }
    let (_, offset) = match arm_request(&shared, &headers, &params) {
        Ok(ok) => ok,
        Err((status, code, message)) => return arm_error(status, code, message),
    };
    let items = shared
        .options
        .azure
        .tenants
        .iter()
        .map(|t| {
            json!({
                "id": format!("/tenants/{}", t.id),
                "tenantId": t.id,
                "countryCode": "US",
                "displayName": t.display_name,
                "domains": [t.default_domain],
                "tenantCategory": "Home",
                "defaultDomain": t.default_domain,
                "tenantType": "AAD",
            })
        })
        .collect();
    page(&shared, "/tenants", items, offset)
}

pub async fn subscriptions(
    State(shared): S,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = gate(&shared, Operation::ListSubscriptions, Protocol::Page).await {
        return r;
    }
    let (tenant_id, offset) = match arm_request(&shared, &headers, &params) {
        Ok(ok) => ok,
        Err((status, code, message)) => return arm_error(status, code, message),
    };
    let Some(tenant) = shared.tenant(&tenant_id) else {
        return arm_error(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Unknown tenant.",
        );
    };
    let items = tenant
        .subscriptions
        .iter()
        .map(|s| {
            let mut subscription = json!({
                "id": format!("/subscriptions/{}", s.id),
                "authorizationSource": "RoleBased",
                "managedByTenants": [],
                "subscriptionId": s.id,
                "tenantId": tenant.id,
                "displayName": s.display_name,
                "state": s.state,
                "subscriptionPolicies": {
                    "locationPlacementId": "Public_2014-09-01",
                    "quotaId": "EnterpriseAgreement_2014-09-01",
                    "spendingLimit": "Off",
                },
            });
            if !s.tags.is_empty() {
                subscription["tags"] = json!(s.tags);
            }
            subscription
        })
        .collect();
    page(&shared, "/subscriptions", items, offset)
}
