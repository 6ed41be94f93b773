//! What Kumo keeps in the keychain for an org: the client registration and token set
//! (one item), and the role credentials it has fetched (one item). Both are JSON, read
//! and written whole; writers hold the org's lock.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::aws::credentials::RENEW_MARGIN_SECS;
use crate::vault::{KernelKeyring, SecretStore, VaultError};

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    pub client_id: String,
    pub client_secret: String,
    /// Epoch seconds.
    pub expires_at: i64,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    pub access_token: String,
    /// Epoch seconds.
    pub issued_at: i64,
    /// Epoch seconds.
    pub expires_at: i64,
    pub refresh_token: Option<String>,
}

/// Tokens are refreshed when under 15 minutes remain…
const REFRESH_MARGIN_SECS: i64 = 15 * 60;

impl Token {
    pub fn seconds_left(&self, now: i64) -> i64 {
        self.expires_at - now
    }

    /// Whether the token is due for renewal: under 15 minutes left, or under half its
    /// lifetime for tokens issued for less than 30 minutes (else each use would renew it).
    pub fn needs_refresh(&self, now: i64) -> bool {
        let lifetime = self.expires_at - self.issued_at;
        self.seconds_left(now) < REFRESH_MARGIN_SECS.min(lifetime / 2)
    }
}

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub registration: Option<Registration>,
    pub token: Option<Token>,
    /// The Identity Center user the token belongs to, once learnt.
    #[serde(default)]
    pub principal: Option<String>,
    /// The person asked for the AWS CLI's SSO token cache: it is rewritten at each
    /// renewal and removed at sign-out.
    #[serde(default)]
    pub sso_cache: bool,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    /// Epoch seconds.
    pub expires_at: i64,
}

impl RoleCredentials {
    pub fn seconds_left(&self, now: i64) -> i64 {
        self.expires_at - now
    }
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("registration", &self.registration)
            .field("token", &self.token)
            .finish()
    }
}

impl fmt::Debug for RoleCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoleCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"[redacted]")
            .field("session_token", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

fn session_key(org: &str) -> String {
    format!("aws/{org}/session")
}

fn credentials_key(org: &str) -> String {
    format!("aws/{org}/credentials")
}

fn role_key(account_id: &str, role: &str) -> String {
    format!("{account_id}/{role}")
}

fn read_json<T: for<'de> Deserialize<'de> + Default>(
    store: &dyn SecretStore,
    key: &str,
) -> Result<T, VaultError> {
    match store.get(key)? {
        None => Ok(T::default()),
        // An item Kumo cannot read is treated as absent: it is rewritten on the next save.
        Some(secret) => Ok(serde_json::from_slice(secret.expose()).unwrap_or_else(|_| {
            tracing::warn!(key, "ignoring an unreadable keychain item");
            T::default()
        })),
    }
}

fn write_json<T: Serialize>(
    store: &dyn SecretStore,
    key: &str,
    value: &T,
) -> Result<(), VaultError> {
    let bytes =
        zeroize::Zeroizing::new(serde_json::to_vec(value).map_err(|e| VaultError::Refused {
            key: key.to_owned(),
            reason: e.to_string(),
        })?);
    store.put(key, &bytes)
}

pub fn load_session(store: &dyn SecretStore, org: &str) -> Result<Session, VaultError> {
    read_json(store, &session_key(org))
}

pub fn save_session(
    store: &dyn SecretStore,
    org: &str,
    session: &Session,
) -> Result<(), VaultError> {
    write_json(store, &session_key(org), session)
}

type CredentialMap = BTreeMap<String, RoleCredentials>;

/// The role's stored credentials: from the kernel keyring when it holds them, else from
/// the keychain (and then remembered in the kernel keyring for the next caller).
pub fn load_credentials(
    store: &dyn SecretStore,
    org: &str,
    account_id: &str,
    role: &str,
    now: i64,
) -> Result<Option<RoleCredentials>, VaultError> {
    let kernel = store.kernel_keyring();
    let role_key = role_key(account_id, role);
    let kernel_name = kernel_name(org, &role_key);
    if let Some(cached) = kernel.and_then(|k| k.get(&kernel_name))
        && let Ok(credentials) = serde_json::from_slice::<RoleCredentials>(cached.expose())
    {
        return Ok(Some(credentials));
    }
    let mut all: CredentialMap = read_json(store, &credentials_key(org))?;
    let found = all.remove(&role_key);
    if let (Some(kernel), Some(credentials)) = (kernel, &found) {
        remember(kernel, &kernel_name, credentials, now);
    }
    Ok(found)
}

/// Adds credentials for one role, dropping any that have expired. Call with the org lock.
pub fn save_credentials(
    store: &dyn SecretStore,
    org: &str,
    account_id: &str,
    role: &str,
    credentials: &RoleCredentials,
    now: i64,
) -> Result<(), VaultError> {
    let key = credentials_key(org);
    let mut all: CredentialMap = read_json(store, &key)?;
    all.retain(|_, c| c.seconds_left(now) > 0);
    let role_key = role_key(account_id, role);
    all.insert(role_key.clone(), credentials.clone());
    write_json(store, &key, &all)?;
    if let Some(kernel) = store.kernel_keyring() {
        remember(kernel, &kernel_name(org, &role_key), credentials, now);
    }
    Ok(())
}

/// Drops the kernel keyring's copy of a role's credentials: a privileged role's are not
/// to outlive its elevation there.
pub fn drop_kernel_copy(store: &dyn SecretStore, org: &str, account_id: &str, role: &str) {
    if let Some(kernel) = store.kernel_keyring() {
        kernel.remove(&kernel_name(org, &role_key(account_id, role)));
    }
}

/// The longest a kernel-cached copy lives: it bounds how long a `kumo logout` run in
/// another login session leaves this session's copies usable.
const KERNEL_TTL_SECS: i64 = 10 * 60;

/// Caches credentials in the kernel keyring until they are due for renewal, or for
/// `KERNEL_TTL_SECS` if that is sooner: a cached copy is never one Kumo would not use.
fn remember(kernel: &KernelKeyring, name: &str, credentials: &RoleCredentials, now: i64) {
    let ttl = (credentials.seconds_left(now) - RENEW_MARGIN_SECS).min(KERNEL_TTL_SECS);
    if ttl <= 0 {
        return;
    }
    if let Ok(bytes) = serde_json::to_vec(credentials) {
        let bytes = zeroize::Zeroizing::new(bytes);
        kernel.put(name, &bytes, Duration::from_secs(ttl as u64));
    }
}

fn kernel_name(org: &str, role_key: &str) -> String {
    format!("aws/{org}/credentials/{role_key}")
}

/// Removes everything Kumo keeps for the org.
pub fn forget(store: &dyn SecretStore, org: &str) -> Result<(), VaultError> {
    drop_credentials(store, org)?;
    store.delete(&session_key(org))
}

/// Removes the org's role credentials, keychain and kernel copies alike: at sign-out,
/// and at every new sign-in, which may be to another Identity Center or as another
/// person, whose credentials these are not.
pub fn drop_credentials(store: &dyn SecretStore, org: &str) -> Result<(), VaultError> {
    if let Some(kernel) = store.kernel_keyring() {
        // Every role with a kernel copy is in the keychain's map: copies are made from it
        // or with it, and expire before their entry is pruned.
        let all: CredentialMap = read_json(store, &credentials_key(org))?;
        for role in all.keys() {
            kernel.remove(&kernel_name(org, role));
        }
    }
    store.delete(&credentials_key(org))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;
    use crate::vault::MemoryStore;

    fn creds(expires_at: i64) -> RoleCredentials {
        RoleCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "secret-key".into(),
            session_token: "session-token".into(),
            expires_at,
        }
    }

    #[test]
    fn debug_output_redacts_every_secret() {
        let session = Session {
            registration: Some(Registration {
                client_id: "cid".into(),
                client_secret: "client-secret".into(),
                expires_at: 1,
            }),
            token: Some(Token {
                access_token: "access-token".into(),
                issued_at: 0,
                expires_at: 1,
                refresh_token: Some("refresh-token".into()),
            }),
            principal: Some("dev@acme.com".into()),
            sso_cache: false,
        };
        let text = format!("{session:?} {:?}", creds(1));
        for secret in [
            "client-secret",
            "access-token",
            "refresh-token",
            "secret-key",
            "session-token",
        ] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
    }

    #[test]
    fn credentials_of_several_roles_share_one_item_and_expired_ones_go() {
        let store = MemoryStore::new();
        let later = NOW + 3600;
        save_credentials(&store, "acme", "1", "Old", &creds(NOW - 1), NOW).unwrap();
        save_credentials(&store, "acme", "1", "Admin", &creds(later), NOW).unwrap();
        save_credentials(&store, "acme", "2", "Admin", &creds(later), NOW).unwrap();
        assert_eq!(store.keys(), vec!["aws/acme/credentials"]);
        assert_eq!(
            load_credentials(&store, "acme", "1", "Old", NOW).unwrap(),
            None
        );
        assert_eq!(
            load_credentials(&store, "acme", "2", "Admin", NOW).unwrap(),
            Some(creds(later))
        );
    }

    #[test]
    fn forget_removes_session_and_credentials() {
        let store = MemoryStore::new();
        save_session(&store, "acme", &Session::default()).unwrap();
        save_credentials(&store, "acme", "1", "Admin", &creds(NOW + 60), NOW).unwrap();
        forget(&store, "acme").unwrap();
        assert!(store.keys().is_empty());
    }

    fn token(issued_ago: i64, lifetime: i64) -> Token {
        Token {
            access_token: String::new(),
            issued_at: NOW - issued_ago,
            expires_at: NOW - issued_ago + lifetime,
            refresh_token: None,
        }
    }

    #[test]
    fn an_hour_token_is_refreshed_in_its_last_fifteen_minutes() {
        assert!(!token(44 * 60, 3600).needs_refresh(NOW));
        assert!(token(46 * 60, 3600).needs_refresh(NOW));
    }

    #[test]
    fn a_short_token_is_refreshed_in_the_second_half_of_its_life() {
        assert!(!token(0, 600).needs_refresh(NOW));
        assert!(!token(290, 600).needs_refresh(NOW));
        assert!(token(310, 600).needs_refresh(NOW));
    }

    #[test]
    fn an_unreadable_item_counts_as_no_session() {
        let store = MemoryStore::new();
        store.put("aws/acme/session", b"not json").unwrap();
        assert_eq!(load_session(&store, "acme").unwrap(), Session::default());
    }
}
