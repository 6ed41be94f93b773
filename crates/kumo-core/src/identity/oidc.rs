//! OpenID Connect sign-in: discovery, authorization code + PKCE S256 through the system
//! browser and a loopback redirect, `nonce`, and verification of the ID token (signature
//! by the issuer's JWKS, cached and refetched on an unknown `kid`; `iss`, `aud`,
//! `exp`/`iat` with leeway, `nonce`, `email_verified`, `hd`). Nothing here is Google-
//! specific beyond the default issuer and the parameters that ask Google for a refresh
//! token.

use std::fmt;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::config::IdentityConfig;
use crate::environment::Environment;
use crate::fsutil::write_atomic;
use crate::http::GetError;
use crate::lock::FileLock;
use crate::loopback::{LoopbackError, random_token};
use crate::oauth::{
    BROWSER_TIMEOUT, BrowserAuthorization, Person, TokenClient, TokenError, Tokens,
};
use crate::paths;
use crate::sessions::{Outcome, Provider, Revocation};
use crate::vault::{SecretStore, VaultError};

const SESSION_KEY: &str = "identity/session";
/// The kernel keyring's copy of who is signed in.
const WHO_KEY: &str = "identity/who";
const SCOPES: &str = "openid email profile";
/// The standard OpenID Connect scope for a refresh token (Okta, Keycloak, Entra, Auth0).
const OFFLINE_ACCESS: &str = "offline_access";
/// Listing Google Cloud projects needs this scope on the identity's access token.
pub const GCP_SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform.read-only";
/// Access tokens with less left than this are renewed before use.
const RENEW_MARGIN_SECS: i64 = 5 * 60;
const LEEWAY_SECS: u64 = 60;

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error(
        "no [identity] is configured: add one with client_id (and issuer, client_secret, hosted_domain) to {0}"
    )]
    NotConfigured(String),
    #[error("not signed in to the identity provider")]
    NotSignedIn,
    #[error("cannot read the OpenID configuration of {issuer}: {reason}")]
    Discovery { issuer: String, reason: String },
    #[error("the identity provider refused the sign-in ({0})")]
    Refused(String),
    #[error("the identity session has expired or was revoked")]
    Expired,
    /// A renewal that did not reach a verdict: the session itself may well be fine.
    #[error("the identity provider cannot renew the session now ({0}); Kumo tries again")]
    Unavailable(String),
    #[error(
        "the identity provider {0} offers no device sign-in: sign in where a browser can open (without --device-code or --no-browser)"
    )]
    NeedsBrowser(String),
    #[error("browser sign-in failed: {0}")]
    Loopback(#[from] LoopbackError),
    #[error("the ID token is not trustworthy: {0}; nothing was stored")]
    Untrusted(Untrusted),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
}

/// Why an ID token was refused: each check failing has its own reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Untrusted {
    Signature,
    UnknownKey(String),
    Audience,
    Issuer,
    Expired,
    IssuedInTheFuture,
    NotYetValid,
    Nonce,
    EmailNotVerified,
    Domain {
        expected: String,
        found: Option<String>,
    },
    Malformed(String),
}

impl fmt::Display for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Signature => f.write_str("its signature does not match the issuer's key"),
            Self::UnknownKey(kid) => write!(
                f,
                "it is signed with a key (`{kid}`) the issuer does not publish"
            ),
            Self::Audience => f.write_str("it was issued to another client (aud)"),
            Self::Issuer => f.write_str("it comes from another issuer (iss)"),
            Self::Expired => f.write_str("it has expired (exp); check the computer's clock"),
            Self::IssuedInTheFuture => {
                f.write_str("it was issued in the future (iat); check the computer's clock")
            }
            Self::NotYetValid => {
                f.write_str("it is not valid yet (nbf); check the computer's clock")
            }
            Self::Nonce => f.write_str("it answers another sign-in (nonce)"),
            Self::EmailNotVerified => {
                f.write_str("the provider has not verified the email address")
            }
            Self::Domain { expected, found } => match found {
                Some(found) => write!(f, "the account belongs to `{found}`, not `{expected}` (hd)"),
                None => write!(f, "the account is not in the `{expected}` domain (no hd)"),
            },
            Self::Malformed(reason) => write!(f, "it is malformed ({reason})"),
        }
    }
}

/// Who is signed in; the part of the session that is not secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Whoami {
    pub email: String,
    pub subject: String,
    pub issuer: String,
    /// Epoch seconds: when the access token lapses (the refresh token renews it).
    pub expires_at: i64,
}

#[derive(Clone, Serialize, Deserialize)]
struct StoredSession {
    who: Whoami,
    access_token: String,
    refresh_token: Option<String>,
}

impl fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredSession")
            .field("who", &self.who)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
pub struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    #[serde(default)]
    scopes_supported: Vec<String>,
    /// RFC 7009, where the issuer offers it (Google does).
    #[serde(default)]
    revocation_endpoint: Option<String>,
    /// RFC 8628, where the issuer offers it (Google does).
    #[serde(default)]
    device_authorization_endpoint: Option<String>,
}

impl Discovery {
    fn offers_offline_access(&self) -> bool {
        self.scopes_supported.iter().any(|s| s == OFFLINE_ACCESS)
    }
}

#[derive(Deserialize)]
struct Claims {
    sub: String,
    /// One client, or a list (checked against this client by the decoder).
    aud: serde_json::Value,
    /// The authorized party: the client the token was issued to.
    azp: Option<String>,
    email: Option<String>,
    email_verified: Option<serde_json::Value>,
    hd: Option<String>,
    nonce: Option<String>,
    iat: Option<i64>,
}

/// Forgets the identity's session; returns whether there was one.
/// Signs out: revokes the refresh token at the issuer where it offers a revocation
/// endpoint, then removes the session from the keychain and the kernel keyring (even
/// when the issuer cannot be asked). Returns whether there was a session, and what the
/// issuer did.
pub async fn sign_out(
    config: &IdentityConfig,
    store: &dyn SecretStore,
) -> Result<(bool, Revocation), IdentityError> {
    let session = load(store)?;
    let revocation = match session.as_ref().and_then(|s| s.refresh_token.as_deref()) {
        None => Revocation::NothingLive,
        Some(refresh_token) => revoke(config, refresh_token).await,
    };
    store.delete(SESSION_KEY)?;
    if let Some(kernel) = store.kernel_keyring() {
        kernel.remove(WHO_KEY);
    }
    Ok((session.is_some(), revocation))
}

async fn revoke(config: &IdentityConfig, refresh_token: &str) -> Revocation {
    let doc = match discover(config).await {
        Ok(doc) => doc,
        Err(e) => return Revocation::Failed(e.to_string()),
    };
    let Some(endpoint) = doc.revocation_endpoint else {
        return Revocation::NotOffered;
    };
    match crate::oauth::revoke(
        &endpoint,
        &config.client_id,
        config.client_secret.as_deref(),
        refresh_token,
    )
    .await
    {
        Ok(()) => Revocation::Revoked,
        Err(e) => Revocation::Failed(e.to_string()),
    }
}

/// Who is signed in, the access token's end and whether a refresh token renews it;
/// `None` when not signed in.
pub fn session_facts(
    store: &dyn SecretStore,
) -> Result<Option<(String, i64, bool)>, IdentityError> {
    Ok(load(store)?.map(|s| (s.who.email, s.who.expires_at, s.refresh_token.is_some())))
}

/// The signed-in identity, from the keychain.
pub fn whoami(store: &dyn SecretStore) -> Result<Option<Whoami>, IdentityError> {
    Ok(load(store)?.map(|s| s.who))
}

/// Who is signed in, as every audit record names them: from the kernel keyring's copy
/// when it has one (one syscall, which keeps `credential-process` at a few
/// milliseconds), else from the keychain (and then copied there).
pub fn whoami_fast(store: &dyn SecretStore) -> Result<Option<Whoami>, IdentityError> {
    let kernel = store.kernel_keyring();
    if let Some(who) = kernel
        .and_then(|k| k.get(WHO_KEY))
        .and_then(|s| serde_json::from_slice::<Whoami>(s.expose()).ok())
    {
        return Ok(Some(who));
    }
    let who = whoami(store)?;
    if let (Some(kernel), Some(who)) = (kernel, &who) {
        remember_who(kernel, who);
    }
    Ok(who)
}

/// Who is signed in is not secret; the copy lives as long as a credentials copy does.
fn remember_who(kernel: &crate::vault::KernelKeyring, who: &Whoami) {
    if let Ok(bytes) = serde_json::to_vec(who) {
        kernel.put(WHO_KEY, &bytes, std::time::Duration::from_secs(10 * 60));
    }
}

/// Stores the session, and refreshes the kernel keyring's copy of who it is.
fn save(store: &dyn SecretStore, session: &StoredSession) -> Result<(), VaultError> {
    let bytes =
        zeroize::Zeroizing::new(serde_json::to_vec(session).expect("the session serializes"));
    store.put(SESSION_KEY, &bytes)?;
    if let Some(kernel) = store.kernel_keyring() {
        remember_who(kernel, &session.who);
    }
    Ok(())
}

fn load(store: &dyn SecretStore) -> Result<Option<StoredSession>, VaultError> {
    Ok(store
        .get(SESSION_KEY)?
        .and_then(|s| serde_json::from_slice(s.expose()).ok()))
}

fn issuer_of(config: &IdentityConfig) -> String {
    issuer_name(config).to_owned()
}

async fn discover(config: &IdentityConfig) -> Result<Discovery, IdentityError> {
    let issuer = issuer_of(config);
    let failed = |reason: String| IdentityError::Discovery {
        issuer: issuer.clone(),
        reason,
    };
    let response = crate::http::client()
        .get(format!("{issuer}/.well-known/openid-configuration"))
        .send()
        .await
        .map_err(|_| failed("the issuer cannot be reached".into()))?;
    if !response.status().is_success() {
        return Err(failed(format!("HTTP {}", response.status().as_u16())));
    }
    let body = crate::http::capped_body(response).await.map_err(|e| {
        failed(match e {
            GetError::TooLarge => "its document is larger than 16 MiB".into(),
            _ => "the issuer cannot be reached".into(),
        })
    })?;
    discovery_document(&body, &issuer).map_err(failed)
}

/// The issuer's discovery document, checked: it names this issuer, and every endpoint
/// it names is https (http only to this machine).
pub fn discovery_document(body: &[u8], issuer: &str) -> Result<Discovery, String> {
    let doc: Discovery =
        serde_json::from_slice(body).map_err(|_| "the document is not valid".to_owned())?;
    if doc.issuer.trim_end_matches('/') != issuer {
        return Err(format!(
            "it names another issuer, `{}`",
            crate::untrusted::for_terminal(&doc.issuer)
        ));
    }
    // Every endpoint it names receives codes, tokens or the person's browser.
    let endpoints = [
        ("authorization_endpoint", Some(&doc.authorization_endpoint)),
        ("token_endpoint", Some(&doc.token_endpoint)),
        ("jwks_uri", Some(&doc.jwks_uri)),
        ("revocation_endpoint", doc.revocation_endpoint.as_ref()),
        (
            "device_authorization_endpoint",
            doc.device_authorization_endpoint.as_ref(),
        ),
    ];
    for (field, url) in endpoints {
        if let Some(Err(e)) = url.map(|u| crate::untrusted::server_url(u)) {
            return Err(format!("its {field} is refused: {e}"));
        }
    }
    Ok(doc)
}

/// Makes sure the identity is signed in, asking the person only when no session can be
/// had silently: a valid session is kept, one near its end is renewed with the refresh
/// token, and only then (or with `force`) the browser opens.
pub async fn login(
    config: &IdentityConfig,
    extra_scopes: &[&str],
    force: bool,
    device: bool,
    env: &Environment,
    store: &dyn SecretStore,
    person: &Person<'_>,
) -> Result<(Outcome, Whoami), IdentityError> {
    let held = load(store)?;
    if !force && let Some(held) = &held {
        if held.who.expires_at - env.now() > RENEW_MARGIN_SECS {
            return Ok((Outcome::AlreadySignedIn, held.who.clone()));
        }
        if let Ok((_, who)) = access_token(config, env, store).await {
            return Ok((Outcome::Renewed, who));
        }
    }
    // Consent is asked only to get a refresh token, which a person gives once.
    let consent = held.is_none_or(|s| s.refresh_token.is_none());
    let doc = discover(config).await?;
    let scopes: Vec<&str> = std::iter::once(SCOPES)
        .chain(doc.offers_offline_access().then_some(OFFLINE_ACCESS))
        .chain(extra_scopes.iter().copied())
        .collect();
    let (answer, nonce) = if device {
        (device_sign_in(config, &doc, &scopes, person).await?, None)
    } else {
        let (answer, nonce) = browser_sign_in(config, &doc, &scopes, consent, person).await?;
        (answer, Some(nonce))
    };
    let id_token = answer
        .id_token
        .as_deref()
        .ok_or_else(|| IdentityError::Untrusted(Untrusted::Malformed("no ID token".into())))?;
    let claims = verify(config, env, &doc, id_token, nonce.as_deref()).await?;
    let who = Whoami {
        email: claims.email.unwrap_or_default(),
        subject: claims.sub,
        issuer: issuer_of(config),
        expires_at: env.now().saturating_add(answer.expires_in.unwrap_or(3600)),
    };
    let session = StoredSession {
        who: who.clone(),
        access_token: answer.access_token,
        refresh_token: answer.refresh_token,
    };
    save(store, &session)?;
    Ok((Outcome::SignedIn, who))
}

/// The browser's authorization code flow (asking for `consent` to offline access), and
/// the nonce its ID token must carry.
async fn browser_sign_in(
    config: &IdentityConfig,
    doc: &Discovery,
    scopes: &[&str],
    consent: bool,
    person: &Person<'_>,
) -> Result<(Tokens, String), IdentityError> {
    let endpoint =
        Url::parse(&doc.authorization_endpoint).map_err(|e| IdentityError::Discovery {
            issuer: issuer_of(config),
            reason: format!("its authorization endpoint is not a URL ({e})"),
        })?;
    let authorization = BrowserAuthorization::start().await?;
    let nonce = random_token();
    let scope = scopes.join(" ");
    // Google issues a refresh token only for offline access with consent; standard
    // issuers for the `offline_access` scope.
    let mut extra = vec![("access_type", "offline")];
    if consent {
        extra.push(("prompt", "consent"));
    }
    if let Some(hd) = &config.hosted_domain {
        extra.push(("hd", hd));
    }
    extra.extend([("scope", scope.as_str()), ("nonce", nonce.as_str())]);
    let url = authorization.url(endpoint, &config.client_id, &extra);
    person.show(url.as_str(), "sign in");
    let authorized = authorization.finish(BROWSER_TIMEOUT).await?;
    let answer = token_client(doc, config)?
        .exchange(authorized)
        .await
        .map_err(refused)?;
    Ok((answer, nonce))
}

/// The device flow, where the issuer offers one (its discovery document names a
/// `device_authorization_endpoint`).
async fn device_sign_in(
    config: &IdentityConfig,
    doc: &Discovery,
    scopes: &[&str],
    person: &Person<'_>,
) -> Result<Tokens, IdentityError> {
    let endpoint = doc
        .device_authorization_endpoint
        .as_deref()
        .ok_or_else(|| IdentityError::NeedsBrowser(issuer_of(config)))?;
    token_client(doc, config)?
        .device(endpoint, scopes, person, "sign in to the identity")
        .await
        .map_err(refused)
}

/// A live access token of the identity: the stored one, or one renewed with the
/// refresh token when under five minutes remain. The renewal holds the identity's
/// cross-process lock: a rotating refresh token raced by the app and the CLI gets the
/// whole token family revoked by some issuers.
pub async fn access_token(
    config: &IdentityConfig,
    env: &Environment,
    store: &dyn SecretStore,
) -> Result<(String, Whoami), IdentityError> {
    let live = |session: &StoredSession| session.who.expires_at - env.now() > RENEW_MARGIN_SECS;
    let session = load(store)?.ok_or(IdentityError::NotSignedIn)?;
    if live(&session) {
        return Ok((session.access_token, session.who));
    }
    let _lock = FileLock::acquire_async(paths::lock_dir(env).join("identity.lock")).await?;
    // Another process may have renewed it while this one waited.
    let mut session = load(store)?.ok_or(IdentityError::NotSignedIn)?;
    if live(&session) {
        return Ok((session.access_token, session.who));
    }
    let refresh_token = session
        .refresh_token
        .clone()
        .ok_or(IdentityError::Expired)?;
    let answer = match renew(config, &refresh_token).await {
        Ok(answer) => answer,
        Err(e) => {
            let refused = matches!(e, IdentityError::Expired);
            crate::renewals::refreshed(
                env,
                Provider::Identity,
                issuer_name(config),
                Err((refused, e.to_string())),
            );
            return Err(e);
        }
    };
    crate::renewals::refreshed(env, Provider::Identity, issuer_name(config), Ok(()));
    session.access_token = answer.access_token;
    session.who.expires_at = env.now().saturating_add(answer.expires_in.unwrap_or(3600));
    if let Some(rotated) = answer.refresh_token {
        session.refresh_token = Some(rotated);
    }
    save(store, &session)?;
    Ok((session.access_token, session.who))
}

/// The refresh grant at the issuer's token endpoint; a refusal is the session's end.
async fn renew(config: &IdentityConfig, refresh_token: &str) -> Result<Tokens, IdentityError> {
    let doc = discover(config).await?;
    match token_client(&doc, config)?.refresh(refresh_token).await {
        Ok(answer) => Ok(answer),
        Err(TokenError::Refused(_)) => Err(IdentityError::Expired),
        // Out of reach, or a server error page: no verdict on the session.
        Err(other) => Err(IdentityError::Unavailable(other.to_string())),
    }
}

/// The name the identity's session goes by: its issuer, without a trailing slash.
pub fn issuer_name(config: &IdentityConfig) -> &str {
    config.issuer.as_str().trim_end_matches('/')
}

/// The OAuth client of the issuer's token endpoint, with the client's credentials.
fn token_client(doc: &Discovery, config: &IdentityConfig) -> Result<TokenClient, IdentityError> {
    TokenClient::new(
        &doc.token_endpoint,
        &config.client_id,
        config.client_secret.as_deref(),
        None,
    )
    .map_err(|_| IdentityError::Discovery {
        issuer: issuer_of(config),
        reason: "its token endpoint is not a URL".into(),
    })
}

fn refused(e: TokenError) -> IdentityError {
    IdentityError::Refused(e.to_string())
}

/// The issuer's keys: from the cache, or fetched (again) when the cache lacks `kid`.
/// A JWKS as fetched, with when.
#[derive(Serialize, Deserialize)]
struct CachedKeys {
    /// Epoch seconds.
    fetched_at: i64,
    keys: JwkSet,
    /// Key ids looked for and not found, with when (epoch seconds).
    #[serde(default)]
    missing: std::collections::BTreeMap<String, i64>,
}

/// Keys are trusted from the cache this long; then fetched again (an issuer rotates
/// them, and a removed key must stop verifying).
const JWKS_TTL_SECS: i64 = 24 * 3600;
/// A `kid` not in the set fetches it again (a rotation), but the same missing `kid`
/// only once in this long: tokens naming an unknown key cannot make Kumo hammer the
/// issuer.
const JWKS_REFETCH_SECS: i64 = 5 * 60;

/// The issuer's key `kid`, from the JWKS cached per `jwks_uri`.
async fn key_for(
    env: &Environment,
    doc: &Discovery,
    kid: &str,
) -> Result<jsonwebtoken::jwk::Jwk, IdentityError> {
    use sha2::Digest;
    let uri_hash = sha2::Sha256::digest(doc.jwks_uri.as_bytes());
    let cache_path = paths::cache_dir(env).join(format!(
        "identity-jwks-{}.json",
        crate::hex::hex(&uri_hash[..8])
    ));
    let cached: Option<CachedKeys> = std::fs::read(&cache_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(|c: &CachedKeys| (0..JWKS_TTL_SECS).contains(&(env.now() - c.fetched_at)));
    let unknown = || IdentityError::Untrusted(Untrusted::UnknownKey(kid.to_owned()));
    let mut missing = std::collections::BTreeMap::new();
    if let Some(cached) = cached {
        if let Some(jwk) = cached.keys.find(kid) {
            return Ok(jwk.clone());
        }
        if cached
            .missing
            .get(kid)
            .is_some_and(|at| env.now() - at < JWKS_REFETCH_SECS)
        {
            return Err(unknown());
        }
        missing = cached.missing;
        missing.retain(|_, at| env.now() - *at < JWKS_REFETCH_SECS);
    }
    let failed = |reason: &str| IdentityError::Discovery {
        issuer: doc.issuer.clone(),
        reason: reason.into(),
    };
    let response = crate::http::client()
        .get(&doc.jwks_uri)
        .send()
        .await
        .map_err(|_| failed("its JWKS cannot be reached"))?;
    let body = crate::http::capped_body(response).await.map_err(|e| {
        failed(match e {
            GetError::TooLarge => "its JWKS is larger than 16 MiB",
            _ => "its JWKS cannot be reached",
        })
    })?;
    let fetched: JwkSet =
        serde_json::from_slice(&body).map_err(|_| failed("its JWKS is not valid"))?;
    // The cache is a convenience: failing to write it costs only a fetch next time.
    let found = fetched.find(kid).cloned();
    if found.is_none() {
        missing.insert(kid.to_owned(), env.now());
    }
    let cached = CachedKeys {
        fetched_at: env.now(),
        keys: fetched,
        missing,
    };
    let _ = write_atomic(
        &cache_path,
        &serde_json::to_vec(&cached).unwrap_or_default(),
    );
    found.ok_or_else(unknown)
}

/// The `alg` a token's header names, read without trusting anything else in it.
pub fn declared_algorithm(token: &str) -> Option<String> {
    let header = crate::oauth::jwt_segment(token, 0)?;
    let alg = header["alg"].as_str()?;
    Some(
        crate::untrusted::for_terminal(alg)
            .chars()
            .take(16)
            .collect(),
    )
}

async fn verify(
    config: &IdentityConfig,
    env: &Environment,
    doc: &Discovery,
    id_token: &str,
    nonce: Option<&str>,
) -> Result<Claims, IdentityError> {
    let untrusted = IdentityError::Untrusted;
    let header = jsonwebtoken::decode_header(id_token).map_err(|e| {
        untrusted(Untrusted::Malformed(match declared_algorithm(id_token) {
            // `none` and other algorithms the decoder does not know.
            Some(alg) => format!("unsupported algorithm {alg}"),
            None => e.to_string(),
        }))
    })?;
    if !matches!(header.alg, Algorithm::RS256 | Algorithm::ES256) {
        return Err(untrusted(Untrusted::Malformed(format!(
            "unsupported algorithm {:?}",
            header.alg
        ))));
    }
    let kid = header
        .kid
        .ok_or_else(|| untrusted(Untrusted::Malformed("no kid".into())))?;
    let jwk = key_for(env, doc, &kid).await?;
    let key =
        DecodingKey::from_jwk(&jwk).map_err(|e| untrusted(Untrusted::Malformed(e.to_string())))?;
    let mut validation = Validation::new(header.alg);
    validation.leeway = LEEWAY_SECS;
    validation.set_audience(&[&config.client_id]);
    validation.set_issuer(&[issuer_of(config), format!("{}/", issuer_of(config))]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.validate_nbf = true;
    let claims = jsonwebtoken::decode::<Claims>(id_token, &key, &validation)
        .map_err(|e| {
            untrusted(match e.kind() {
                ErrorKind::InvalidSignature => Untrusted::Signature,
                ErrorKind::InvalidAudience => Untrusted::Audience,
                ErrorKind::InvalidIssuer => Untrusted::Issuer,
                ErrorKind::ExpiredSignature => Untrusted::Expired,
                ErrorKind::ImmatureSignature => Untrusted::NotYetValid,
                other => Untrusted::Malformed(format!("{other:?}")),
            })
        })?
        .claims;
    if claims
        .iat
        .is_some_and(|iat| iat > env.now() + LEEWAY_SECS as i64)
    {
        return Err(untrusted(Untrusted::IssuedInTheFuture));
    }
    // The party it was issued to, where named, must be this client; a token for several
    // audiences must name it.
    let audiences = claims.aud.as_array().map_or(1, Vec::len);
    let azp = claims.azp.as_deref();
    if azp.is_some_and(|azp| azp != config.client_id) || (audiences > 1 && azp.is_none()) {
        return Err(untrusted(Untrusted::Audience));
    }
    if !claims.email.as_deref().is_none_or(crate::untrusted::email) {
        return Err(untrusted(Untrusted::Malformed(
            "its email is not an address".into(),
        )));
    }
    // The device flow sends no nonce: its token comes straight from the token endpoint.
    if nonce.is_some_and(|nonce| claims.nonce.as_deref() != Some(nonce)) {
        return Err(untrusted(Untrusted::Nonce));
    }
    // Google sends a boolean; some issuers send "true".
    let verified = matches!(&claims.email_verified, Some(serde_json::Value::Bool(true)))
        || matches!(&claims.email_verified, Some(serde_json::Value::String(s)) if s == "true");
    if !verified {
        return Err(untrusted(Untrusted::EmailNotVerified));
    }
    if let Some(expected) = &config.hosted_domain
        && claims.hd.as_deref() != Some(expected.as_str())
    {
        return Err(untrusted(Untrusted::Domain {
            expected: expected.clone(),
            found: claims.hd.clone(),
        }));
    }
    Ok(claims)
}

/// Ensures the configured identity is there, for callers that need it.
pub fn configured<'a>(
    config: Option<&'a IdentityConfig>,
    config_path: &std::path::Path,
) -> Result<&'a IdentityConfig, IdentityError> {
    config.ok_or_else(|| IdentityError::NotConfigured(config_path.display().to_string()))
}
