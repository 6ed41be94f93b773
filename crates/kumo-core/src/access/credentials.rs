//! An AWS target's role credentials: from the keychain on a synchronous fast path (no
//! runtime, no network: what keeps `credential_process` at a few milliseconds), else
//! fetched once however many processes ask at the same moment.

use zeroize::Zeroizing;

use super::{CredentialFormat, Error, Feedback, Kumo, Prompt};
use crate::audit::{Caller, Event, Privilege};
use crate::aws::credentials;
use crate::aws::org::OrgClient;
use crate::aws::session::RoleCredentials;
use crate::export::env::render;
use crate::target::AwsRole;

/// A role let through the guard, with its credentials when the keychain holds them.
struct Admitted<'a> {
    role: AwsRole<'a>,
    privilege: Option<Privilege>,
    stored: Option<Credentials>,
}

/// How credentials are handed out, for the record.
struct Issued {
    from_keychain: bool,
    caller: Caller,
    privilege: Option<Privilege>,
}

/// Role credentials. Secret: shown only as the text a caller asked for.
pub struct Credentials(RoleCredentials);

impl Credentials {
    /// The text for the caller, in `format`; it holds the secret and is wiped on drop.
    pub fn render(&self, format: CredentialFormat) -> Zeroizing<String> {
        Zeroizing::new(render(&self.0, format))
    }

    pub fn access_key_id(&self) -> &str {
        &self.0.access_key_id
    }

    pub fn expires_at(&self) -> i64 {
        self.0.expires_at
    }

    pub(super) fn role_credentials(&self) -> &RoleCredentials {
        &self.0
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.0.access_key_id)
            .field("expires_at", &self.0.expires_at)
            .finish_non_exhaustive()
    }
}

impl Kumo {
    /// TARGET's credentials: from the keychain, else fetched (signing in as `prompt`
    /// allows), single-flight across processes.
    pub async fn credentials(
        &self,
        target: &str,
        prompt: Prompt,
        feedback: &dyn Feedback,
    ) -> Result<Credentials, Error> {
        let Admitted {
            role,
            privilege,
            stored,
        } = self.admitted(target)?;
        let from_keychain = stored.is_some();
        let credentials = match stored {
            Some(fresh) => fresh,
            None => self.fetch(&role, prompt, feedback).await?,
        };
        let issued = Issued {
            from_keychain,
            caller: Caller::this_process(),
            privilege,
        };
        self.issue(&role, credentials, issued)
    }

    /// TARGET's credentials for a front end without a runtime: the keychain's when they
    /// are fresh, read without starting one and without any network (the few
    /// milliseconds of `credential_process`), else fetched as [`Kumo::credentials`] does.
    pub fn credentials_now(
        &self,
        target: &str,
        prompt: Prompt,
        feedback: &dyn Feedback,
    ) -> Result<Credentials, Error> {
        let Admitted {
            role,
            privilege,
            stored,
        } = self.admitted(target)?;
        let from_keychain = stored.is_some();
        let credentials = match stored {
            Some(fresh) => fresh,
            None => super::block_on(self.fetch(&role, prompt, feedback))??,
        };
        let issued = Issued {
            from_keychain,
            // A front end without a runtime is a command line: its parent asked.
            caller: Caller::parent(),
            privilege,
        };
        self.issue(&role, credentials, issued)
    }

    /// When the keychain's credentials for TARGET end, if it holds fresh ones: what the
    /// app's details pane shows. Nothing is handed out, so nothing is recorded.
    pub fn credentials_end(&self, target: &str) -> Option<i64> {
        let role = self.ctx.consoles().resolve_aws(target).ok()?;
        self.stored(&role).ok().flatten().map(|c| c.expires_at())
    }

    /// The role's credentials in the keychain, while fresh.
    fn stored(&self, role: &AwsRole<'_>) -> Result<Option<Credentials>, Error> {
        let stored = credentials::cached(
            self.ctx.store.as_ref(),
            role.org.name.as_str(),
            &role.account_id,
            &role.role,
            self.now(),
        )?;
        Ok(stored.map(Credentials))
    }

    /// Hands out credentials once the trail has recorded who took them. A privileged
    /// role's are not left in the kernel keyring, which would outlive the elevation.
    fn issue(
        &self,
        role: &AwsRole<'_>,
        credentials: Credentials,
        issued: Issued,
    ) -> Result<Credentials, Error> {
        if let Some(Privilege::Elevated { .. }) = issued.privilege {
            crate::aws::session::drop_kernel_copy(
                self.ctx.store.as_ref(),
                role.org.name.as_str(),
                &role.account_id,
                &role.role,
            );
        }
        self.record(&Event::CredentialsIssued {
            target: role.id().to_string(),
            expires_at: credentials.expires_at(),
            from_keychain: issued.from_keychain,
            caller: issued.caller,
            privilege: issued.privilege,
        })?;
        Ok(credentials)
    }

    /// The role TARGET names (resolved once), let through the guard, and its credentials
    /// when the keychain holds fresh ones. A refusal comes before the keychain is read.
    fn admitted(&self, target: &str) -> Result<Admitted<'_>, Error> {
        let role = self.ctx.consoles().resolve_aws(target)?;
        let privilege = self.guard_role(&role, "credentials")?;
        let stored = self.stored(&role)?;
        Ok(Admitted {
            role,
            privilege,
            stored,
        })
    }

    /// What `credential_process` prints for TARGET, where only an org's `auto_login` may
    /// start a sign-in.
    pub fn credential_process(
        &self,
        target: &str,
        feedback: &dyn Feedback,
    ) -> Result<Zeroizing<String>, Error> {
        let credentials = self.credentials_now(target, Prompt::IfOrgAllows, feedback)?;
        Ok(credentials.render(CredentialFormat::Process))
    }

    async fn fetch(
        &self,
        t: &AwsRole<'_>,
        prompt: Prompt,
        feedback: &dyn Feedback,
    ) -> Result<Credentials, Error> {
        let browser = self.sign_in_browser()?;
        let interaction = self.interaction(prompt, t.org, browser.as_ref(), feedback);
        let client = OrgClient::new(t.org, &self.ctx.env, self.ctx.store.as_ref());
        client
            .role_credentials(&t.account_id, &t.role, &interaction)
            .await
            .map(Credentials)
            .map_err(|e| Error::from(e).context(format!("no credentials for {}", t.id())))
    }
}
