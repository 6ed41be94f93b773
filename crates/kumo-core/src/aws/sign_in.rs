//! Signing in to an org: client registration, the browser authorization-code flow with
//! PKCE (default) or the device flow, and silent refresh with the refresh token.

use std::time::Duration;

use aws_sdk_ssooidc::operation::create_token::builders::CreateTokenFluentBuilder;
use aws_sdk_ssooidc::operation::create_token::{CreateTokenError, CreateTokenOutput};
use url::Url;

use crate::aws::org::OrgClient;
use crate::aws::session::{self, Registration, Session, Token};
use crate::aws::sso_cache;
use crate::aws::{AwsError, describe_sdk_error, retrying, verdict};
use crate::browser::Browser;
use crate::environment::Environment;
use crate::feedback::Feedback;
use crate::loopback::CALLBACK_PATH;
use crate::oauth::{BROWSER_TIMEOUT, BrowserAuthorization, Person};
use crate::retry::Verdict;
use crate::sessions::{Outcome, Provider, REGISTRATION_WARN_SECS, Revocation, sign_in_due};

pub const SCOPE: &str = "sso:account:access";
const GRANT_DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";
const GRANT_AUTHORIZATION_CODE: &str = "authorization_code";
const GRANT_REFRESH_TOKEN: &str = "refresh_token";
/// A token with less left than this is not handed out at all.
const USABLE_MARGIN_SECS: i64 = 60;
/// Registrations are replaced at a sign-in in their last week (when the person is told
/// to sign in), never mid-sign-in.
const REGISTRATION_MARGIN_SECS: i64 = REGISTRATION_WARN_SECS;
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Authorization code with PKCE through the system browser and a loopback redirect.
    Browser,
    /// The device authorization flow: a code the person confirms on any device.
    DeviceCode,
}

impl Flow {
    /// The browser flow needs a browser on this machine: over SSH or without a display
    /// (and no `BROWSER` command) the device flow is the one that can work.
    pub fn for_environment(env: &Environment) -> Self {
        let remote = env.get("SSH_CONNECTION").is_some() || env.get("SSH_TTY").is_some();
        let headless = cfg!(all(unix, not(target_os = "macos")))
            && env.get("DISPLAY").is_none()
            && env.get("WAYLAND_DISPLAY").is_none();
        if env.get("BROWSER").is_none() && (remote || headless) {
            Flow::DeviceCode
        } else {
            Flow::Browser
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct LoginOptions {
    pub flow: Flow,
    /// Open the URL in the browser (else only print it).
    pub open_browser: bool,
    /// Sign in again even with a valid session.
    pub force: bool,
}

/// What a caller allows when no session can be had silently.
pub enum Interaction<'b> {
    /// Fail with "run `kumo login`".
    None,
    /// Start a sign-in (at most one across processes: it happens under the org lock).
    Login {
        options: LoginOptions,
        browser: &'b dyn Browser,
        feedback: &'b dyn Feedback,
    },
}

impl OrgClient<'_> {
    /// `kumo login`: makes sure a session exists, prompting only when it must; says how,
    /// and until when the access token lasts.
    pub async fn login(
        &self,
        options: LoginOptions,
        browser: &dyn Browser,
        feedback: &dyn Feedback,
    ) -> Result<(Outcome, i64), AwsError> {
        let _lock = self.lock().await?;
        let mut session = session::load_session(self.store, self.name())?;
        // A registration in its last week is replaced by this sign-in, so a person asked
        // to sign in before it ends is not told "already signed in".
        let registration_due = sign_in_due(
            session.registration.as_ref().map(|r| r.expires_at),
            self.now(),
        );
        if !options.force && !registration_due {
            if let Some(token) = &session.token
                && !token.needs_refresh(self.now())
            {
                return Ok((Outcome::AlreadySignedIn, token.expires_at));
            }
            if let Some(token) = self.refresh(&mut session).await? {
                return Ok((Outcome::Renewed, token.expires_at));
            }
        }
        let token = self
            .sign_in(&mut session, options, browser, feedback)
            .await?;
        Ok((Outcome::SignedIn, token.expires_at))
    }

    /// A usable access token: from the keychain, refreshed when close to expiry, or, as
    /// `interaction` allows, from a new sign-in. Callers that hold the lock pass `locked`.
    pub async fn access_token(&self, interaction: &Interaction<'_>) -> Result<String, AwsError> {
        let session = session::load_session(self.store, self.name())?;
        if let Some(token) = &session.token
            && !token.needs_refresh(self.now())
        {
            return Ok(token.access_token.clone());
        }
        let _lock = self.lock().await?;
        self.access_token_locked(interaction).await
    }

    /// As [`Self::access_token`], for a caller already holding the org lock. The session
    /// is read again: another process may have renewed it while this one waited.
    pub(crate) async fn access_token_locked(
        &self,
        interaction: &Interaction<'_>,
    ) -> Result<String, AwsError> {
        let mut session = session::load_session(self.store, self.name())?;
        if let Some(token) = &session.token
            && !token.needs_refresh(self.now())
        {
            return Ok(token.access_token.clone());
        }
        let had_session = session.token.is_some();
        if let Some(token) = self.refresh(&mut session).await? {
            return Ok(token.access_token);
        }
        if let Some(token) = &session.token
            && token.seconds_left(self.now()) > USABLE_MARGIN_SECS
        {
            return Ok(token.access_token.clone());
        }
        match interaction {
            Interaction::Login {
                options,
                browser,
                feedback,
            } => Ok(self
                .sign_in(&mut session, *options, *browser, *feedback)
                .await?
                .access_token),
            Interaction::None if had_session => {
                Err(AwsError::SessionExpired(self.name().to_owned()))
            }
            Interaction::None => Err(AwsError::NotSignedIn(self.name().to_owned())),
        }
    }

    /// `kumo logout`: ends the portal session (Identity Center's own revocation; best
    /// effort: the tokens are removed from the keychain even when the service cannot be
    /// reached) and forgets every secret, kernel keyring copies included. Returns whether
    /// there was a session, and what the portal did.
    pub async fn logout(&self) -> Result<(bool, Revocation), AwsError> {
        let _lock = self.lock().await?;
        let session = session::load_session(self.store, self.name())?;
        let revocation = match &session.token {
            Some(token) if token.seconds_left(self.now()) > 0 => {
                match self
                    .portal
                    .logout()
                    .access_token(&token.access_token)
                    .send()
                    .await
                {
                    Ok(_) => Revocation::Revoked,
                    Err(e) => Revocation::Failed(
                        describe_sdk_error(self.name(), "Logout", &e).to_string(),
                    ),
                }
            }
            _ => Revocation::NothingLive,
        };
        session::forget(self.store, self.name())?;
        if session.sso_cache
            && let Err(e) = sso_cache::remove(&self.sso_cache)
        {
            tracing::warn!(
                org = self.name(),
                "cannot remove the AWS CLI's SSO token cache: {e}"
            );
        }
        Ok((session.token.is_some(), revocation))
    }

    /// Forgets the token after the portal refused it, so the next caller signs in afresh.
    pub(crate) fn drop_token(&self) -> Result<(), AwsError> {
        let mut session = session::load_session(self.store, self.name())?;
        session.token = None;
        session::save_session(self.store, self.name(), &session)?;
        Ok(())
    }

    /// Renews the token with its refresh token. `Ok(None)` when there is nothing to
    /// refresh with or the service no longer accepts it (the token is then dropped).
    async fn refresh(&self, session: &mut Session) -> Result<Option<Token>, AwsError> {
        let (Some(registration), Some(refresh_token)) = (
            session.registration.clone(),
            session.token.as_ref().and_then(|t| t.refresh_token.clone()),
        ) else {
            return Ok(None);
        };
        if registration.expires_at <= self.now() {
            return Ok(None);
        }
        let result = retrying(|| {
            self.token_request(&registration, GRANT_REFRESH_TOKEN)
                .refresh_token(&refresh_token)
                .send()
        })
        .await;
        let refused = result.as_ref().err().is_some_and(|e| {
            matches!(
                e.as_service_error(),
                Some(
                    CreateTokenError::InvalidGrantException(_)
                        | CreateTokenError::InvalidClientException(_)
                        | CreateTokenError::ExpiredTokenException(_)
                )
            )
        });
        let outcome = match &result {
            Ok(_) => Ok(()),
            Err(_) if refused => Err((true, AwsError::SessionExpired(self.name().into()))),
            Err(e) => Err((false, describe_sdk_error(self.name(), "CreateToken", e))),
        };
        crate::renewals::refreshed(
            &self.env,
            Provider::Aws,
            self.name(),
            outcome.map_err(|(refused, e)| (refused, e.to_string())),
        );
        match result {
            Ok(out) => {
                let token = token_from(out, Some(refresh_token), self.now());
                session.token = Some(token.clone());
                session::save_session(self.store, self.name(), session)?;
                self.renew_sso_cache(session);
                tracing::info!(org = self.name(), "refreshed the access token");
                Ok(Some(token))
            }
            Err(_) if refused => {
                tracing::info!(org = self.name(), "the refresh token is no longer accepted");
                session.token = None;
                session::save_session(self.store, self.name(), session)?;
                Ok(None)
            }
            Err(e) => Err(describe_sdk_error(self.name(), "CreateToken", &e)),
        }
    }

    async fn sign_in(
        &self,
        session: &mut Session,
        options: LoginOptions,
        browser: &dyn Browser,
        feedback: &dyn Feedback,
    ) -> Result<Token, AwsError> {
        let registration = self.registration(session).await?;
        let person = Person {
            open_browser: options.open_browser,
            browser,
            feedback,
        };
        let token = match options.flow {
            Flow::Browser => self.browser_flow(&registration, &person).await?,
            Flow::DeviceCode => self.device_flow(&registration, &person).await?,
        };
        session.token = Some(token.clone());
        // A new sign-in may be another person's, or to another Identity Center under
        // this name: who it is is learnt again, and no earlier role credentials serve it.
        session.principal = None;
        session::drop_credentials(self.store, self.name())?;
        session::save_session(self.store, self.name(), session)?;
        // Whatever started it (a login, a credential request allowed to prompt), a
        // signed-in session renews again: an earlier refusal no longer holds.
        crate::renewals::refreshed(&self.env, Provider::Aws, self.name(), Ok(()));
        self.renew_sso_cache(session);
        Ok(token)
    }

    /// Writes the AWS CLI's SSO token cache and keeps it written at each renewal, until
    /// sign-out. Needs a live session.
    pub async fn write_sso_cache(&self) -> Result<std::path::PathBuf, AwsError> {
        let _lock = self.lock().await?;
        let mut session = session::load_session(self.store, self.name())?;
        if session
            .token
            .as_ref()
            .is_none_or(|t| t.seconds_left(self.now()) <= 0)
        {
            return Err(AwsError::NotSignedIn(self.name().to_owned()));
        }
        session.sso_cache = true;
        session::save_session(self.store, self.name(), &session)?;
        self.renew_sso_cache(&session);
        Ok(self.sso_cache.clone())
    }

    /// The AWS CLI's copy follows the keychain's token when the person asked for it; a
    /// failure to write it is a warning, never a failed renewal.
    fn renew_sso_cache(&self, session: &Session) {
        let (Some(token), Some(registration), true) =
            (&session.token, &session.registration, session.sso_cache)
        else {
            return;
        };
        if let Err(e) = sso_cache::write(&self.sso_cache, self.org, token, registration) {
            tracing::warn!(
                org = self.name(),
                "cannot write the AWS CLI's SSO token cache: {e}"
            );
        }
    }

    /// The stored client registration, or a new one when it is missing or lapsing.
    async fn registration(&self, session: &mut Session) -> Result<Registration, AwsError> {
        if let Some(r) = &session.registration
            && r.expires_at > self.now() + REGISTRATION_MARGIN_SECS
        {
            return Ok(r.clone());
        }
        let out = retrying(|| {
            self.oidc
                .register_client()
                .client_name(format!("kumo-{}", self.name()))
                .client_type("public")
                .scopes(SCOPE)
                .grant_types(GRANT_AUTHORIZATION_CODE)
                .grant_types(GRANT_REFRESH_TOKEN)
                .grant_types(GRANT_DEVICE_CODE)
                .redirect_uris(format!("http://127.0.0.1{CALLBACK_PATH}"))
                .issuer_url(self.org.start_url.as_str())
                .send()
        })
        .await
        .map_err(|e| describe_sdk_error(self.name(), "RegisterClient", &e))?;
        let registration = Registration {
            client_id: out.client_id().unwrap_or_default().to_owned(),
            client_secret: out.client_secret().unwrap_or_default().to_owned(),
            expires_at: out.client_secret_expires_at(),
        };
        session.registration = Some(registration.clone());
        session::save_session(self.store, self.name(), session)?;
        Ok(registration)
    }

    async fn browser_flow(
        &self,
        registration: &Registration,
        person: &Person<'_>,
    ) -> Result<Token, AwsError> {
        let loopback_error = |source| AwsError::Loopback {
            org: self.name().to_owned(),
            source,
        };
        let authorization = BrowserAuthorization::start()
            .await
            .map_err(loopback_error)?;
        let endpoint = Url::parse(&format!("{}/authorize", self.endpoints.oidc)).map_err(|e| {
            AwsError::Unreachable {
                org: self.name().to_owned(),
                operation: "Authorize",
                message: e.to_string(),
            }
        })?;
        let url = authorization.url(endpoint, &registration.client_id, &[("scopes", SCOPE)]);
        person.show(url.as_str(), "sign in");
        let authorized = authorization
            .finish(BROWSER_TIMEOUT)
            .await
            .map_err(loopback_error)?;
        let out = retrying(|| {
            self.token_request(registration, GRANT_AUTHORIZATION_CODE)
                .code(&authorized.code)
                .redirect_uri(&authorized.redirect_uri)
                .code_verifier(authorized.verifier.secret())
                .send()
        })
        .await
        .map_err(|e| describe_sdk_error(self.name(), "CreateToken", &e))?;
        Ok(token_from(out, None, self.now()))
    }

    async fn device_flow(
        &self,
        registration: &Registration,
        person: &Person<'_>,
    ) -> Result<Token, AwsError> {
        let device = retrying(|| {
            self.oidc
                .start_device_authorization()
                .client_id(&registration.client_id)
                .client_secret(&registration.client_secret)
                .start_url(self.org.start_url.as_str())
                .send()
        })
        .await
        .map_err(|e| describe_sdk_error(self.name(), "StartDeviceAuthorization", &e))?;
        let user_code = device.user_code().unwrap_or_default();
        let url = device
            .verification_uri_complete()
            .or(device.verification_uri())
            .unwrap_or_default();
        // The server chose this page: only an https one (http to this machine) is shown.
        let url = crate::untrusted::server_url(url).map_err(|e| AwsError::Service {
            org: self.name().to_owned(),
            operation: "StartDeviceAuthorization",
            message: format!("the verification page is refused: {e}"),
        })?;
        let url = url.as_str();
        person.feedback.say(&format!(
            "To sign in to `{}`, confirm the code {user_code} at:",
            self.name()
        ));
        person.show(url, "confirm the code");
        let mut interval = Duration::from_secs(device.interval().max(1) as u64);
        let deadline =
            tokio::time::Instant::now() + Duration::from_secs(device.expires_in().max(1) as u64);
        let device_code = device.device_code().unwrap_or_default();
        loop {
            tokio::time::sleep(interval).await;
            if tokio::time::Instant::now() > deadline {
                return Err(AwsError::SignInExpired(self.name().to_owned()));
            }
            let result = self
                .token_request(registration, GRANT_DEVICE_CODE)
                .device_code(device_code)
                .send()
                .await;
            match result {
                Ok(out) => return Ok(token_from(out, None, self.now())),
                // A transient failure costs one poll, not the sign-in.
                Err(e) if verdict(&e) != Verdict::Fatal => {}
                Err(e) => match e.as_service_error() {
                    Some(CreateTokenError::AuthorizationPendingException(_)) => {}
                    Some(CreateTokenError::SlowDownException(_)) => interval += SLOW_DOWN_STEP,
                    Some(CreateTokenError::ExpiredTokenException(_)) => {
                        return Err(AwsError::SignInExpired(self.name().to_owned()));
                    }
                    Some(CreateTokenError::AccessDeniedException(_)) => {
                        return Err(AwsError::SignInDenied(self.name().to_owned()));
                    }
                    _ => return Err(describe_sdk_error(self.name(), "CreateToken", &e)),
                },
            }
        }
    }

    /// A CreateToken request of this registration's client.
    fn token_request(
        &self,
        registration: &Registration,
        grant_type: &str,
    ) -> CreateTokenFluentBuilder {
        self.oidc
            .create_token()
            .client_id(&registration.client_id)
            .client_secret(&registration.client_secret)
            .grant_type(grant_type)
    }
}

fn token_from(out: CreateTokenOutput, previous_refresh: Option<String>, now: i64) -> Token {
    Token {
        access_token: out.access_token().unwrap_or_default().to_owned(),
        issued_at: now,
        expires_at: now + i64::from(out.expires_in()).clamp(0, crate::oauth::MAX_EXPIRES_IN),
        refresh_token: out.refresh_token().map(str::to_owned).or(previous_refresh),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssh_without_browser_means_the_device_flow() {
        let env = Environment::from_pairs([("SSH_CONNECTION", "1 2 3 4"), ("DISPLAY", ":0")]);
        assert_eq!(Flow::for_environment(&env), Flow::DeviceCode);
    }

    #[test]
    fn a_browser_command_keeps_the_browser_flow_even_headless() {
        let env = Environment::from_pairs([("BROWSER", "firefox")]);
        assert_eq!(Flow::for_environment(&env), Flow::Browser);
    }

    #[test]
    fn a_desktop_session_uses_the_browser_flow() {
        let env = Environment::from_pairs([("DISPLAY", ":0")]);
        assert_eq!(Flow::for_environment(&env), Flow::Browser);
    }
}
