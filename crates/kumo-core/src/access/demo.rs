//! The demo: Kumo over the embedded stand-in cloud (an identity, AWS IAM Identity Center,
//! an Entra tenant and Google Cloud), the one `kumo demo` walks through and the app's
//! "Try the demo" opens. Its config, caches and data live in a throwaway home and its
//! secrets in memory: it touches nothing of the person's, keychain included, so it
//! works where no keychain is reachable. Behind the `demo` feature, so a packager can
//! leave the stand-in cloud out.

use super::{Error, Kumo};
use crate::browser::launcher::DesktopLauncher;
use crate::context::Context;
use crate::environment::Environment;
use crate::vault::MemoryStore;

impl Kumo {
    /// A workspace on a freshly started demo cloud, signed in to nothing yet.
    pub async fn demo() -> Result<Kumo, Error> {
        let cloud = kumo_fake::demo::start()
            .await
            .map_err(|e| Error::new(format!("the demo cloud cannot start: {e}")))?;
        let dir = |name: &str| cloud.home.path().join(name).display().to_string();
        let mut pairs: Vec<(String, String)> = std::env::vars().collect();
        pairs.extend([
            (
                "KUMO_CONFIG".into(),
                cloud.config_path.display().to_string(),
            ),
            ("XDG_CACHE_HOME".into(), dir("cache")),
            ("XDG_DATA_HOME".into(), dir("data")),
            ("XDG_RUNTIME_DIR".into(), dir("run")),
            ("XDG_STATE_HOME".into(), dir("state")),
        ]);
        let env = Environment::from_pairs(pairs);
        let (config_path, config) = crate::config::Config::load(&env)?;
        Ok(Kumo {
            stand_in_user: true,
            ctx: Context {
                config_path,
                config: config.unwrap_or_default(),
                store: Box::new(MemoryStore::new()),
                launcher: Box::new(DesktopLauncher::new(&env)),
                env,
            },
            demo: Some(cloud),
        })
    }

    /// The demo cloud's address, in the demo.
    pub fn demo_url(&self) -> Option<&str> {
        self.demo.as_ref().map(|cloud| cloud.fake.base_url())
    }

    /// How many times the demo cloud handed out role credentials: a second caller is
    /// answered from the keychain, not the network.
    pub fn demo_credential_fetches(&self) -> Option<u64> {
        self.demo
            .as_ref()
            .map(|cloud| cloud.fake.calls(kumo_fake::Operation::GetRoleCredentials))
    }
}
