//! What every command of the CLI and the app starts from: the environment, the config
//! it names, and the keychain.

use std::path::PathBuf;

use crate::browser::launcher::{DesktopLauncher, Launcher};
use crate::config::{Config, ConfigError};
use crate::environment::Environment;
use crate::launch::Consoles;
use crate::vault::{self, SecretStore};

pub struct Context {
    pub env: Environment,
    pub config_path: PathBuf,
    /// Empty when there is no config file.
    pub config: Config,
    pub store: Box<dyn SecretStore>,
    /// How consoles reach a browser.
    pub launcher: Box<dyn Launcher>,
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
            launcher: Box::new(DesktopLauncher::new(&env)),
            config: loaded.unwrap_or_default(),
            config_path,
            env,
        })
    }

    /// A context of `config` with its secrets in memory and its consoles only recorded,
    /// for in-process tests.
    #[cfg(test)]
    pub fn in_memory(
        env: Environment,
        config: Config,
    ) -> (
        Self,
        std::sync::Arc<crate::browser::launcher::RecordingLauncher>,
    ) {
        let launcher = std::sync::Arc::new(crate::browser::launcher::RecordingLauncher::default());
        let ctx = Self {
            env,
            config_path: "config.toml".into(),
            config,
            store: Box::new(crate::vault::MemoryStore::new()),
            launcher: Box::new(launcher.clone()),
        };
        (ctx, launcher)
    }

    /// Target resolution and consoles, over this context.
    pub fn consoles(&self) -> Consoles<'_> {
        Consoles {
            config: &self.config,
            config_path: &self.config_path,
            env: &self.env,
            store: self.store.as_ref(),
        }
    }
}
