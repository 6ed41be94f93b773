//! What every command starts from: the environment, the config, the keychain.

use std::path::PathBuf;

use kumo_core::config::Config;
use kumo_core::environment::Environment;
use kumo_core::vault::{self, SecretStore};

pub struct Context {
    pub env: Environment,
    pub config_path: PathBuf,
    pub config: Config,
    pub store: Box<dyn SecretStore>,
}

impl Context {
    pub fn load() -> anyhow::Result<Self> {
        let env = Environment::from_process();
        let (config_path, loaded) = Config::load(&env)?;
        let config = loaded.unwrap_or_default();
        let store = store(&env);
        Ok(Self {
            env,
            config_path,
            config,
            store,
        })
    }
}

/// The keychain, under `KUMO_KEYCHAIN_SERVICE` when set (tests and demos keep their
/// items apart from the user's this way), else Kumo's own service name.
pub fn store(env: &Environment) -> Box<dyn SecretStore> {
    vault::os_store(env.get("KUMO_KEYCHAIN_SERVICE").unwrap_or(vault::SERVICE))
}

pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}
