//! What every command starts from: the environment, the config, the keychain.

use std::path::PathBuf;

use kumo_core::config::Config;
use kumo_core::environment::Environment;
use kumo_core::launch::Launcher;
use kumo_core::vault::{self, SecretStore};

pub struct Context {
    pub env: Environment,
    pub config_path: PathBuf,
    pub config: Config,
    pub store: Box<dyn SecretStore>,
}

impl Context {
    /// Target resolution and consoles, over this context.
    pub fn launcher(&self) -> Launcher<'_> {
        Launcher {
            config: &self.config,
            config_path: &self.config_path,
            env: &self.env,
            store: self.store.as_ref(),
        }
    }

    pub fn load() -> anyhow::Result<Self> {
        let env = Environment::from_process();
        let (config_path, loaded) = Config::load(&env)?;
        let config = loaded.unwrap_or_default();
        let store = vault::store_for(&env);
        Ok(Self {
            env,
            config_path,
            config,
            store,
        })
    }
}

pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}
