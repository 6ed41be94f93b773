//! Azure: Microsoft Entra ID sign-in per configured tenant (authorization code + PKCE
//! through the browser, with the identity's email as `login_hint` so the federated
//! Google session carries through), and the tenant's subscriptions from Azure Resource
//! Manager, cached like the other clouds' listings.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::cache::{self, CacheError};
use crate::config::AzureTenantConfig;
use crate::environment::Environment;
use crate::http::{GetError, get_json};
use crate::lock::FileLock;
use crate::loopback::LoopbackError;
use crate::oauth::{
    BROWSER_TIMEOUT, BrowserAuthorization, Person, TokenClient, TokenError, Tokens,
};
use crate::paths;
use crate::sessions::Provider;
use crate::untrusted;
use crate::vault::{SecretStore, VaultError};

const DEFAULT_LOGIN: &str = "https://login.microsoftonline.com";
const DEFAULT_MANAGEMENT: &str = "https://management.azure.com";
/// ARM's, a refresh token, and an ID token naming who signed in (`openid profile`).
const SCOPE: &str = "https://management.azure.com/.default openid profile offline_access";
const API_VERSION: &str = "2022-12-01";
/// Access tokens with less left than this are renewed before use.
pub const RENEW_MARGIN_SECS: i64 = 5 * 60;
/// More pages than any real tenant has: a `nextLink` loop ends here.
const MAX_PAGES: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum AzureError {
    #[error("not signed in to Azure tenant `{0}`")]
    NotSignedIn(String),
    #[error("the Azure session for `{0}` has expired or was revoked")]
    Expired(String),
    #[error(
        "Microsoft Entra refused the sign-in to `{tenant}` ({reason}); check the tenant and client_id in the config"
    )]
    Refused { tenant: String, reason: String },
    /// A renewal that did not reach a verdict: the session itself may well be fine.
    #[error(
        "Microsoft Entra cannot renew the session of `{tenant}` now ({reason}); Kumo tries again"
    )]
    Unavailable { tenant: String, reason: String },
    #[error("browser sign-in failed: {0}")]
    Loopback(#[from] LoopbackError),
    #[error("listing Azure subscriptions of `{tenant}` failed: {reason}")]
    Listing { tenant: String, reason: String },
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Cache(#[from] CacheError),
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
}

/// A subscription of a tenant, as `kumo ls` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub id: String,
    pub name: String,
    pub tenant: String,
    /// The tenant's display name from ARM, when it lists the tenant.
    #[serde(default)]
    pub tenant_name: String,
    /// The subscription's tags (ARM's `tags`), searchable like its name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

impl Subscription {
    /// The subscription as far as it is well-formed: an id that is not a GUID drops it,
    /// a name that is not printable becomes the id, unprintable tags are left out.
    pub fn checked(mut self, source: &str) -> Option<Self> {
        if !untrusted::keep_id(
            untrusted::azure_subscription_id,
            "the subscription id",
            source,
            &self.id,
        ) {
            return None;
        }
        untrusted::keep_name(&mut self.name, &self.id, "the subscription name", source);
        untrusted::keep_name(&mut self.tenant_name, "", "the tenant name", source);
        untrusted::retain_printable(&mut self.tags, source);
        Some(self)
    }
}

#[derive(Serialize, Deserialize)]
struct StoredSession {
    access_token: String,
    expires_at: i64,
    refresh_token: Option<String>,
    /// Who signed in: the ID token's `preferred_username`, from the sign-in.
    #[serde(default)]
    principal: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ArmPage<T> {
    #[serde(default = "Vec::new")]
    value: Vec<T>,
    next_link: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ArmTenant {
    tenant_id: String,
    display_name: Option<String>,
    default_domain: Option<String>,
    #[serde(default)]
    domains: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ArmSubscription {
    subscription_id: String,
    display_name: Option<String>,
    state: Option<String>,
    /// Absent or null when the subscription has none.
    #[serde(default)]
    tags: Option<BTreeMap<String, String>>,
}

fn session_key(tenant: &str) -> String {
    format!("azure/{tenant}/session")
}

fn login_base(config: &AzureTenantConfig) -> String {
    config
        .login_endpoint
        .as_ref()
        .map_or(DEFAULT_LOGIN, |e| e.as_str())
        .trim_end_matches('/')
        .to_owned()
}

fn management_base(config: &AzureTenantConfig) -> String {
    config
        .management_endpoint
        .as_ref()
        .map_or(DEFAULT_MANAGEMENT, |e| e.as_str())
        .trim_end_matches('/')
        .to_owned()
}

/// The sign-in's parameters beyond the code flow's own: `login_hint` is the identity's
/// email and `domain_hint` its domain, so Entra goes straight to the federated (Google)
/// sign-in for that account.
fn authorize_params(email: Option<&str>) -> Vec<(&'static str, &str)> {
    let mut params = vec![("response_mode", "query"), ("scope", SCOPE)];
    if let Some(email) = email {
        params.push(("login_hint", email));
        if let Some((_, domain)) = email.rsplit_once('@') {
            params.push(("domain_hint", domain));
        }
    }
    params
}

/// `kumo login` for a tenant: the browser sign-in, then the session into the keychain.
pub async fn sign_in(
    config: &AzureTenantConfig,
    email: Option<&str>,
    device: bool,
    env: &Environment,
    store: &dyn SecretStore,
    person: &Person<'_>,
) -> Result<(), AzureError> {
    let what = format!("sign in to Azure ({})", config.tenant);
    let answer = if device {
        // Entra's device flow takes no hint: the person picks the account on the page.
        let endpoint = format!(
            "{}/{}/oauth2/v2.0/devicecode",
            login_base(config),
            config.tenant
        );
        token_client(config)?
            .device(
                &endpoint,
                &SCOPE.split(' ').collect::<Vec<_>>(),
                person,
                &what,
            )
            .await
    } else {
        let endpoint = Url::parse(&format!(
            "{}/{}/oauth2/v2.0/authorize",
            login_base(config),
            config.tenant
        ))
        .map_err(|e| refused(config, format!("its sign-in endpoint is not a URL ({e})")))?;
        let authorization = BrowserAuthorization::start().await?;
        let url = authorization.url(endpoint, &config.client_id, &authorize_params(email));
        person.show(url.as_str(), &what);
        let authorized = authorization.finish(BROWSER_TIMEOUT).await?;
        token_client(config)?.exchange(authorized).await
    }
    .map_err(|e| refused(config, reason(e)))?;
    save(config, store, answer, env.now(), None)
}

/// A live ARM access token for the tenant: the stored one, or one renewed with the
/// (rotating) refresh token when under five minutes remain, under the tenant's
/// cross-process lock so the app and the CLI never both spend the same refresh token.
pub async fn access_token(
    config: &AzureTenantConfig,
    env: &Environment,
    store: &dyn SecretStore,
) -> Result<String, AzureError> {
    let tenant = config.tenant.to_string();
    let live = |session: &StoredSession| session.expires_at - env.now() > RENEW_MARGIN_SECS;
    let session = load(config, store)?.ok_or_else(|| AzureError::NotSignedIn(tenant.clone()))?;
    if live(&session) {
        return Ok(session.access_token);
    }
    let lock = paths::lock_dir(env).join(format!("azure-{tenant}.lock"));
    let _lock = FileLock::acquire_async(lock).await?;
    // Another process may have renewed it while this one waited.
    let session = load(config, store)?.ok_or_else(|| AzureError::NotSignedIn(tenant.clone()))?;
    if live(&session) {
        return Ok(session.access_token);
    }
    let refresh_token = session
        .refresh_token
        .ok_or_else(|| AzureError::Expired(tenant.clone()))?;
    let answer = match token_client(config)?.refresh(&refresh_token).await {
        Ok(answer) => answer,
        Err(e) => {
            let (refused_it, e) = match e {
                TokenError::Refused(_) => (true, AzureError::Expired(tenant.clone())),
                // Out of reach, or a server error page: no verdict on the session.
                other => (
                    false,
                    AzureError::Unavailable {
                        tenant: tenant.clone(),
                        reason: reason(other),
                    },
                ),
            };
            crate::renewals::refreshed(
                env,
                Provider::Azure,
                &tenant,
                Err((refused_it, e.to_string())),
            );
            return Err(e);
        }
    };
    crate::renewals::refreshed(env, Provider::Azure, &tenant, Ok(()));
    let token = answer.access_token.clone();
    save(config, store, answer, env.now(), session.principal)?;
    Ok(token)
}

/// Who signed in (where the ID token said), the access token's end and whether a
/// refresh token renews it; `None` when not signed in.
pub fn session_facts(
    config: &AzureTenantConfig,
    store: &dyn SecretStore,
) -> Result<Option<(Option<String>, i64, bool)>, AzureError> {
    Ok(load(config, store)?.map(|s| (s.principal, s.expires_at, s.refresh_token.is_some())))
}

/// When the stored session ends, for status displays; `None` when not signed in.
pub fn session_expiry(
    config: &AzureTenantConfig,
    store: &dyn SecretStore,
) -> Result<Option<i64>, AzureError> {
    Ok(load(config, store)?.map(|s| s.expires_at))
}

pub fn sign_out(config: &AzureTenantConfig, store: &dyn SecretStore) -> Result<(), VaultError> {
    store.delete(&session_key(config.tenant.as_str()))
}

fn load(
    config: &AzureTenantConfig,
    store: &dyn SecretStore,
) -> Result<Option<StoredSession>, VaultError> {
    Ok(store
        .get(&session_key(config.tenant.as_str()))?
        .and_then(|s| serde_json::from_slice(s.expose()).ok()))
}

fn save(
    config: &AzureTenantConfig,
    store: &dyn SecretStore,
    answer: Tokens,
    now: i64,
    previous_principal: Option<String>,
) -> Result<(), AzureError> {
    let session = StoredSession {
        principal: answer
            .id_token
            .as_deref()
            .and_then(principal_of)
            .or(previous_principal),
        access_token: answer.access_token,
        expires_at: now.saturating_add(answer.expires_in.unwrap_or(3600)),
        refresh_token: answer.refresh_token,
    };
    let bytes =
        zeroize::Zeroizing::new(serde_json::to_vec(&session).expect("the session serializes"));
    store.put(&session_key(config.tenant.as_str()), &bytes)?;
    Ok(())
}

/// Who an ID token names: its `preferred_username` (else `email`). Its signature is not
/// checked: it comes straight from the token endpoint over TLS, which OpenID Connect
/// accepts for the code flow; what it says is still checked to be a short, printable
/// name before it is kept.
fn principal_of(id_token: &str) -> Option<String> {
    let claims = crate::oauth::jwt_segment(id_token, 1)?;
    let name = claims["preferred_username"]
        .as_str()
        .or(claims["email"].as_str())?;
    (!name.is_empty() && untrusted::name(name)).then(|| name.to_owned())
}

/// Who the tenant's session signed in, when its ID token said.
pub fn principal(
    config: &AzureTenantConfig,
    store: &dyn SecretStore,
) -> Result<Option<String>, AzureError> {
    Ok(load(config, store)?.and_then(|s| s.principal))
}

/// The tenant's token endpoint, as a public client.
fn token_client(config: &AzureTenantConfig) -> Result<TokenClient, AzureError> {
    let url = format!("{}/{}/oauth2/v2.0/token", login_base(config), config.tenant);
    TokenClient::new(&url, &config.client_id, None, Some(SCOPE))
        .map_err(|_| refused(config, "its token endpoint is not a URL".into()))
}

fn refused(config: &AzureTenantConfig, reason: String) -> AzureError {
    AzureError::Refused {
        tenant: config.tenant.to_string(),
        reason,
    }
}

fn reason(e: TokenError) -> String {
    match e {
        TokenError::Unreachable => "the sign-in service cannot be reached".into(),
        other => other.to_string(),
    }
}

/// Every page of an ARM list, following `nextLink` only while it stays on the endpoint
/// the config names: the bearer token never goes to another host.
async fn list_all<T: serde::de::DeserializeOwned>(
    config: &AzureTenantConfig,
    token: &str,
    path: &str,
) -> Result<Vec<T>, AzureError> {
    let base = management_base(config);
    let failed = |reason: String| AzureError::Listing {
        tenant: config.tenant.to_string(),
        reason,
    };
    let mut items = Vec::new();
    let mut next = Some(format!("{base}{path}?api-version={API_VERSION}"));
    let mut pages = 0;
    while let Some(url) = next.take() {
        if let Err(e) = crate::untrusted::server_url(&url) {
            return Err(failed(format!("a nextLink that is refused: {e}")));
        }
        if !same_origin(&url, &base) {
            return Err(failed(format!("a nextLink to another host ({url})")));
        }
        pages += 1;
        if pages > MAX_PAGES {
            return Err(failed("nextLink never ends".into()));
        }
        let page: ArmPage<T> = get_json(&url, token).await.map_err(|e| match e {
            GetError::Status(401) => AzureError::Expired(config.tenant.to_string()),
            GetError::Unreachable => failed("Azure Resource Manager cannot be reached".into()),
            other => failed(other.to_string()),
        })?;
        items.extend(page.value);
        next = page.next_link.filter(|l| !l.is_empty());
    }
    Ok(items)
}

fn same_origin(url: &str, base: &str) -> bool {
    match (Url::parse(url), Url::parse(base)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

/// The tenant's subscriptions (those not disabled or deleted), with its display name.
pub async fn list_subscriptions(
    config: &AzureTenantConfig,
    env: &Environment,
    store: &dyn SecretStore,
) -> Result<Vec<Subscription>, AzureError> {
    let token = access_token(config, env, store).await?;
    let tenants: Vec<ArmTenant> = list_all(config, &token, "/tenants").await?;
    let configured = config.tenant.as_str();
    let tenant_name = tenants
        .iter()
        .find(|t| {
            t.tenant_id.eq_ignore_ascii_case(configured)
                || t.default_domain
                    .as_deref()
                    .is_some_and(|d| d.eq_ignore_ascii_case(configured))
                || t.domains.iter().any(|d| d.eq_ignore_ascii_case(configured))
        })
        .and_then(|t| t.display_name.clone())
        .unwrap_or_default();
    let subscriptions: Vec<ArmSubscription> = list_all(config, &token, "/subscriptions").await?;
    Ok(usable_subscriptions(
        subscriptions,
        configured,
        &tenant_name,
    ))
}

/// The subscriptions of an ARM listing a person can open: not disabled or deleted, and
/// well-formed.
fn usable_subscriptions(
    subscriptions: Vec<ArmSubscription>,
    configured: &str,
    tenant_name: &str,
) -> Vec<Subscription> {
    let source = format!("Azure tenant `{configured}`");
    subscriptions
        .into_iter()
        .filter(|s| {
            s.state
                .as_deref()
                .is_none_or(|state| !matches!(state, "Disabled" | "Deleted"))
        })
        .filter_map(|s| {
            Subscription {
                name: s.display_name.unwrap_or_else(|| s.subscription_id.clone()),
                id: s.subscription_id,
                tenant: configured.to_owned(),
                tenant_name: tenant_name.to_owned(),
                tags: s.tags.unwrap_or_default(),
            }
            .checked(&source)
        })
        .collect()
}

/// One ARM page of subscriptions as the listing takes it, for the fuzz target: `None`
/// when it is not such a page.
pub fn subscriptions_page(body: &[u8]) -> Option<(Vec<Subscription>, Option<String>)> {
    let page: ArmPage<ArmSubscription> = serde_json::from_slice(body).ok()?;
    let next = page.next_link.filter(|l| !l.is_empty());
    Some((usable_subscriptions(page.value, "tenant", ""), next))
}

/// Lists the tenant's subscriptions again and saves them as its cache. A session the
/// service refused is forgotten, so the next caller signs in afresh.
pub async fn relist(
    config: &AzureTenantConfig,
    store: &dyn SecretStore,
    env: &Environment,
) -> Result<Vec<Subscription>, AzureError> {
    let listed = list_subscriptions(config, env, store).await;
    if matches!(listed, Err(AzureError::Expired(_))) {
        sign_out(config, store)?;
    }
    let subscriptions = listed?;
    cache::write(&cache_path(env, config), &subscriptions)?;
    Ok(subscriptions)
}

fn cache_path(env: &Environment, config: &AzureTenantConfig) -> PathBuf {
    let tenant = config.tenant.as_str().to_ascii_lowercase();
    cache::file(env, &format!("azure-{tenant}.json"))
}

/// The tenant's cached subscriptions; `None` when there are none to be read.
pub fn load_cache(env: &Environment, config: &AzureTenantConfig) -> Option<Vec<Subscription>> {
    let path = cache_path(env, config);
    let subscriptions: Vec<Subscription> = cache::read(&path).ok().flatten()?;
    let source = path.display().to_string();
    Some(
        subscriptions
            .into_iter()
            .filter_map(|s| s.checked(&source))
            .collect(),
    )
}

/// The Azure portal at the subscription, in the tenant's directory.
pub fn portal_url(tenant: &str, subscription_id: &str) -> String {
    format!("https://portal.azure.com/#@{tenant}/resource/subscriptions/{subscription_id}/overview")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_portal_url_opens_the_subscription_in_its_tenant() {
        assert_eq!(
            portal_url("acme.onmicrosoft.com", "0000-1111"),
            "https://portal.azure.com/#@acme.onmicrosoft.com/resource/subscriptions/0000-1111/overview"
        );
    }

    #[test]
    fn the_sign_in_hints_the_identitys_account_and_domain() {
        assert_eq!(
            authorize_params(Some("dev@acme.com")),
            [
                ("response_mode", "query"),
                ("scope", SCOPE),
                ("login_hint", "dev@acme.com"),
                ("domain_hint", "acme.com")
            ]
        );
    }

    #[test]
    fn an_id_token_names_who_signed_in() {
        use base64::Engine;
        let part = |v: serde_json::Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
        };
        let token = |claims| {
            format!(
                "{}.{}.sig",
                part(serde_json::json!({"alg": "RS256"})),
                part(claims)
            )
        };
        assert_eq!(
            principal_of(&token(
                serde_json::json!({"preferred_username": "dev@acme.com"})
            )),
            Some("dev@acme.com".into())
        );
        assert_eq!(
            principal_of(&token(serde_json::json!({"preferred_username": "a\nb"}))),
            None
        );
        assert_eq!(principal_of("not a token"), None);
    }

    #[test]
    fn a_next_link_to_another_host_is_not_followed() {
        assert!(same_origin(
            "https://management.azure.com/subscriptions?x=1",
            DEFAULT_MANAGEMENT
        ));
        assert!(!same_origin(
            "https://evil.example/subscriptions",
            DEFAULT_MANAGEMENT
        ));
        assert!(!same_origin(
            "http://management.azure.com/subscriptions",
            DEFAULT_MANAGEMENT
        ));
    }
}
