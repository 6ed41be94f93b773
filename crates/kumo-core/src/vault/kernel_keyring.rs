//! Short-lived secrets cached in the Linux kernel's session keyring, in front of the
//! Secret Service. A read is one syscall, where the Secret Service costs a D-Bus session
//! with a key exchange: that is most of a `credential-process` call.
//!
//! The kernel holds the payload in unswappable memory, readable only by processes that
//! possess the login session's keyring, and drops it when its timeout passes. It is a
//! cache: every failure (no keyring, a seccomp filter, a full quota) is a miss, and the
//! Secret Service stays the store of record. Other platforms have no such cache.

use std::time::Duration;

use crate::vault::Secret;

/// One namespace of cached secrets: key descriptions are `kumo:<namespace>:<name>`.
#[derive(Debug, Clone)]
pub struct KernelKeyring {
    namespace: String,
}

impl KernelKeyring {
    pub fn new(namespace: &str) -> Self {
        Self {
            namespace: namespace.to_owned(),
        }
    }

    fn description(&self, name: &str) -> String {
        format!("kumo:{}:{name}", self.namespace)
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use linux_keyutils::{Key, KeyRing, KeyRingIdentifier};

    use super::*;

    fn session_keyring() -> Option<KeyRing> {
        // Without a session keyring of its own, the kernel gives the user-session keyring.
        KeyRing::from_special_id(KeyRingIdentifier::Session, false)
            .inspect_err(|e| tracing::debug!("no kernel session keyring: {e}"))
            .ok()
    }

    impl KernelKeyring {
        fn find(&self, name: &str) -> Option<Key> {
            session_keyring()?.search(&self.description(name)).ok()
        }

        /// The cached secret, if the kernel still holds it.
        pub fn get(&self, name: &str) -> Option<Secret> {
            let key = self.find(name)?;
            key.read_to_vec().ok().map(Secret::new)
        }

        /// Caches `secret` for `ttl` (at least a second); a failure only means a later miss.
        pub fn put(&self, name: &str, secret: &[u8], ttl: Duration) {
            let Some(ring) = session_keyring() else {
                return;
            };
            let stored = ring
                .add_key(&self.description(name), secret)
                .and_then(|key| key.set_timeout(ttl.as_secs().max(1) as usize).map(|_| key));
            if let Err(e) = stored {
                tracing::debug!(name, "not cached in the kernel keyring: {e}");
                // A key left without its timeout would outlive what it caches.
                self.remove(name);
            }
        }

        pub fn remove(&self, name: &str) {
            if let Some(key) = self.find(name) {
                let _ = key.invalidate();
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
impl KernelKeyring {
    pub fn get(&self, _name: &str) -> Option<Secret> {
        None
    }

    pub fn put(&self, _name: &str, _secret: &[u8], _ttl: Duration) {}

    pub fn remove(&self, _name: &str) {}
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn namespace() -> KernelKeyring {
        KernelKeyring::new(&format!("test-{}", crate::loopback::random_token()))
    }

    #[test]
    fn a_cached_secret_reads_back() {
        let ring = namespace();
        ring.put("aws/acme/1/Admin", b"secret", Duration::from_secs(60));
        assert_eq!(ring.get("aws/acme/1/Admin").unwrap().expose(), b"secret");
        ring.remove("aws/acme/1/Admin");
    }

    #[test]
    fn a_removed_secret_is_a_miss() {
        let ring = namespace();
        ring.put("k", b"secret", Duration::from_secs(60));
        ring.remove("k");
        assert_eq!(ring.get("k"), None);
    }

    #[test]
    fn namespaces_do_not_see_each_other() {
        let (a, b) = (namespace(), namespace());
        a.put("k", b"secret", Duration::from_secs(60));
        assert_eq!(b.get("k"), None);
        a.remove("k");
    }

    #[test]
    fn a_secret_is_gone_after_its_timeout() {
        let ring = namespace();
        ring.put("k", b"secret", Duration::from_secs(1));
        std::thread::sleep(Duration::from_millis(2100));
        assert_eq!(ring.get("k"), None);
    }

    #[test]
    fn a_second_put_replaces_the_first() {
        let ring = namespace();
        ring.put("k", b"old", Duration::from_secs(60));
        ring.put("k", b"new", Duration::from_secs(60));
        assert_eq!(ring.get("k").unwrap().expose(), b"new");
        ring.remove("k");
    }
}
