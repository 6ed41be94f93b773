//! What Kumo keeps in the keychain for an org: the client registration and token set
//! (one item), and the role credentials it has fetched (one item). Both are JSON, read
//! and written whole; writers hold the org's lock.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::vault::{SecretStore, VaultError};

pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

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
    pub expires_at: i64,
    pub refresh_token: Option<String>,
}

impl Token {
    pub fn seconds_left(&self) -> i64 {
        self.expires_at - now_secs()
    }
}

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub registration: Option<Registration>,
    pub token: Option<Token>,
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
    pub fn seconds_left(&self) -> i64 {
        self.expires_at - now_secs()
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

pub fn load_credentials(
    store: &dyn SecretStore,
    org: &str,
    account_id: &str,
    role: &str,
) -> Result<Option<RoleCredentials>, VaultError> {
    let mut all: CredentialMap = read_json(store, &credentials_key(org))?;
    Ok(all.remove(&role_key(account_id, role)))
}

/// Adds credentials for one role, dropping any that have expired. Call with the org lock.
pub fn save_credentials(
    store: &dyn SecretStore,
    org: &str,
    account_id: &str,
    role: &str,
    credentials: &RoleCredentials,
) -> Result<(), VaultError> {
    let key = credentials_key(org);
    let mut all: CredentialMap = read_json(store, &key)?;
    all.retain(|_, c| c.seconds_left() > 0);
    all.insert(role_key(account_id, role), credentials.clone());
    write_json(store, &key, &all)
}

/// Removes everything Kumo keeps for the org.
pub fn forget(store: &dyn SecretStore, org: &str) -> Result<(), VaultError> {
    store.delete(&session_key(org))?;
    store.delete(&credentials_key(org))
}

#[cfg(test)]
mod tests {
    use super::*;
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
                expires_at: 1,
                refresh_token: Some("refresh-token".into()),
            }),
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
        let later = now_secs() + 3600;
        save_credentials(&store, "acme", "1", "Old", &creds(now_secs() - 1)).unwrap();
        save_credentials(&store, "acme", "1", "Admin", &creds(later)).unwrap();
        save_credentials(&store, "acme", "2", "Admin", &creds(later)).unwrap();
        assert_eq!(store.keys(), vec!["aws/acme/credentials"]);
        assert_eq!(load_credentials(&store, "acme", "1", "Old").unwrap(), None);
        assert_eq!(
            load_credentials(&store, "acme", "2", "Admin").unwrap(),
            Some(creds(later))
        );
    }

    #[test]
    fn forget_removes_session_and_credentials() {
        let store = MemoryStore::new();
        save_session(&store, "acme", &Session::default()).unwrap();
        save_credentials(&store, "acme", "1", "Admin", &creds(now_secs() + 60)).unwrap();
        forget(&store, "acme").unwrap();
        assert!(store.keys().is_empty());
    }

    #[test]
    fn an_unreadable_item_counts_as_no_session() {
        let store = MemoryStore::new();
        store.put("aws/acme/session", b"not json").unwrap();
        assert_eq!(load_session(&store, "acme").unwrap(), Session::default());
    }
}
