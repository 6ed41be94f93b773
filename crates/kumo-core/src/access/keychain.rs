//! The keychain as the app meets it at launch: ready, locked, or missing, and the
//! OS's own prompt to unlock it. The demo's store is in memory and always ready.

use super::{Error, Kumo};
pub use crate::vault::KeychainState;

impl Kumo {
    /// Whether the keychain can be read without a prompt (a few milliseconds).
    pub fn keychain(&self) -> KeychainState {
        self.ctx.store.state()
    }

    /// Shows the keychain's unlock prompt and waits for the person; the state after.
    pub fn unlock_keychain(&self) -> Result<KeychainState, Error> {
        self.ctx.store.unlock()?;
        Ok(self.keychain())
    }
}
