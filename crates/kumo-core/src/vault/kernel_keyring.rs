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
    use linux_keyutils::{Key, KeyPermissionsBuilder, KeyRing, KeyRingIdentifier, Permission};

    use super::*;

    /// The login session's own keyring. Without one the kernel falls back to the
    /// user-session keyring, which every session of the user shares (a cron job, an SSH
    /// login): then there is no cache.
    fn session_keyring() -> Option<KeyRing> {
        let session = KeyRing::from_special_id(KeyRingIdentifier::Session, false)
            .inspect_err(|e| tracing::debug!("no kernel session keyring: {e}"))
            .ok()?;
        let shared = KeyRing::from_special_id(KeyRingIdentifier::UserSession, false).ok();
        (shared != Some(session)).then_some(session)
    }

    impl KernelKeyring {
        pub(super) fn find(&self, name: &str) -> Option<Key> {
            session_keyring()?.search(&self.description(name)).ok()
        }

        /// The cached secret, if the kernel still holds it.
        pub fn get(&self, name: &str) -> Option<Secret> {
            let key = self.find(name)?;
            key.read_to_vec().ok().map(Secret::new)
        }

        /// Caches `secret` for `ttl` (at least a second); a failure only means a later miss.
        /// The key is made in this thread's own keyring, given its timeout and
        /// possessor-only permissions there, and only then linked into the session's:
        /// no other process ever sees it without them.
        pub fn put(&self, name: &str, secret: &[u8], ttl: Duration) {
            let Some(ring) = session_keyring() else {
                return;
            };
            self.remove(name);
            let staged =
                KeyRing::from_special_id(KeyRingIdentifier::Thread, true).and_then(|staging| {
                    let key = staging.add_key(&self.description(name), secret)?;
                    let linked = key
                        .set_timeout(ttl.as_secs().max(1) as usize)
                        .and_then(|()| {
                            key.set_perms(
                                KeyPermissionsBuilder::builder()
                                    .posessor(Permission::ALL)
                                    .build(),
                            )
                        })
                        .and_then(|()| ring.link_key(key));
                    // The thread's keyring lets go either way: linked, or dropped with it.
                    let _ = staging.unlink_key(key);
                    if linked.is_err() {
                        let _ = key.invalidate();
                    }
                    linked
                });
            if let Err(e) = staged {
                tracing::debug!(name, "not cached in the kernel keyring: {e}");
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
    fn a_cached_key_is_its_possessors_only() {
        let ring = namespace();
        ring.put("k", b"secret", Duration::from_secs(60));
        let perms = ring.find("k").unwrap().metadata().unwrap().get_perms();
        assert_eq!(perms.bits(), 0x3f00_0000);
        ring.remove("k");
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
