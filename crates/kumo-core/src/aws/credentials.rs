//! Role credentials: from the keychain while they have more than five minutes left,
//! else fetched once (under the org lock, with a re-read after it is taken) however many
//! processes ask at the same moment.

use aws_sdk_sso::operation::get_role_credentials::GetRoleCredentialsError;

use crate::aws::org::OrgClient;
use crate::aws::session::{self, RoleCredentials};
use crate::aws::sign_in::Interaction;
use crate::aws::{AwsError, describe_sdk_error, status_of, verdict};
use crate::retry::Retry;
use crate::untrusted;
use crate::vault::SecretStore;

/// Credentials with less left than this are replaced before use.
pub const RENEW_MARGIN_SECS: i64 = 5 * 60;
const MAX_ATTEMPTS: u32 = 8;

/// The stored credentials of a role if they are good for at least five more minutes.
/// Touches nothing but the keychain: the fast path of `credential-process`.
pub fn cached(
    store: &dyn SecretStore,
    org: &str,
    account_id: &str,
    role: &str,
    now: i64,
) -> Result<Option<RoleCredentials>, AwsError> {
    Ok(
        session::load_credentials(store, org, account_id, role, now)?
            .filter(|c| c.seconds_left(now) > RENEW_MARGIN_SECS),
    )
}

impl OrgClient<'_> {
    pub async fn role_credentials(
        &self,
        account_id: &str,
        role: &str,
        interaction: &Interaction<'_>,
    ) -> Result<RoleCredentials, AwsError> {
        if let Some(c) = cached(self.store, self.name(), account_id, role, self.now())? {
            return Ok(c);
        }
        let _lock = self.lock().await?;
        if let Some(c) = cached(self.store, self.name(), account_id, role, self.now())? {
            return Ok(c);
        }
        let token = self.access_token_locked(interaction).await?;
        let fetched = Retry::STANDARD
            .attempts(MAX_ATTEMPTS)
            .run(None, verdict, || {
                self.portal
                    .get_role_credentials()
                    .access_token(&token)
                    .account_id(account_id)
                    .role_name(role)
                    .send()
            })
            .await;
        let out = match fetched {
            Ok(out) => out,
            Err(e)
                if status_of(&e) == Some(401)
                    || matches!(
                        e.as_service_error(),
                        Some(GetRoleCredentialsError::UnauthorizedException(_))
                    ) =>
            {
                self.drop_token()?;
                return Err(AwsError::SessionExpired(self.name().to_owned()));
            }
            Err(e) if status_of(&e) == Some(403) || status_of(&e) == Some(404) => {
                return Err(AwsError::NoAccess {
                    org: self.name().to_owned(),
                    account_id: account_id.to_owned(),
                    role: role.to_owned(),
                });
            }
            Err(e) => return Err(describe_sdk_error(self.name(), "GetRoleCredentials", &e)),
        };
        let Some(c) = out.role_credentials() else {
            return Err(AwsError::Service {
                org: self.name().to_owned(),
                operation: "GetRoleCredentials",
                message: "the answer held no credentials".into(),
            });
        };
        let (key_id, secret, token) = (
            c.access_key_id().unwrap_or_default(),
            c.secret_access_key().unwrap_or_default(),
            c.session_token().unwrap_or_default(),
        );
        // Credentials go into shell text and the SDKs' environment: outside their
        // alphabets they are refused, and (being secret) never shown.
        if !untrusted::access_key_id(key_id)
            || !untrusted::aws_secret(secret)
            || !untrusted::aws_secret(token)
        {
            return Err(AwsError::Service {
                org: self.name().to_owned(),
                operation: "GetRoleCredentials",
                message: "the answer held credentials that are not well-formed".into(),
            });
        }
        let credentials = RoleCredentials {
            access_key_id: key_id.to_owned(),
            secret_access_key: secret.to_owned(),
            session_token: token.to_owned(),
            // The portal gives epoch milliseconds.
            expires_at: if c.expiration() > 0 {
                c.expiration() / 1000
            } else {
                self.now()
            },
        };
        session::save_credentials(
            self.store,
            self.name(),
            account_id,
            role,
            &credentials,
            self.now(),
        )?;
        Ok(credentials)
    }
}
