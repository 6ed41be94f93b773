//! Who an org's session belongs to: the Identity Center user, learnt once per sign-in and
//! kept with the session. Identity Center names the role session of every credential it
//! hands out after the user, so the first role's credentials say it through STS
//! `GetCallerIdentity` (`arn:aws:sts::<account>:assumed-role/<role>/<user>`).

use aws_sdk_sts::config::{BehaviorVersion, Credentials, Region};

use crate::aws::org::OrgClient;
use crate::aws::session::{self, RoleCredentials};
use crate::aws::sign_in::Interaction;
use crate::aws::{AwsError, describe_sdk_error, retrying};
use crate::environment::Environment;

impl OrgClient<'_> {
    /// The signed-in user, or `None` without a session or a role to ask with.
    pub async fn principal(&self, env: &Environment) -> Result<Option<String>, AwsError> {
        let held = session::load_session(self.store, self.name())?;
        if held.token.is_none() {
            return Ok(None);
        }
        if held.principal.is_some() {
            return Ok(held.principal);
        }
        let Some((account_id, role)) = self.first_role(env).await? else {
            return Ok(None);
        };
        let credentials = self
            .role_credentials(&account_id, &role, &Interaction::None)
            .await?;
        let arn = self.caller_arn(&credentials).await?;
        let principal = arn
            .rsplit('/')
            .next()
            .filter(|user| {
                !user.is_empty() && user.len() <= 256 && !user.contains(char::is_control)
            })
            .ok_or_else(|| AwsError::Service {
                org: self.name().to_owned(),
                operation: "GetCallerIdentity",
                message: "the answer names no role session".into(),
            })?
            .to_owned();
        let _lock = self.lock().await?;
        let mut fresh = session::load_session(self.store, self.name())?;
        fresh.principal = Some(principal.clone());
        session::save_session(self.store, self.name(), &fresh)?;
        Ok(Some(principal))
    }

    /// The first role of the listing, or of the first account the portal lists.
    async fn first_role(&self, env: &Environment) -> Result<Option<(String, String)>, AwsError> {
        let listing = crate::cache::load(env, self.name(), self.org.start_url.as_str())?;
        if let Some(first) = listing
            .iter()
            .flat_map(|l| &l.accounts)
            .find_map(|a| a.roles.first().map(|r| (a.id.clone(), r.clone())))
        {
            return Ok(Some(first));
        }
        let token = self.access_token(&Interaction::None).await?;
        let accounts = retrying(|| {
            self.portal
                .list_accounts()
                .access_token(&token)
                .max_results(1)
                .send()
        })
        .await
        .map_err(|e| describe_sdk_error(self.name(), "ListAccounts", &e))?;
        let Some(account_id) = accounts
            .account_list()
            .first()
            .and_then(|a| a.account_id())
            .map(str::to_owned)
        else {
            return Ok(None);
        };
        let roles = retrying(|| {
            self.portal
                .list_account_roles()
                .access_token(&token)
                .account_id(&account_id)
                .max_results(1)
                .send()
        })
        .await
        .map_err(|e| describe_sdk_error(self.name(), "ListAccountRoles", &e))?;
        Ok(roles
            .role_list()
            .first()
            .and_then(|r| r.role_name())
            .map(|role| (account_id, role.to_owned())))
    }

    async fn caller_arn(&self, credentials: &RoleCredentials) -> Result<String, AwsError> {
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new(self.org.region.as_str().to_owned()))
                .endpoint_url(&self.endpoints.sts)
                .credentials_provider(Credentials::new(
                    &credentials.access_key_id,
                    &credentials.secret_access_key,
                    Some(credentials.session_token.clone()),
                    None,
                    "kumo",
                ))
                .retry_config(aws_sdk_sts::config::retry::RetryConfig::disabled())
                .build(),
        );
        // One try: a sign-in does not wait on STS; unknown leaves the binding unchecked.
        let out = sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| describe_sdk_error(self.name(), "GetCallerIdentity", &e))?;
        Ok(out.arn().unwrap_or_default().to_owned())
    }
}
