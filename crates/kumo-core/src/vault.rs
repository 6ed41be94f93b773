//! Secret storage: the OS keychain behind a small trait, and an in-memory twin for tests.
//!
//! Secrets are stored as bytes under a key within Kumo's service name. Nothing in this
//! module writes a secret anywhere else, and no error message carries a secret value.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use zeroize::Zeroizing;

use crate::blocking::off_worker;

mod kernel_keyring;
mod lock_state;
/// The real OS keychain, read back with `secret-tool`: needs the test command's session.
#[cfg(test)]
mod real_keychain_tests;
pub use kernel_keyring::KernelKeyring;
pub use lock_state::{KeychainState, SECRET_SERVICE_PACKAGES};

/// The keychain service name Kumo's items live under.
pub const SERVICE: &str = "kumo";

/// Windows Credential Manager refuses blobs over 2,560 bytes; chunks of 2,000 leave room.
pub const WINDOWS_CHUNK_BYTES: usize = 2000;

/// Secret bytes that are wiped from memory on drop and never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret([redacted; {} bytes])", self.0.len())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("the OS keychain is not reachable ({0})")]
    Unavailable(String),
    #[error("the keychain refused the item `{key}` ({reason})")]
    Refused { key: String, reason: String },
    #[error("the keychain item `{key}` is damaged ({reason})")]
    Corrupt { key: String, reason: String },
}

/// Where secrets live. Implementations must be safe to share across threads.
pub trait SecretStore: Send + Sync {
    fn put(&self, key: &str, secret: &[u8]) -> Result<(), VaultError>;
    /// `Ok(None)` when no item exists under `key`.
    fn get(&self, key: &str) -> Result<Option<Secret>, VaultError>;
    /// Removes the item; removing an absent item succeeds.
    fn delete(&self, key: &str) -> Result<(), VaultError>;
    /// What the store is, for people: "Secret Service", "macOS Keychain", …
    fn describe(&self) -> String;
    /// The in-memory cache in front of this store for short-lived secrets, if it has one.
    fn kernel_keyring(&self) -> Option<&KernelKeyring> {
        None
    }
    /// Whether the store can be used now without prompting anyone.
    fn state(&self) -> KeychainState {
        KeychainState::Ready
    }
    /// Asks the person to unlock the store, with the OS's own prompt.
    fn unlock(&self) -> Result<(), VaultError> {
        Ok(())
    }
}

/// The OS keychain for this platform, as Kumo uses it.
pub fn os_store(service: &str) -> Box<dyn SecretStore> {
    let store = KeyringStore::new(service);
    if cfg!(windows) {
        Box::new(Chunked::new(store, WINDOWS_CHUNK_BYTES))
    } else {
        Box::new(store)
    }
}

/// The keychain a process uses: under `KUMO_KEYCHAIN_SERVICE` when set (tests and demos
/// keep their items apart from the user's this way), else Kumo's own service name.
pub fn store_for(env: &crate::environment::Environment) -> Box<dyn SecretStore> {
    os_store(env.get("KUMO_KEYCHAIN_SERVICE").unwrap_or(SERVICE))
}

/// The platform keychain through the `keyring` crate: the Secret Service (persistent)
/// on Linux, the Keychain on macOS, Credential Manager on Windows.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
    kernel: KernelKeyring,
}

impl KeyringStore {
    pub fn new(service: &str) -> Self {
        Self {
            service: service.to_owned(),
            kernel: KernelKeyring::new(service),
        }
    }

    fn entry(&self, key: &str) -> Result<keyring::Entry, VaultError> {
        keyring::Entry::new(&self.service, key).map_err(|e| map_keyring_error(key, e))
    }
}

impl SecretStore for KeyringStore {
    fn put(&self, key: &str, secret: &[u8]) -> Result<(), VaultError> {
        let entry = self.entry(key)?;
        off_worker(|| entry.set_secret(secret)).map_err(|e| map_keyring_error(key, e))
    }

    fn get(&self, key: &str) -> Result<Option<Secret>, VaultError> {
        let entry = self.entry(key)?;
        match off_worker(|| entry.get_secret()) {
            Ok(bytes) => Ok(Some(Secret::new(bytes))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring_error(key, e)),
        }
    }

    fn delete(&self, key: &str) -> Result<(), VaultError> {
        let entry = self.entry(key)?;
        match off_worker(|| entry.delete_credential()) {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring_error(key, e)),
        }
    }

    fn describe(&self) -> String {
        let backend = if cfg!(target_os = "macos") {
            "macOS Keychain"
        } else if cfg!(windows) {
            "Windows Credential Manager"
        } else {
            "Secret Service"
        };
        format!("{backend} (service `{}`)", self.service)
    }

    fn kernel_keyring(&self) -> Option<&KernelKeyring> {
        Some(&self.kernel)
    }

    /// The Secret Service can be locked; the macOS Keychain and Credential Manager open
    /// with the person's login.
    fn state(&self) -> KeychainState {
        #[cfg(target_os = "linux")]
        return lock_state::secret_service_state();
        #[cfg(not(target_os = "linux"))]
        KeychainState::Ready
    }

    fn unlock(&self) -> Result<(), VaultError> {
        #[cfg(target_os = "linux")]
        return lock_state::unlock_secret_service();
        #[cfg(not(target_os = "linux"))]
        Ok(())
    }
}

/// Keyring errors, with their text reduced to what is safe to show: `BadEncoding`
/// carries the stored bytes, so it is never formatted.
fn map_keyring_error(key: &str, error: keyring::Error) -> VaultError {
    use keyring::Error as K;
    match error {
        K::NoStorageAccess(e) | K::PlatformFailure(e) => VaultError::Unavailable(e.to_string()),
        K::BadEncoding(_) => VaultError::Corrupt {
            key: key.to_owned(),
            reason: "not in the expected encoding".into(),
        },
        K::TooLong(attr, limit) => VaultError::Refused {
            key: key.to_owned(),
            reason: format!("{attr} is longer than {limit}"),
        },
        K::Invalid(attr, reason) => VaultError::Refused {
            key: key.to_owned(),
            reason: format!("{attr}: {reason}"),
        },
        K::Ambiguous(_) => VaultError::Corrupt {
            key: key.to_owned(),
            reason: "several items match".into(),
        },
        other => VaultError::Refused {
            key: key.to_owned(),
            reason: other.to_string(),
        },
    }
}

/// Splits values larger than `limit` bytes over several items of the inner store, for
/// keychains that cap an item's size (Windows Credential Manager).
///
/// The item under `key` holds a one-byte tag: `0` followed by the value itself, or `1`
/// followed by the chunk count (u32, little-endian) with chunk `i` under `key#i`.
#[derive(Debug)]
pub struct Chunked<S> {
    inner: S,
    limit: usize,
}

const INLINE: u8 = 0;
const CHUNKED: u8 = 1;

impl<S: SecretStore> Chunked<S> {
    pub fn new(inner: S, limit: usize) -> Self {
        assert!(limit > 5, "a chunk must hold more than its header");
        Self { inner, limit }
    }

    fn chunk_key(key: &str, index: u32) -> String {
        format!("{key}#{index}")
    }

    fn chunk_count(&self, key: &str) -> Result<u32, VaultError> {
        match self.inner.get(key)? {
            Some(head) => match head.expose() {
                [CHUNKED, count @ ..] => count
                    .try_into()
                    .map(u32::from_le_bytes)
                    .map_err(|_| corrupt(key, "bad chunk header")),
                _ => Ok(0),
            },
            None => Ok(0),
        }
    }

    fn delete_chunks(&self, key: &str, from: u32, to: u32) -> Result<(), VaultError> {
        (from..to).try_for_each(|i| self.inner.delete(&Self::chunk_key(key, i)))
    }
}

fn corrupt(key: &str, reason: &str) -> VaultError {
    VaultError::Corrupt {
        key: key.to_owned(),
        reason: reason.to_owned(),
    }
}

impl<S: SecretStore> SecretStore for Chunked<S> {
    fn put(&self, key: &str, secret: &[u8]) -> Result<(), VaultError> {
        let old_chunks = self.chunk_count(key)?;
        if secret.len() < self.limit {
            let mut item = Zeroizing::new(Vec::with_capacity(secret.len() + 1));
            item.push(INLINE);
            item.extend_from_slice(secret);
            self.inner.put(key, &item)?;
            return self.delete_chunks(key, 0, old_chunks);
        }
        let chunks: Vec<&[u8]> = secret.chunks(self.limit).collect();
        let count = u32::try_from(chunks.len()).map_err(|_| VaultError::Refused {
            key: key.to_owned(),
            reason: "value too large".into(),
        })?;
        for (i, chunk) in (0..).zip(&chunks) {
            self.inner.put(&Self::chunk_key(key, i), chunk)?;
        }
        let mut head = vec![CHUNKED];
        head.extend_from_slice(&count.to_le_bytes());
        self.inner.put(key, &head)?;
        self.delete_chunks(key, count, old_chunks.max(count))
    }

    fn get(&self, key: &str) -> Result<Option<Secret>, VaultError> {
        let Some(head) = self.inner.get(key)? else {
            return Ok(None);
        };
        match head.expose() {
            [INLINE, value @ ..] => Ok(Some(Secret::new(value.to_vec()))),
            [CHUNKED, ..] => {
                let count = self.chunk_count(key)?;
                let mut value = Zeroizing::new(Vec::new());
                for i in 0..count {
                    let chunk = self
                        .inner
                        .get(&Self::chunk_key(key, i))?
                        .ok_or_else(|| corrupt(key, "a chunk is missing"))?;
                    value.extend_from_slice(chunk.expose());
                }
                Ok(Some(Secret::new(std::mem::take(&mut *value))))
            }
            _ => Err(corrupt(key, "unknown item header")),
        }
    }

    fn delete(&self, key: &str) -> Result<(), VaultError> {
        let chunks = self.chunk_count(key)?;
        self.inner.delete(key)?;
        self.delete_chunks(key, 0, chunks)
    }

    fn describe(&self) -> String {
        format!(
            "{} in chunks of {} bytes",
            self.inner.describe(),
            self.limit
        )
    }

    fn kernel_keyring(&self) -> Option<&KernelKeyring> {
        self.inner.kernel_keyring()
    }

    fn state(&self) -> KeychainState {
        self.inner.state()
    }

    fn unlock(&self) -> Result<(), VaultError> {
        self.inner.unlock()
    }
}

/// An in-memory store, for unit tests of code that needs a `SecretStore`.
#[derive(Debug, Default)]
pub struct MemoryStore {
    items: Mutex<HashMap<String, Secret>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    #[cfg(test)]
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.lock().keys().cloned().collect();
        keys.sort();
        keys
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Secret>> {
        // A panic while holding the lock cannot leave the map half-updated.
        self.items.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn put(&self, key: &str, secret: &[u8]) -> Result<(), VaultError> {
        self.lock()
            .insert(key.to_owned(), Secret::new(secret.to_vec()));
        Ok(())
    }

    fn get(&self, key: &str) -> Result<Option<Secret>, VaultError> {
        Ok(self.lock().get(key).cloned())
    }

    fn delete(&self, key: &str) -> Result<(), VaultError> {
        self.lock().remove(key);
        Ok(())
    }

    fn describe(&self) -> String {
        "in-memory store".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_is_redacted() {
        let secret = Secret::new(b"hunter2".to_vec());
        assert_eq!(format!("{secret:?}"), "Secret([redacted; 7 bytes])");
    }

    #[test]
    fn memory_store_round_trips_and_deletes() {
        let store = MemoryStore::new();
        store.put("a", b"1").unwrap();
        assert_eq!(store.get("a").unwrap().unwrap().expose(), b"1");
        store.delete("a").unwrap();
        assert_eq!(store.get("a").unwrap(), None);
        store.delete("a").unwrap();
    }

    #[test]
    fn chunked_keeps_small_values_in_one_item() {
        let store = Chunked::new(MemoryStore::new(), 10);
        store.put("k", b"small").unwrap();
        assert_eq!(store.inner.keys(), vec!["k"]);
        assert_eq!(store.get("k").unwrap().unwrap().expose(), b"small");
    }

    #[test]
    fn chunked_splits_large_values_and_reassembles_them() {
        let store = Chunked::new(MemoryStore::new(), 10);
        let value: Vec<u8> = (0..=255).collect();
        store.put("k", &value).unwrap();
        assert_eq!(store.inner.keys().len(), 1 + 26);
        assert!(
            store
                .inner
                .keys()
                .iter()
                .all(|k| store.inner.get(k).unwrap().unwrap().expose().len() <= 10)
        );
        assert_eq!(store.get("k").unwrap().unwrap().expose(), &value[..]);
    }

    #[test]
    fn chunked_put_of_a_smaller_value_removes_stale_chunks() {
        let store = Chunked::new(MemoryStore::new(), 10);
        store.put("k", &[7; 100]).unwrap();
        store.put("k", &[8; 25]).unwrap();
        assert_eq!(store.inner.keys(), vec!["k", "k#0", "k#1", "k#2"]);
        store.put("k", b"tiny").unwrap();
        assert_eq!(store.inner.keys(), vec!["k"]);
        assert_eq!(store.get("k").unwrap().unwrap().expose(), b"tiny");
    }

    #[test]
    fn chunked_delete_removes_every_chunk() {
        let store = Chunked::new(MemoryStore::new(), 10);
        store.put("k", &[1; 55]).unwrap();
        store.delete("k").unwrap();
        assert!(store.inner.keys().is_empty());
    }

    #[test]
    fn chunked_reports_a_missing_chunk_as_corrupt() {
        let store = Chunked::new(MemoryStore::new(), 10);
        store.put("k", &[1; 55]).unwrap();
        store.inner.delete("k#3").unwrap();
        assert!(matches!(
            store.get("k"),
            Err(VaultError::Corrupt { ref reason, .. }) if reason == "a chunk is missing"
        ));
    }
}
