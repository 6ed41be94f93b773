//! An OpenID Connect provider standing in for Google (or any issuer): discovery, a JWKS
//! with key rotation, the browser authorize endpoint (the user is signed in and
//! consents), the token endpoint (authorization code + PKCE S256, refresh) and
//! revocation. ID tokens are ES256 JWTs carrying `email`, `email_verified` and `hd`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;
use url::Url;

use crate::device::{self, Poll};
use crate::gate::gate;
use crate::oidc::GRANT_DEVICE_CODE;
use crate::oidc::pkce_s256;
use crate::state::{ALNUM, Operation, Shared, epoch_secs};
use crate::wire::{self, Protocol};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Who signs in, and the client the provider knows.
#[derive(Debug, Clone)]
pub struct IdentityOptions {
    pub client_id: String,
    pub client_secret: String,
    pub email: String,
    pub email_verified: bool,
    /// The Google Workspace / Cloud Identity domain (`hd` claim), if any.
    pub hosted_domain: Option<String>,
    pub name: String,
    pub token_lifetime: Duration,
    /// Behave as a standard OpenID Connect issuer (Okta, Keycloak, Auth0) rather than
    /// Google: list `offline_access` in the discovery document and issue a refresh token
    /// only for that scope.
    pub standard_offline_access: bool,
    /// Offer the device flow (`device_authorization_endpoint`), as Google does.
    pub device_flow: bool,
}

impl Default for IdentityOptions {
    fn default() -> Self {
        Self {
            client_id: "kumo-desktop.apps.example.com".into(),
            client_secret: "kumo-desktop-secret".into(),
            email: "developer@example.com".into(),
            email_verified: true,
            hosted_domain: Some("example.com".into()),
            name: "Dev Eloper".into(),
            token_lifetime: Duration::from_secs(3600),
            standard_offline_access: false,
            device_flow: true,
        }
    }
}

/// A misbehaviour of the next ID token issued, for tests of verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdTokenFault {
    WrongAudience,
    WrongIssuer,
    Expired,
    WrongNonce,
    BadSignature,
    UnknownKid,
    /// `alg: none` and no signature.
    AlgNone,
    /// HS256 with the issuer's public key as the HMAC secret (the key-confusion attack).
    Hs256WithPublicKey,
    /// A header without `kid`.
    NoKid,
    /// `nbf` an hour ahead.
    NotYetValid,
    /// Issued to this client and another, without `azp`.
    SeveralAudiencesNoAzp,
    /// An `email` holding a line break.
    EmailWithNewline,
}

pub struct SigningKey {
    pub kid: String,
    pair: EcdsaKeyPair,
}

impl SigningKey {
    pub fn generate(kid: &str) -> Self {
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .expect("P-256 key generation works");
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref())
            .expect("a generated key parses");
        Self {
            kid: kid.to_owned(),
            pair,
        }
    }

    fn jwk(&self) -> serde_json::Value {
        // An uncompressed point: 0x04 || X || Y.
        let point = self.pair.public_key().as_ref();
        json!({
            "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": self.kid,
            "x": B64.encode(&point[1..33]), "y": B64.encode(&point[33..65]),
        })
    }

    fn sign(&self, header: &serde_json::Value, claims: &serde_json::Value) -> String {
        let input = format!(
            "{}.{}",
            B64.encode(header.to_string()),
            B64.encode(claims.to_string())
        );
        let signature = self
            .pair
            .sign(&SystemRandom::new(), input.as_bytes())
            .expect("ECDSA signing works");
        format!("{input}.{}", B64.encode(signature.as_ref()))
    }
}

pub struct IdCode {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    nonce: Option<String>,
    /// A refresh token goes with the tokens of this code.
    offline: bool,
}

#[derive(Default)]
pub struct IdentityState {
    pub keys: Vec<SigningKey>,
    /// Access token → expiry (epoch seconds), for the Google APIs the fake serves.
    pub access_tokens: HashMap<String, i64>,
    pub codes: HashMap<String, IdCode>,
    /// Refresh token → revoked.
    pub refresh_tokens: HashMap<String, bool>,
    pub faults: Vec<IdTokenFault>,
}

type S = State<Arc<Shared>>;

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    wire::json(
        status,
        json!({"error": error, "error_description": description}),
    )
}

pub async fn discovery(State(shared): S) -> Response {
    if let Err(r) = gate(&shared, Operation::OidcDiscovery, Protocol::Page).await {
        return r;
    }
    let base = &shared.base_url;
    let mut doc = json!({
            "issuer": base,
            "authorization_endpoint": format!("{base}/oauth2/authorize"),
            "token_endpoint": format!("{base}/oauth2/token"),
            "jwks_uri": format!("{base}/oauth2/jwks"),
            "revocation_endpoint": format!("{base}/oauth2/revoke"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "scopes_supported": if shared.options.identity.standard_offline_access {
                json!(["openid", "email", "profile", "offline_access"])
            } else {
                json!(["openid", "email", "profile"])
            },
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
    });
    if shared.options.identity.device_flow {
        doc["device_authorization_endpoint"] = json!(format!("{base}/oauth2/device/code"));
    }
    wire::json(StatusCode::OK, doc)
}

pub async fn jwks(State(shared): S) -> Response {
    if let Err(r) = gate(&shared, Operation::Jwks, Protocol::Page).await {
        return r;
    }
    let keys: Vec<_> = shared.identity().keys.iter().map(SigningKey::jwk).collect();
    wire::json(StatusCode::OK, json!({ "keys": keys }))
}

#[derive(Deserialize)]
pub struct AuthorizeQuery {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    nonce: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

pub async fn authorize(State(shared): S, Query(q): Query<AuthorizeQuery>) -> Response {
    if let Err(r) = gate(&shared, Operation::IdentityAuthorize, Protocol::Page).await {
        return r;
    }
    let options = &shared.options.identity;
    let bad = |m: &str| wire::html_page(StatusCode::BAD_REQUEST, "Invalid request", m);
    if q.client_id.as_deref() != Some(options.client_id.as_str()) {
        return bad("Unknown client_id");
    }
    let Some(Ok(target)) = q.redirect_uri.as_deref().map(Url::parse) else {
        return bad("redirect_uri is required");
    };
    if target.scheme() != "http"
        || !matches!(target.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
    {
        return bad("redirect_uri must be a loopback http URL for a desktop client");
    }
    let scopes: Vec<&str> = q.scope.as_deref().unwrap_or_default().split(' ').collect();
    let outcome = if q.response_type.as_deref() != Some("code") {
        Err("unsupported_response_type")
    } else if !scopes.contains(&"openid") {
        Err("invalid_scope")
    } else if q.code_challenge_method.as_deref() != Some("S256") || q.code_challenge.is_none() {
        Err("invalid_request")
    } else {
        let code = shared.token("4/", 60, ALNUM);
        shared.identity().codes.insert(
            code.clone(),
            IdCode {
                client_id: options.client_id.clone(),
                redirect_uri: target.to_string(),
                challenge: q.code_challenge.clone().unwrap_or_default(),
                nonce: q.nonce.clone(),
                offline: !options.standard_offline_access || scopes.contains(&"offline_access"),
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

pub async fn token(State(shared): S, body: Bytes) -> Response {
    if let Err(r) = gate(&shared, Operation::IdentityToken, Protocol::Page).await {
        return r;
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let options = &shared.options.identity;
    let get = |k: &str| form.get(k).map(String::as_str);
    if get("client_id") != Some(options.client_id.as_str())
        || get("client_secret") != Some(options.client_secret.as_str())
    {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "The OAuth client was not found.",
        );
    }
    let (nonce, refresh_token) = match get("grant_type") {
        Some("authorization_code") => {
            let Some(code) = get("code").and_then(|c| shared.identity().codes.remove(c)) else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Malformed auth code.",
                );
            };
            let verifier_ok = get("code_verifier").is_some_and(|v| pkce_s256(v) == code.challenge);
            if code.client_id != options.client_id
                || get("redirect_uri") != Some(code.redirect_uri.as_str())
                || !verifier_ok
            {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "Bad Request");
            }
            let refresh = code.offline.then(|| {
                let refresh = shared.token("1//", 100, ALNUM);
                shared
                    .identity()
                    .refresh_tokens
                    .insert(refresh.clone(), false);
                refresh
            });
            (code.nonce, refresh)
        }
        Some(GRANT_DEVICE_CODE) => {
            let polled = device::poll(
                &shared,
                &options.client_id,
                get("device_code").unwrap_or_default(),
            );
            let refused = |error: &str, description: &str| {
                oauth_error(StatusCode::BAD_REQUEST, error, description)
            };
            match polled {
                Poll::Approved => {}
                Poll::Pending => return refused("authorization_pending", "Precondition Required"),
                Poll::SlowDown => return refused("slow_down", "Forbidden"),
                Poll::Denied => return refused("access_denied", "Forbidden"),
                Poll::Expired => return refused("expired_token", "Bad Request"),
                Poll::Invalid => return refused("invalid_grant", "Malformed device code."),
            }
            let refresh = shared.token("1//", 100, ALNUM);
            shared
                .identity()
                .refresh_tokens
                .insert(refresh.clone(), false);
            (None, Some(refresh))
        }
        Some("refresh_token") => {
            let valid = get("refresh_token")
                .is_some_and(|t| shared.identity().refresh_tokens.get(t) == Some(&false));
            if !valid {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Token has been expired or revoked.",
                );
            }
            (None, None)
        }
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "Invalid grant_type.",
            );
        }
    };
    let id_token = shared.id_token(nonce.as_deref());
    let access_token = shared.token("ya29.", 120, ALNUM);
    let expires_at = epoch_secs(shared.now()) + options.token_lifetime.as_secs() as i64;
    shared
        .identity()
        .access_tokens
        .insert(access_token.clone(), expires_at);
    let mut answer = json!({
        "access_token": access_token,
        "expires_in": options.token_lifetime.as_secs(),
        "id_token": id_token,
        "scope": "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile",
        "token_type": "Bearer",
    });
    if let Some(refresh) = refresh_token {
        answer["refresh_token"] = json!(refresh);
    }
    wire::json(StatusCode::OK, answer)
}

/// The device authorization endpoint (RFC 8628), approved at the shared `/device` page.
pub async fn device_code(State(shared): S, body: Bytes) -> Response {
    if let Err(r) = gate(&shared, Operation::IdentityDeviceCode, Protocol::Page).await {
        return r;
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let options = &shared.options.identity;
    if !options.device_flow || form.get("client_id") != Some(&options.client_id) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "The OAuth client was not found.",
        );
    }
    let started = device::start(&shared, &options.client_id);
    wire::json(StatusCode::OK, started.json(true))
}

pub async fn revoke(State(shared): S, body: Bytes) -> Response {
    if let Err(r) = gate(&shared, Operation::IdentityRevoke, Protocol::Page).await {
        return r;
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let mut identity = shared.identity();
    match form
        .get("token")
        .and_then(|t| identity.refresh_tokens.get_mut(t))
    {
        Some(revoked) => {
            *revoked = true;
            (StatusCode::OK, "").into_response()
        }
        None => oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_token",
            "Token expired or revoked",
        ),
    }
}

impl Shared {
    /// Whether `Authorization: Bearer <token>` carries a live identity access token.
    pub fn google_token_is_valid(&self, authorization: Option<&str>) -> bool {
        let now = epoch_secs(self.now());
        authorization
            .and_then(|a| a.strip_prefix("Bearer "))
            .and_then(|t| self.identity().access_tokens.get(t).copied())
            .is_some_and(|expires_at| expires_at > now)
    }

    /// An ID token for the configured user, honouring the next scripted fault.
    fn id_token(&self, nonce: Option<&str>) -> String {
        let options = &self.options.identity;
        let now = epoch_secs(self.now());
        let mut identity = self.identity();
        let fault = (!identity.faults.is_empty()).then(|| identity.faults.remove(0));
        let mut claims = json!({
            "iss": self.base_url,
            "aud": options.client_id,
            "azp": options.client_id,
            "sub": "110169484474386276334",
            "email": options.email,
            "email_verified": options.email_verified,
            "name": options.name,
            "iat": now,
            "exp": now + options.token_lifetime.as_secs() as i64,
        });
        if let Some(hd) = &options.hosted_domain {
            claims["hd"] = json!(hd);
        }
        if let Some(nonce) = nonce {
            claims["nonce"] = json!(nonce);
        }
        match fault {
            Some(IdTokenFault::WrongAudience) => {
                claims["aud"] = json!("someone-else.apps.example.com")
            }
            Some(IdTokenFault::WrongIssuer) => claims["iss"] = json!("https://evil.example"),
            Some(IdTokenFault::Expired) => {
                claims["iat"] = json!(now - 7200);
                claims["exp"] = json!(now - 3600);
            }
            Some(IdTokenFault::WrongNonce) => claims["nonce"] = json!("not-the-nonce"),
            Some(IdTokenFault::NotYetValid) => claims["nbf"] = json!(now + 3600),
            Some(IdTokenFault::SeveralAudiencesNoAzp) => {
                claims["aud"] = json!([options.client_id, "someone-else.apps.example.com"]);
                claims.as_object_mut().map(|c| c.remove("azp"));
            }
            Some(IdTokenFault::EmailWithNewline) => {
                claims["email"] = json!(format!("{}\n[default]", options.email));
            }
            _ => {}
        }
        let key = identity.keys.last().expect("the issuer always has a key");
        let kid = if fault == Some(IdTokenFault::UnknownKid) {
            "no-such-kid".to_owned()
        } else {
            key.kid.clone()
        };
        let header = match fault {
            Some(IdTokenFault::NoKid) => json!({"alg": "ES256", "typ": "JWT"}),
            _ => json!({"alg": "ES256", "kid": kid, "typ": "JWT"}),
        };
        match fault {
            Some(IdTokenFault::AlgNone) => {
                let header = json!({"alg": "none", "kid": kid, "typ": "JWT"});
                return format!(
                    "{}.{}.",
                    B64.encode(header.to_string()),
                    B64.encode(claims.to_string())
                );
            }
            Some(IdTokenFault::Hs256WithPublicKey) => {
                let header = json!({"alg": "HS256", "kid": kid, "typ": "JWT"});
                let input = format!(
                    "{}.{}",
                    B64.encode(header.to_string()),
                    B64.encode(claims.to_string())
                );
                let secret = aws_lc_rs::hmac::Key::new(
                    aws_lc_rs::hmac::HMAC_SHA256,
                    key.jwk().to_string().as_bytes(),
                );
                let tag = aws_lc_rs::hmac::sign(&secret, input.as_bytes());
                return format!("{input}.{}", B64.encode(tag.as_ref()));
            }
            _ => {}
        }
        let token = key.sign(&header, &claims);
        if fault == Some(IdTokenFault::BadSignature) {
            // Another key's signature under this key's kid.
            let (body, _) = token.rsplit_once('.').expect("a JWT has three parts");
            let forged = SigningKey::generate("forger").sign(&header, &claims);
            let (_, signature) = forged.rsplit_once('.').expect("a JWT has three parts");
            return format!("{body}.{signature}");
        }
        token
    }
}
