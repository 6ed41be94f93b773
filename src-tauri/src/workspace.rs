//! What the app works on: the config, environment and keychain of the person, or of the
//! embedded demo cloud after "Try the demo".

use kumo_core::browser::{Browser, BrowserError, FollowingBrowser, SystemBrowser};
use kumo_core::context::Context;
use kumo_core::environment::Environment;
use kumo_fake::demo::DemoCloud;

pub struct Workspace {
    pub ctx: Context,
    /// The demo cloud and its throwaway home live as long as the workspace.
    demo: Option<DemoCloud>,
}

impl Workspace {
    /// The person's own workspace; a missing config file is an empty config.
    pub fn load() -> anyhow::Result<Self> {
        Ok(Self {
            ctx: Context::load()?,
            demo: None,
        })
    }

    /// A workspace on the embedded demo cloud: its own config, cache, data dir and
    /// keychain namespace, none of them the person's.
    pub async fn demo() -> anyhow::Result<Self> {
        let cloud = kumo_fake::demo::start().await?;
        let mut pairs: Vec<(String, String)> = std::env::vars().collect();
        let dir = |name: &str| cloud.home.path().join(name).display().to_string();
        pairs.extend([
            (
                "KUMO_CONFIG".into(),
                cloud.config_path.display().to_string(),
            ),
            ("XDG_CACHE_HOME".into(), dir("cache")),
            ("XDG_DATA_HOME".into(), dir("data")),
            ("XDG_RUNTIME_DIR".into(), dir("run")),
            (
                "KUMO_KEYCHAIN_SERVICE".into(),
                format!("kumo-demo-{}", std::process::id()),
            ),
        ]);
        Ok(Self {
            ctx: Context::from_env(Environment::from_pairs(pairs))?,
            demo: Some(cloud),
        })
    }

    pub fn is_demo(&self) -> bool {
        self.demo.is_some()
    }

    pub fn is_configured(&self) -> bool {
        let config = &self.ctx.config;
        config.identity.is_some() || !config.aws.is_empty() || !config.azure.is_empty()
    }

    /// Where sign-ins go: the person's browser, or in the demo a stand-in user who
    /// follows the demo cloud's redirects back to Kumo.
    pub fn sign_in_browser(&self) -> Result<Box<dyn Browser>, BrowserError> {
        if self.is_demo() {
            Ok(Box::new(FollowingBrowser))
        } else {
            Ok(Box::new(SystemBrowser::from_env(&self.ctx.env)?))
        }
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        if self.is_demo() {
            // The demo's keychain items go with it.
            let (config, store) = (&self.ctx.config, self.ctx.store.as_ref());
            let _ = kumo_core::identity::oidc::sign_out(store);
            for org in &config.aws {
                let _ = kumo_core::aws::session::forget(store, org.name.as_str());
            }
            for tenant in &config.azure {
                let _ = kumo_core::azure::sign_out(tenant, store);
            }
        }
    }
}
