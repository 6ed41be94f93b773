//! Handing a target to other tools: the environment variables that carry it (what
//! `kumo use` sets in a shell) and a command run with them (`kumo exec`), for long runs
//! through the loopback credential endpoint instead of variables that would expire.

use std::ffi::OsString;

use zeroize::Zeroizing;

use super::{Error, Feedback, Kumo, Prompt};
use crate::audit::{Caller, Event};
use crate::credential_server::{CredentialServer, Wanted};
use crate::identity::oidc;
use crate::target::TargetId;

/// Variables that point a tool at some other credentials or profile: removed wherever
/// Kumo sets a target's, so nothing outranks them in the SDKs' credential chain.
pub(super) const AWS_OTHER_SOURCES: &[&str] = &[
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
];

/// Credentials with less time left than this (a permission set's short session) are
/// served from the endpoint even without `--server`: a command started now may well
/// outlive them.
const SERVE_BELOW_SECS: i64 = 15 * 60;

/// A target's variables: remove `remove`, then set `set`. The values may hold secrets.
#[derive(Default)]
pub struct Variables {
    pub set: Vec<(String, Zeroizing<String>)>,
    pub remove: Vec<&'static str>,
    /// When the credentials they carry end, if they carry any.
    pub expires_at: Option<i64>,
}

impl std::fmt::Debug for Variables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.set.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("Variables")
            .field("set", &names)
            .field("remove", &self.remove)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl Variables {
    pub(super) fn set(&mut self, name: &str, value: impl Into<String>) {
        self.set
            .push((name.to_owned(), Zeroizing::new(value.into())));
    }
}

/// `kumo exec`: what to run, as which target.
#[derive(Debug)]
pub struct ExecRequest<'a> {
    /// A target id (names are resolved before).
    pub target: &'a str,
    /// The AWS region; the org's when left out.
    pub region: Option<&'a str>,
    /// Serve AWS credentials from the loopback endpoint, renewed as they near their end.
    pub server: bool,
    /// The program and its arguments.
    pub command: &'a [OsString],
    pub prompt: Prompt,
}

impl Kumo {
    /// The variables that hand `target` to the tools: for an AWS role its credentials
    /// (fetched as [`Kumo::credentials`] does: guarded and recorded) and region, for a
    /// subscription its tenant and id, for a project its id.
    pub async fn variables(
        &self,
        target: &str,
        region: Option<&str>,
        prompt: Prompt,
        feedback: &dyn Feedback,
    ) -> Result<Variables, Error> {
        let mut vars = Variables::default();
        match TargetId::parse(target)? {
            TargetId::Aws { .. } => {
                let region = self.region_of(target, region)?;
                let credentials = self.credentials(target, prompt, feedback).await?;
                let role = credentials.role_credentials();
                vars.remove = AWS_OTHER_SOURCES.to_vec();
                vars.set("AWS_ACCESS_KEY_ID", role.access_key_id.as_str());
                vars.set("AWS_SECRET_ACCESS_KEY", role.secret_access_key.as_str());
                vars.set("AWS_SESSION_TOKEN", role.session_token.as_str());
                vars.set("AWS_CREDENTIAL_EXPIRATION", super::rfc3339(role.expires_at));
                set_region(&mut vars, &region);
                vars.expires_at = Some(role.expires_at);
            }
            TargetId::Azure { .. } => {
                self.guard(target, "exec")?;
                let (tenant, subscription) = self.subscription_of(target)?;
                for name in ["AZURE_TENANT_ID", "ARM_TENANT_ID"] {
                    vars.set(name, tenant.as_str());
                }
                for name in ["AZURE_SUBSCRIPTION_ID", "ARM_SUBSCRIPTION_ID"] {
                    vars.set(name, subscription.as_str());
                }
            }
            TargetId::Gcp { project } => {
                self.guard(target, "exec")?;
                for name in ["CLOUDSDK_CORE_PROJECT", "GOOGLE_CLOUD_PROJECT"] {
                    vars.set(name, project.as_str());
                }
            }
        }
        vars.set("KUMO_TARGET", target);
        if let Some(at) = vars.expires_at {
            vars.set("KUMO_TARGET_EXPIRES", at.to_string());
        }
        Ok(vars)
    }

    /// Runs `request.command` with the target's variables and returns its exit status
    /// as a shell reports it. A Google Cloud project also gets the identity's access token
    /// in a file for gcloud (0600 under `XDG_RUNTIME_DIR`, removed when the command ends).
    pub async fn exec(
        &self,
        request: &ExecRequest<'_>,
        feedback: &dyn Feedback,
    ) -> Result<i32, Error> {
        if request.command.is_empty() {
            return Err(Error::new("name the command to run after `--`"));
        }
        let id = TargetId::parse(request.target)?;
        if matches!(id, TargetId::Aws { .. }) && request.server {
            // Refused at once when the guard or the session would refuse the first request.
            self.credentials(request.target, request.prompt, feedback)
                .await?;
            return self.exec_served(request, feedback).await;
        }
        let mut vars = self
            .variables(request.target, request.region, request.prompt, feedback)
            .await?;
        if vars
            .expires_at
            .is_some_and(|at| at - self.now() < SERVE_BELOW_SECS)
        {
            return self.exec_served(request, feedback).await;
        }
        let _token_file = match id {
            TargetId::Gcp { .. } => Some(self.gcloud_token_file(request.target, &mut vars).await?),
            _ => None,
        };
        run(request.command, &vars).await
    }

    /// `exec` with AWS credentials from the loopback endpoint, once the first were had:
    /// each request the child makes is answered through the guard and recorded, so an
    /// elevation that ends also ends what the command can take.
    async fn exec_served(
        &self,
        request: &ExecRequest<'_>,
        feedback: &dyn Feedback,
    ) -> Result<i32, Error> {
        let region = self.region_of(request.target, request.region)?;
        let server = CredentialServer::bind()
            .await
            .map_err(|e| Error::new(format!("cannot open the local credential endpoint: {e}")))?;
        let mut vars = Variables {
            remove: AWS_OTHER_SOURCES.to_vec(),
            ..Variables::default()
        };
        vars.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", server.uri());
        vars.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", server.token());
        set_region(&mut vars, &region);
        vars.set("KUMO_TARGET", request.target);
        let (requests, mut wanted) = tokio::sync::mpsc::channel::<Wanted>(8);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = tokio::spawn(server.serve(requests, async move {
            let _ = stopped.await;
        }));
        let child = run(request.command, &vars);
        tokio::pin!(child);
        let status = loop {
            tokio::select! {
                status = &mut child => break status,
                Some(reply) = wanted.recv() => {
                    let answer = self
                        .credentials(request.target, Prompt::Never, feedback)
                        .await
                        .map(|c| c.role_credentials().clone())
                        .map_err(|e| e.message);
                    let _ = reply.send(answer);
                }
            }
        };
        let _ = stop.send(());
        let _ = serving.await;
        status
    }

    /// The region for an AWS target: the one asked for, else its org's.
    fn region_of(&self, target: &str, region: Option<&str>) -> Result<String, Error> {
        let role = self.ctx.consoles().resolve_aws(target)?;
        Ok(region.map_or_else(|| role.org.region.to_string(), str::to_owned))
    }

    /// A subscription's tenant (as configured) and id.
    fn subscription_of(&self, target: &str) -> Result<(String, String), Error> {
        let TargetId::Azure {
            tenant,
            subscription,
        } = TargetId::parse(target)?
        else {
            unreachable!("called for subscriptions only")
        };
        Ok((self.tenant(&tenant)?.tenant.to_string(), subscription))
    }

    /// Writes the identity's access token where gcloud reads it, recorded as credentials
    /// issued for the project; the file goes when the returned handle is dropped.
    async fn gcloud_token_file(
        &self,
        target: &str,
        vars: &mut Variables,
    ) -> Result<tempfile::NamedTempFile, Error> {
        let config = oidc::configured(self.ctx.config.identity.as_ref(), &self.ctx.config_path)?;
        let (token, who) =
            oidc::access_token(config, &self.ctx.env, self.ctx.store.as_ref()).await?;
        let token = Zeroizing::new(token);
        let dir = crate::paths::runtime_dir(&self.ctx.env);
        crate::fsutil::private_dir(&dir)
            .map_err(|e| Error::new(format!("cannot create {}: {e}", dir.display())))?;
        let mut file = tempfile::Builder::new()
            .prefix("gcloud-token-")
            .tempfile_in(&dir)
            .map_err(|e| {
                Error::new(format!(
                    "cannot write the token file in {}: {e}",
                    dir.display()
                ))
            })?;
        std::io::Write::write_all(&mut file, token.as_bytes())
            .map_err(|e| Error::new(format!("cannot write the token file: {e}")))?;
        self.record(&Event::CredentialsIssued {
            target: target.to_owned(),
            expires_at: who.expires_at,
            from_keychain: true,
            caller: Caller::this_process(),
            privilege: self.guard(target, "exec")?,
        })?;
        vars.set(
            "CLOUDSDK_AUTH_ACCESS_TOKEN_FILE",
            file.path().display().to_string(),
        );
        Ok(file)
    }
}

fn set_region(vars: &mut Variables, region: &str) {
    vars.set("AWS_REGION", region);
    vars.set("AWS_DEFAULT_REGION", region);
}

#[cfg(unix)]
async fn run(command: &[OsString], vars: &Variables) -> Result<i32, Error> {
    crate::exec::run(&crate::exec::Child {
        command,
        set: &vars.set,
        remove: &vars.remove,
    })
    .await
    .map_err(|e| Error::new(e.to_string()))
}

#[cfg(not(unix))]
async fn run(_command: &[OsString], _vars: &Variables) -> Result<i32, Error> {
    Err(Error::new("`kumo exec` runs on Linux and macOS"))
}
