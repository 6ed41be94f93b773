//! What the app works on: the config, environment and keychain of the person, or of the
//! embedded demo cloud after "Try the demo".

use std::path::PathBuf;

use kumo_core::browser::{Browser, BrowserError, FollowingBrowser, SystemBrowser};
use kumo_core::config::Config;
use kumo_core::environment::Environment;
use kumo_core::launch::Launcher;
use kumo_core::vault::{self, SecretStore};
use kumo_fake::FakeServer;

pub struct Workspace {
    pub env: Environment,
    pub config_path: PathBuf,
    pub config: Config,
    pub store: Box<dyn SecretStore>,
    demo: Option<Demo>,
}

/// The demo cloud and its throwaway home live as long as the workspace.
struct Demo {
    _fake: FakeServer,
    _home: tempfile::TempDir,
}

impl Workspace {
    /// The person's own workspace; a missing config file is an empty config.
    pub fn load() -> anyhow::Result<Self> {
        let env = Environment::from_process();
        let (config_path, loaded) = Config::load(&env)?;
        Ok(Self {
            store: vault::store_for(&env),
            config: loaded.unwrap_or_default(),
            config_path,
            env,
            demo: None,
        })
    }

    /// A workspace on the embedded demo cloud: its own config, cache, data dir and
    /// keychain namespace, none of them the person's.
    pub async fn demo() -> anyhow::Result<Self> {
        let options = kumo_fake::demo::options();
        let fake = FakeServer::start(options.clone()).await?;
        let home = tempfile::tempdir()?;
        let config_path = home.path().join("config.toml");
        std::fs::write(
            &config_path,
            kumo_fake::demo::kumo_config(fake.base_url(), &options),
        )?;
        let mut pairs: Vec<(String, String)> = std::env::vars().collect();
        let dir = |name: &str| home.path().join(name).display().to_string();
        pairs.extend([
            ("KUMO_CONFIG".into(), config_path.display().to_string()),
            ("XDG_CACHE_HOME".into(), dir("cache")),
            ("XDG_DATA_HOME".into(), dir("data")),
            ("XDG_RUNTIME_DIR".into(), dir("run")),
            (
                "KUMO_KEYCHAIN_SERVICE".into(),
                format!("kumo-demo-{}", std::process::id()),
            ),
        ]);
        let env = Environment::from_pairs(pairs);
        let config = Config::load_from(&config_path)?.unwrap_or_default();
        Ok(Self {
            store: vault::store_for(&env),
            config,
            config_path,
            env,
            demo: Some(Demo {
                _fake: fake,
                _home: home,
            }),
        })
    }

    pub fn is_demo(&self) -> bool {
        self.demo.is_some()
    }

    pub fn is_configured(&self) -> bool {
        self.config.identity.is_some()
            || !self.config.aws.is_empty()
            || !self.config.azure.is_empty()
    }

    pub fn launcher(&self) -> Launcher<'_> {
        Launcher {
            config: &self.config,
            config_path: &self.config_path,
            env: &self.env,
            store: self.store.as_ref(),
        }
    }

    /// Where sign-ins go: the person's browser, or in the demo a stand-in user who
    /// follows the demo cloud's redirects back to Kumo.
    pub fn sign_in_browser(&self) -> Result<Box<dyn Browser>, BrowserError> {
        if self.is_demo() {
            Ok(Box::new(FollowingBrowser))
        } else {
            Ok(Box::new(SystemBrowser::from_env(&self.env)?))
        }
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        if self.is_demo() {
            // The demo's keychain items go with it.
            let _ = kumo_core::identity::oidc::sign_out(self.store.as_ref());
            for org in &self.config.aws {
                let _ = kumo_core::aws::session::forget(self.store.as_ref(), org.name.as_str());
            }
            for tenant in &self.config.azure {
                let _ = kumo_core::azure::sign_out(tenant, self.store.as_ref());
            }
        }
    }
}
