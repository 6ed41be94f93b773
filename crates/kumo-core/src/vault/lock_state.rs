//! Whether the OS keychain can be used now without a prompt: a locked Secret Service
//! answers every read with an unlock prompt that waits for a person (the `keyring`
//! crate waits a year), so the app asks this first and shows its own screen instead.

use serde::Serialize;

use super::VaultError;

/// What provides a Secret Service, for a desktop that has none.
pub const SECRET_SERVICE_PACKAGES: &str =
    "gnome-keyring, or KeePassXC with its Secret Service integration turned on";

/// The keychain as the app finds it at launch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeychainState {
    /// Reads and writes go through without asking anything.
    Ready,
    /// It runs, but its default collection is locked: "Unlock" shows its own prompt.
    Locked,
    /// Nothing provides the Secret Service on this desktop.
    Missing,
    /// It could not be asked (no D-Bus session, a failing daemon).
    Unreachable { reason: String },
}

/// How long "Unlock" waits for the person at the keychain's own prompt.
#[cfg(target_os = "linux")]
const UNLOCK_PROMPT_SECS: u64 = 300;

/// The Secret Service's default collection, asked over D-Bus (a few milliseconds).
#[cfg(target_os = "linux")]
pub fn secret_service_state() -> KeychainState {
    use dbus_secret_service::{EncryptionType, Error, SecretService};
    let service = match SecretService::connect(EncryptionType::Plain) {
        Ok(service) => service,
        Err(e) => return unavailable(e),
    };
    match service.get_default_collection() {
        Ok(collection) => match collection.is_locked() {
            Ok(true) => KeychainState::Locked,
            Ok(false) => KeychainState::Ready,
            Err(e) => unavailable(e),
        },
        // No default collection yet: the first write creates one.
        Err(Error::NoResult) => KeychainState::Ready,
        Err(e) => unavailable(e),
    }
}

#[cfg(target_os = "linux")]
fn unavailable(error: dbus_secret_service::Error) -> KeychainState {
    use dbus_secret_service::Error;
    match &error {
        Error::Unavailable => KeychainState::Missing,
        Error::Dbus(e)
            if matches!(
                e.name(),
                Some("org.freedesktop.DBus.Error.ServiceUnknown")
                    | Some("org.freedesktop.DBus.Error.NameHasNoOwner")
            ) =>
        {
            KeychainState::Missing
        }
        _ => KeychainState::Unreachable {
            reason: error.to_string(),
        },
    }
}

/// Shows the Secret Service's own unlock prompt for its default collection and waits
/// for the person's answer (at most five minutes).
#[cfg(target_os = "linux")]
pub fn unlock_secret_service() -> Result<(), VaultError> {
    use dbus_secret_service::{EncryptionType, Error, SecretService};
    let failed = |e: Error| match e {
        Error::Prompt => VaultError::Unavailable("the unlock prompt was dismissed".into()),
        other => VaultError::Unavailable(other.to_string()),
    };
    let service =
        SecretService::connect_with_max_prompt_timeout(EncryptionType::Plain, UNLOCK_PROMPT_SECS)
            .map_err(failed)?;
    let collection = service.get_default_collection().map_err(failed)?;
    collection.unlock().map_err(failed)?;
    match collection.is_locked() {
        Ok(false) => Ok(()),
        Ok(true) => Err(VaultError::Unavailable(
            "the keychain is still locked after its prompt".into(),
        )),
        Err(e) => Err(failed(e)),
    }
}
