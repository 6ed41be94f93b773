//! IAM Identity Center OIDC (`sso-oidc`): client registration, the device authorization
//! and authorization-code (PKCE) grants, refresh, and the two browser-facing pages.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use url::Url;

use crate::device::{self, Poll};
use crate::gate::gate;
use crate::state::{
    ALNUM, AccessToken, Approval, AuthCode, Client, Operation, RefreshToken, Shared,
};
use crate::wire::{self, AwsError, Protocol};

pub const GRANT_DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";
pub const GRANT_REFRESH_TOKEN: &str = "refresh_token";
pub const GRANT_AUTHORIZATION_CODE: &str = "authorization_code";
/// The scope that makes Identity Center issue refresh tokens.
pub const SCOPE_ACCOUNT_ACCESS: &str = "sso:account:access";
const AUTH_CODE_LIFETIME: Duration = Duration::from_secs(300);

type S = State<Arc<Shared>>;

fn error(shape: &str, message: &str) -> AwsError {
    AwsError::oidc(shape, message)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegisterClientRequest {
    client_name: Option<String>,
    client_type: Option<String>,
    scopes: Option<Vec<String>>,
    redirect_uris: Option<Vec<String>>,
    grant_types: Option<Vec<String>>,
    #[allow(dead_code)]
    issuer_url: Option<String>,
}

pub async fn register_client(State(shared): S, body: Bytes) -> Response {
    if let Err(r) = gate(&shared, Operation::RegisterClient, Protocol::Oidc).await {
        return r;
    }
    let req: RegisterClientRequest = match wire::parse_body(Protocol::Oidc, &body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let (Some(name), Some(client_type)) = (req.client_name, req.client_type) else {
        return error(
            "InvalidRequestException",
            "clientName and clientType are required",
        )
        .into_response();
    };
    if name.is_empty() || client_type != "public" {
        return error(
            "InvalidClientMetadataException",
            "clientName must not be empty and clientType must be public",
        )
        .into_response();
    }
    let scopes = req.scopes.unwrap_or_default();
    if scopes
        .iter()
        .any(|s| s.is_empty() || s.contains(char::is_whitespace))
    {
        return error("InvalidScopeException", "Invalid scope requested").into_response();
    }
    let grant_types = req.grant_types.unwrap_or_default();
    let known = [
        GRANT_DEVICE_CODE,
        GRANT_REFRESH_TOKEN,
        GRANT_AUTHORIZATION_CODE,
    ];
    if grant_types.iter().any(|g| !known.contains(&g.as_str())) {
        return error("UnsupportedGrantTypeException", "Unsupported grant type").into_response();
    }
    let redirect_uris = req.redirect_uris.unwrap_or_default();
    if redirect_uris.iter().any(|u| !is_loopback_http(u)) {
        return error(
            "InvalidRedirectUriException",
            "Redirect URIs must be loopback http URLs",
        )
        .into_response();
    }
    if grant_types.iter().any(|g| g == GRANT_AUTHORIZATION_CODE) && redirect_uris.is_empty() {
        return error(
            "InvalidRequestException",
            "redirectUris are required for the authorization_code grant",
        )
        .into_response();
    }

    let client_id = shared.token("", 22, ALNUM);
    let secret = shared.token(
        "eyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0.",
        120,
        ALNUM,
    );
    let now = shared.now();
    let expires_at = now + shared.options.registration_lifetime;
    let mut response = json!({
        "clientId": client_id,
        "clientSecret": secret,
        "clientIdIssuedAt": crate::state::epoch_secs(now),
        "clientSecretExpiresAt": crate::state::epoch_secs(expires_at),
    });
    if grant_types.iter().any(|g| g == GRANT_AUTHORIZATION_CODE) {
        response["authorizationEndpoint"] = json!(format!("{}/authorize", shared.base_url));
        response["tokenEndpoint"] = json!(format!("{}/token", shared.base_url));
    }
    shared.issued().clients.insert(
        client_id,
        Client {
            secret,
            scopes,
            grant_types,
            redirect_uris,
            expires_at,
        },
    );
    wire::json(StatusCode::OK, response)
}

/// Checks a client's id and secret; Identity Center answers 401 `InvalidClientException`.
fn authenticate(shared: &Shared, client_id: &str, secret: &str) -> Result<(), AwsError> {
    let issued = shared.issued();
    match issued.clients.get(client_id) {
        Some(c) if c.secret == secret && c.expires_at > shared.now() => Ok(()),
        Some(c) if c.secret == secret => Err(error(
            "InvalidClientException",
            "Client registration has expired; register again",
        )),
        _ => Err(error(
            "InvalidClientException",
            "Invalid client credentials",
        )),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartDeviceAuthorizationRequest {
    client_id: Option<String>,
    client_secret: Option<String>,
    start_url: Option<String>,
}

pub async fn start_device_authorization(State(shared): S, body: Bytes) -> Response {
    if let Err(r) = gate(&shared, Operation::StartDeviceAuthorization, Protocol::Oidc).await {
        return r;
    }
    let req: StartDeviceAuthorizationRequest = match wire::parse_body(Protocol::Oidc, &body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let (Some(client_id), Some(secret), Some(start_url)) =
        (req.client_id, req.client_secret, req.start_url)
    else {
        return error(
            "InvalidRequestException",
            "clientId, clientSecret and startUrl are required",
        )
        .into_response();
    };
    if let Err(e) = authenticate(&shared, &client_id, &secret) {
        return e.into_response();
    }
    if Url::parse(&start_url).is_err() {
        return error("InvalidRequestException", "startUrl is not a URL").into_response();
    }
    let started = device::start(&shared, &client_id);
    wire::json(
        StatusCode::OK,
        json!({
            "deviceCode": started.device_code,
            "userCode": started.user_code,
            "verificationUri": started.verification_uri,
            "verificationUriComplete": started.verification_uri_complete,
            "expiresIn": started.expires_in,
            "interval": started.interval,
        }),
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateTokenRequest {
    client_id: Option<String>,
    client_secret: Option<String>,
    grant_type: Option<String>,
    device_code: Option<String>,
    code: Option<String>,
    refresh_token: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
}

pub async fn create_token(State(shared): S, body: Bytes) -> Response {
    if let Err(r) = gate(&shared, Operation::CreateToken, Protocol::Oidc).await {
        return r;
    }
    let req: CreateTokenRequest = match wire::parse_body(Protocol::Oidc, &body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let (Some(client_id), Some(secret), Some(grant_type)) = (
        req.client_id.as_deref(),
        req.client_secret.as_deref(),
        req.grant_type.as_deref(),
    ) else {
        return error(
            "InvalidRequestException",
            "clientId, clientSecret and grantType are required",
        )
        .into_response();
    };
    if let Err(e) = authenticate(&shared, client_id, secret) {
        return e.into_response();
    }
    let granted = {
        let issued = shared.issued();
        let client = &issued.clients[client_id];
        client.grant_types.is_empty() || client.grant_types.iter().any(|g| g == grant_type)
    };
    if !granted {
        return error(
            "UnauthorizedClientException",
            "The client may not use this grant type",
        )
        .into_response();
    }
    let result = match grant_type {
        GRANT_DEVICE_CODE => device_code_grant(&shared, client_id, req.device_code.as_deref()),
        GRANT_AUTHORIZATION_CODE => authorization_code_grant(&shared, client_id, &req),
        GRANT_REFRESH_TOKEN => {
            refresh_token_grant(&shared, client_id, req.refresh_token.as_deref())
        }
        _ => Err(error(
            "UnsupportedGrantTypeException",
            "Unsupported grant type",
        )),
    };
    match result {
        Ok(refresh_token) => issue_tokens(&shared, client_id, refresh_token),
        Err(e) => e.into_response(),
    }
}

/// What a successful grant yields: the refresh token to hand out, if any.
type Grant = Result<Option<String>, AwsError>;

fn device_code_grant(shared: &Shared, client_id: &str, device_code: Option<&str>) -> Grant {
    let Some(device_code) = device_code else {
        return Err(error("InvalidRequestException", "deviceCode is required"));
    };
    match device::poll(shared, client_id, device_code) {
        Poll::Approved => Ok(refresh_token_for(
            shared,
            &shared.issued().clients[client_id].scopes,
        )),
        Poll::Pending => Err(error(
            "AuthorizationPendingException",
            "Authorization is still pending",
        )),
        Poll::SlowDown => Err(error("SlowDownException", "Client is polling too quickly")),
        Poll::Denied => Err(error(
            "AccessDeniedException",
            "The user denied the authorization request",
        )),
        Poll::Expired => Err(error("ExpiredTokenException", "Device code has expired")),
        Poll::Invalid => Err(error(
            "InvalidGrantException",
            "Invalid device code provided",
        )),
    }
}

fn authorization_code_grant(shared: &Shared, client_id: &str, req: &CreateTokenRequest) -> Grant {
    let (Some(code), Some(redirect_uri), Some(verifier)) = (
        req.code.as_deref(),
        req.redirect_uri.as_deref(),
        req.code_verifier.as_deref(),
    ) else {
        return Err(error(
            "InvalidRequestException",
            "code, redirectUri and codeVerifier are required",
        ));
    };
    let mut issued = shared.issued();
    // A code is good for one exchange, whatever its outcome.
    let Some(auth) = issued.auth_codes.remove(code) else {
        return Err(error("InvalidGrantException", "Invalid authorization code"));
    };
    if auth.client_id != client_id || auth.redirect_uri != redirect_uri {
        return Err(error("InvalidGrantException", "Invalid authorization code"));
    }
    if auth.expires_at <= shared.now() {
        return Err(error(
            "InvalidGrantException",
            "Authorization code has expired",
        ));
    }
    if pkce_s256(verifier) != auth.code_challenge {
        return Err(error(
            "InvalidGrantException",
            "Code verifier does not match the code challenge",
        ));
    }
    Ok(refresh_token_for(shared, &issued.clients[client_id].scopes))
}

fn refresh_token_grant(shared: &Shared, client_id: &str, refresh_token: Option<&str>) -> Grant {
    let Some(refresh_token) = refresh_token else {
        return Err(error("InvalidRequestException", "refreshToken is required"));
    };
    let issued = shared.issued();
    match issued.refresh_tokens.get(refresh_token) {
        Some(t) if t.client_id == client_id && !t.revoked => Ok(Some(refresh_token.to_owned())),
        _ => Err(error(
            "InvalidGrantException",
            "Invalid refresh token provided",
        )),
    }
}

/// Identity Center issues refresh tokens only to clients registered for account access.
fn refresh_token_for(shared: &Shared, scopes: &[String]) -> Option<String> {
    scopes
        .iter()
        .any(|s| s == SCOPE_ACCOUNT_ACCESS)
        .then(|| shared.token("aor", 160, ALNUM))
}

fn issue_tokens(shared: &Shared, client_id: &str, refresh_token: Option<String>) -> Response {
    let access_token = shared.token("aoa", 180, ALNUM);
    let lifetime = shared.options.access_token_lifetime;
    let mut issued = shared.issued();
    issued.access_tokens.insert(
        access_token.clone(),
        AccessToken {
            expires_at: shared.now() + lifetime,
            revoked: false,
            refresh_token: refresh_token.clone(),
        },
    );
    let mut body = json!({
        "accessToken": access_token,
        "tokenType": "Bearer",
        "expiresIn": lifetime.as_secs(),
    });
    if let Some(refresh_token) = refresh_token {
        issued
            .refresh_tokens
            .entry(refresh_token.clone())
            .or_insert(RefreshToken {
                client_id: client_id.to_owned(),
                revoked: false,
            });
        body["refreshToken"] = json!(refresh_token);
    }
    wire::json(StatusCode::OK, body)
}

pub fn pkce_s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn is_loopback_http(uri: &str) -> bool {
    Url::parse(uri).is_ok_and(|u| {
        u.scheme() == "http" && matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
    })
}

/// RFC 8252 §7.3: a loopback redirect matches a registered one whatever its port.
fn redirect_registered(registered: &[String], uri: &str) -> bool {
    let Ok(uri) = Url::parse(uri) else {
        return false;
    };
    registered
        .iter()
        .filter_map(|r| Url::parse(r).ok())
        .any(|r| {
            r.scheme() == uri.scheme()
                && r.host_str() == uri.host_str()
                && r.path() == uri.path()
                && (r.port() == uri.port() || is_loopback_http(uri.as_str()))
        })
}

#[derive(Deserialize)]
pub struct AuthorizeQuery {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    #[allow(dead_code)]
    scopes: Option<String>,
}

/// The browser authorize endpoint. The fake's user is always signed in and consents, so
/// a valid request redirects straight back to the client's loopback listener.
pub async fn authorize(State(shared): S, Query(q): Query<AuthorizeQuery>) -> Response {
    if let Err(r) = gate(&shared, Operation::Authorize, Protocol::Page).await {
        return r;
    }
    let bad = |m: &str| wire::html_page(StatusCode::BAD_REQUEST, "Invalid request", m);
    let (Some(client_id), Some(redirect_uri)) = (q.client_id.as_deref(), q.redirect_uri.as_deref())
    else {
        return bad("client_id and redirect_uri are required");
    };
    let (registered, may_use_code) = {
        let issued = shared.issued();
        let Some(client) = issued.clients.get(client_id) else {
            return bad("Unknown client_id");
        };
        (
            redirect_registered(&client.redirect_uris, redirect_uri),
            client
                .grant_types
                .iter()
                .any(|g| g == GRANT_AUTHORIZATION_CODE),
        )
    };
    // Without a registered redirect_uri there is nowhere safe to send an error to.
    if !registered {
        return bad("redirect_uri is not registered for this client");
    }
    let Ok(target) = Url::parse(redirect_uri) else {
        return bad("redirect_uri is not a URL");
    };
    let outcome: Result<String, &str> = if q.response_type.as_deref() != Some("code") {
        Err("unsupported_response_type")
    } else if !may_use_code {
        Err("unauthorized_client")
    } else if q.code_challenge_method.as_deref() != Some("S256") || q.code_challenge.is_none() {
        Err("invalid_request")
    } else {
        let code = shared.token("", 64, ALNUM);
        shared.issued().auth_codes.insert(
            code.clone(),
            AuthCode {
                client_id: client_id.to_owned(),
                redirect_uri: redirect_uri.to_owned(),
                code_challenge: q.code_challenge.clone().unwrap_or_default(),
                expires_at: shared.now() + AUTH_CODE_LIFETIME,
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

#[derive(Deserialize)]
pub struct DeviceQuery {
    user_code: Option<String>,
    action: Option<String>,
}

/// The device verification page: visiting it with a user code approves that request
/// (or denies it with `action=deny`), as a signed-in user clicking "Allow" would.
pub async fn verify_device(State(shared): S, Query(q): Query<DeviceQuery>) -> Response {
    if let Err(r) = gate(&shared, Operation::DeviceVerification, Protocol::Page).await {
        return r;
    }
    let Some(user_code) = q.user_code else {
        return wire::html_page(
            StatusCode::OK,
            "Authorize request",
            "Enter the code shown by your application.",
        );
    };
    let deny = q.action.as_deref() == Some("deny");
    match shared.decide_device(
        &user_code,
        if deny {
            Approval::Denied
        } else {
            Approval::Approved
        },
    ) {
        true if deny => wire::html_page(
            StatusCode::OK,
            "Request denied",
            "You denied access. You can close this window.",
        ),
        true => wire::html_page(
            StatusCode::OK,
            "Request approved",
            "You can close this window.",
        ),
        false => wire::html_page(
            StatusCode::NOT_FOUND,
            "Invalid code",
            "This code is unknown or has expired.",
        ),
    }
}

impl Shared {
    /// Approves or denies the pending device authorization with `user_code`.
    pub fn decide_device(&self, user_code: &str, approval: Approval) -> bool {
        let now = self.now();
        let mut issued = self.issued();
        match issued.device_auths.values_mut().find(|a| {
            a.user_code == user_code && a.approval == Approval::Pending && a.expires_at > now
        }) {
            Some(auth) => {
                auth.approval = approval;
                true
            }
            None => false,
        }
    }

    /// Whether a bearer token may call the portal right now.
    pub fn token_is_valid(&self, token: &str) -> bool {
        let now = self.now();
        self.issued()
            .access_tokens
            .get(token)
            .is_some_and(|t| !t.revoked && t.expires_at > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_rfc7636_appendix_b() {
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn loopback_redirects_match_whatever_their_port() {
        let registered = vec!["http://127.0.0.1/oauth/callback".to_owned()];
        assert!(redirect_registered(
            &registered,
            "http://127.0.0.1:54321/oauth/callback"
        ));
        assert!(!redirect_registered(
            &registered,
            "http://127.0.0.1:54321/other"
        ));
        assert!(!redirect_registered(
            &registered,
            "http://evil.example/oauth/callback"
        ));
    }
}
