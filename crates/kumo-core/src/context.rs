//! What every command of the CLI and the app starts from: the environment, the config
//! it names, and the keychain.

use std::path::PathBuf;

use crate::config::{Config, ConfigError};
use crate::environment::Environment;
use crate::launch::Launcher;
use crate::vault::{self, SecretStore};

pub struct Context {
    pub env: Environment,
    pub config_path: PathBuf,
    /// Empty when there is no config file.
    pub config: Config,
    pub store: Box<dyn SecretStore>,
}

impl Context {
    /// The context of this process's environment.
    pub fn load() -> Result<Self, ConfigError> {
        Self::from_env(Environment::from_process())
    }

    /// The context `env` names: its config file (a missing one is empty) and keychain.
    pub fn from_env(env: Environment) -> Result<Self, ConfigError> {
        let (config_path, loaded) = Config::load(&env)?;
        Ok(Self {
            store: vault::store_for(&env),
            config: loaded.unwrap_or_default(),
            config_path,
            env,
        })
    }

    /// Target resolution and consoles, over this context.
    pub fn launcher(&self) -> Launcher<'_> {
        Launcher {
            config: &self.config,
            config_path: &self.config_path,
            env: &self.env,
            store: self.store.as_ref(),
        }
    }
}
