//! The embedded demo cloud that `kumo demo` and the desktop app's "Try the demo" run on:
//! every service with a few dozen accounts, and the Kumo config that points at it.

use std::path::PathBuf;
use std::time::Duration;

use crate::{Directory, FakeServer, Options};

/// The demo org's name in the config.
pub const DEMO_ORG: &str = "demo";

/// A well-behaved cloud that approves sign-ins by itself: the demo has no person at a
/// verification page.
pub fn options() -> Options {
    Options {
        directory: Directory::generated(36, 3),
        auto_approve_after_polls: Some(0),
        tps: Some(50.0),
        latency: Duration::from_millis(15),
        ..Options::default()
    }
}

/// A Kumo config with the identity, Google Cloud, an Azure tenant and an AWS org, all at
/// the fake listening on `base_url` and started with `options`.
pub fn kumo_config(base_url: &str, options: &Options) -> String {
    format!(
        "[identity]\nissuer = \"{url}\"\nclient_id = \"{identity_client}\"\nclient_secret = \"{identity_secret}\"\n\n\
         [gcp]\nendpoint = \"{url}\"\n\n\
         [[azure]]\ntenant = \"{tenant}\"\nclient_id = \"{azure_client}\"\nlogin_endpoint = \"{url}\"\nmanagement_endpoint = \"{url}\"\n\n\
         [[aws]]\nname = \"{DEMO_ORG}\"\nstart_url = \"https://demo.awsapps.com/start\"\nregion = \"eu-west-1\"\noidc_endpoint = \"{url}\"\nportal_endpoint = \"{url}\"\nfederation_endpoint = \"{url}/federation\"\n",
        url = base_url,
        identity_client = options.identity.client_id,
        identity_secret = options.identity.client_secret,
        tenant = options.azure.tenants[0].default_domain,
        azure_client = options.azure.client_id,
    )
}

/// The demo cloud, running, and a throwaway home holding the Kumo config that points at
/// it; both go when this is dropped.
pub struct DemoCloud {
    pub fake: FakeServer,
    pub home: tempfile::TempDir,
    pub config_path: PathBuf,
}

pub async fn start() -> std::io::Result<DemoCloud> {
    let options = options();
    let fake = FakeServer::start(options.clone()).await?;
    let home = tempfile::tempdir()?;
    let config_path = home.path().join("config.toml");
    std::fs::write(&config_path, kumo_config(fake.base_url(), &options))?;
    Ok(DemoCloud {
        fake,
        home,
        config_path,
    })
}
