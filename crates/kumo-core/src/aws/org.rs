//! One configured org, ready to talk to: its endpoints, the SDK clients, the keychain
//! and the lock that makes sign-in and refresh single-flight across processes.

use std::path::PathBuf;
use std::time::Duration;

use crate::aws::endpoints::Endpoints;
use crate::config::AwsOrg;
use crate::environment::Environment;
use crate::lock::FileLock;
use crate::paths;
use crate::vault::SecretStore;

pub struct OrgClient<'a> {
    pub org: &'a AwsOrg,
    pub endpoints: Endpoints,
    pub(crate) store: &'a dyn SecretStore,
    lock_path: PathBuf,
    /// The AWS CLI's SSO token cache file of the org, when the person asked for it.
    pub(crate) sso_cache: PathBuf,
    /// For the clock, and where a renewal's outcome is recorded.
    pub(crate) env: Environment,
    pub(crate) oidc: aws_sdk_ssooidc::Client,
    pub(crate) portal: aws_sdk_sso::Client,
}

impl<'a> OrgClient<'a> {
    pub fn new(org: &'a AwsOrg, env: &Environment, store: &'a dyn SecretStore) -> Self {
        let endpoints = Endpoints::resolve(org, env);
        let region = org.region.as_str().to_owned();
        // Retries are Kumo's own (paced under the org's rate limit), not the SDK's.
        let timeouts = aws_sdk_sso::config::timeout::TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(10))
            .operation_attempt_timeout(Duration::from_secs(30))
            .build();
        let oidc = aws_sdk_ssooidc::Client::from_conf(
            aws_sdk_ssooidc::Config::builder()
                .behavior_version(aws_sdk_ssooidc::config::BehaviorVersion::latest())
                .region(aws_sdk_ssooidc::config::Region::new(region.clone()))
                .endpoint_url(&endpoints.oidc)
                .retry_config(aws_sdk_ssooidc::config::retry::RetryConfig::disabled())
                .timeout_config(timeouts.clone())
                .build(),
        );
        let portal = aws_sdk_sso::Client::from_conf(
            aws_sdk_sso::Config::builder()
                .behavior_version(aws_sdk_sso::config::BehaviorVersion::latest())
                .region(aws_sdk_sso::config::Region::new(region))
                .endpoint_url(&endpoints.portal)
                .retry_config(aws_sdk_sso::config::retry::RetryConfig::disabled())
                .timeout_config(timeouts)
                .build(),
        );
        Self {
            org,
            endpoints,
            store,
            lock_path: paths::lock_dir(env).join(format!("aws-{}.lock", org.name)),
            sso_cache: super::sso_cache::path(env, org),
            env: env.clone(),
            oidc,
            portal,
        }
    }

    /// Now, by the environment's clock.
    pub fn now(&self) -> i64 {
        self.env.now()
    }

    pub fn name(&self) -> &str {
        self.org.name.as_str()
    }

    /// Waits for this process's turn at the org's sign-in/refresh lock.
    pub(crate) async fn lock(&self) -> Result<FileLock, crate::aws::AwsError> {
        Ok(FileLock::acquire_async(self.lock_path.clone()).await?)
    }
}
