//! The access layer: the one door of kumo-core. Every sign-in, listing, credential,
//! console and export of the CLI and the app passes through [`Kumo`], so what must hold
//! for every access (the record of a console opened, who may be prompted to sign in)
//! holds once, here. Front ends import only this module and the types it names.

mod app_settings;
mod audit;
mod binding;
mod console;
mod credentials;
#[cfg(feature = "demo")]
mod demo;
mod error;
mod exec;
mod export;
mod guard;
mod keychain;
mod listing;
mod personal;
mod provider;
mod resolve;
mod shell;
mod sign_in;
#[cfg(test)]
mod tests;

use std::future::Future;
use std::path::Path;

pub use crate::doctor::{Check, DoctorReport, Status};
pub use crate::duration::parse as parse_duration;
pub use crate::export::env::Format as CredentialFormat;
pub use crate::export::shell::{Shell, USED as USED_VARIABLES};
pub use crate::feedback::{Feedback, Silent};
pub use crate::onboarding::{Draft, FieldError};
pub use crate::prefs::TargetPrefs;
pub use crate::reminders::{Reminder, ReminderKind, Reminders};
pub use crate::sessions::{
    Outcome, Provider, RenewalFailure, Revocation, SessionReport, SessionStatus,
};
pub use crate::target::list::{Changes, LIST_FORMAT_VERSION, Target, TargetList};
pub use crate::untrusted::for_terminal;
pub use app_settings::{Settings, SettingsView, ZeroTrustView};
pub use audit::{AUDIT_KINDS, AuditCursor, AuditEntry, AuditQuery, AuditVerification};
pub use binding::Principal;
pub use console::ConsoleRequest;
pub use credentials::Credentials;
pub use error::{Error, NextStep, SignInReason};
pub use exec::{ExecRequest, Variables};
pub use export::{
    AwsExport, AwsExported, GcloudExport, GcloudExported, OrgProfiles, ProfileExport, ProfileMode,
};
pub use guard::ElevationView;
pub use keychain::KeychainState;
pub use listing::{Cloud, ListRequest, Listing, Relisted, SourceError};
pub use personal::{OnboardingRefusal, TargetView};
pub use resolve::Resolved;
pub use shell::{UseRequest, Used, shell_init, unuse_script};
pub use sign_in::{Identity, SignInOptions, SignInScope, SignOutScope, SignedIn, SignedOut};

use crate::aws::sign_in::{Flow, Interaction, LoginOptions};
use crate::browser::{Browser, FollowingBrowser, SystemBrowser};
use crate::config::AwsOrg;
use crate::context::Context;
use crate::environment::Environment;

/// Kumo's own log targets: what a bare level in `KUMO_LOG` applies to.
const LOG_TARGETS: [&str; 4] = ["kumo", "kumo_core", "kumo_cli", "kumo_app"];

/// The `tracing` filter for `KUMO_LOG` (else `default`): a bare level (`debug`) applies
/// to Kumo's own targets only, so the HTTP and TLS libraries below, which can log
/// headers and bodies, stay quiet unless a directive names them (`hyper=debug`).
pub fn log_filter(kumo_log: Option<&str>, default: &str) -> String {
    let Some(value) = kumo_log.map(str::trim).filter(|v| !v.is_empty()) else {
        return default.to_owned();
    };
    value
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .flat_map(|directive| {
            let bare_level = !directive.contains(['=', '[', ':'])
                && directive.parse::<tracing::Level>().is_ok()
                || directive.eq_ignore_ascii_case("off");
            if bare_level {
                LOG_TARGETS
                    .iter()
                    .map(|t| format!("{t}={directive}"))
                    .collect::<Vec<_>>()
            } else {
                vec![directive.to_owned()]
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// When a use case may start a sign-in of its own, for a session that is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// Never: fail with the sign-in as the next step.
    Never,
    /// A person is there to answer it.
    Always,
    /// Only for an org whose config allows a script to start one (`auto_login`).
    IfOrgAllows,
}

/// Kumo over one workspace: the person's config, caches and keychain, or the demo's.
pub struct Kumo {
    ctx: Context,
    /// Sign-ins go to a stand-in user who follows the stand-in cloud's redirects (the
    /// demo's, and in-process tests'), not to a person's browser.
    stand_in_user: bool,
    #[cfg(feature = "demo")]
    demo: Option<kumo_fake::demo::DemoCloud>,
}

impl Kumo {
    /// The person's workspace, as this process's environment names it; a missing config
    /// file is an empty config.
    pub fn load() -> Result<Self, Error> {
        Ok(Self::over(Context::load()?))
    }

    /// The workspace these variables name, as a process with only them in its
    /// environment would see it (a test's view of what the app or the CLI reads).
    pub fn load_from<K: Into<String>, V: Into<String>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, Error> {
        Ok(Self::over(Context::from_env(Environment::from_pairs(
            vars,
        ))?))
    }

    /// What every command prints on stderr while endpoint overrides are in effect (they
    /// receive sign-in tokens and credentials), naming each, and for each endpoint
    /// variable that is set but not used; `None` without either.
    pub fn override_warning(&self) -> Option<String> {
        crate::overrides::warning(
            &self.endpoint_overrides_in_effect(),
            &crate::overrides::invalid(&self.ctx.env),
        )
    }

    /// Each endpoint override in effect, as `where = url`.
    pub fn endpoint_overrides(&self) -> Vec<String> {
        self.endpoint_overrides_in_effect()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn endpoint_overrides_in_effect(&self) -> Vec<crate::overrides::Override> {
        #[cfg(feature = "demo")]
        if self.demo.is_some() {
            // The demo's stand-in cloud is Kumo's own, on this machine.
            return Vec::new();
        }
        crate::overrides::in_effect(&self.ctx.config, &self.ctx.env)
    }

    fn over(ctx: Context) -> Self {
        Self {
            ctx,
            stand_in_user: false,
            #[cfg(feature = "demo")]
            demo: None,
        }
    }

    pub fn config_path(&self) -> &Path {
        &self.ctx.config_path
    }

    /// Whether anything is configured to sign in to.
    pub fn is_configured(&self) -> bool {
        let config = &self.ctx.config;
        config.identity.is_some() || !config.aws.is_empty() || !config.azure.is_empty()
    }

    pub fn is_demo(&self) -> bool {
        #[cfg(feature = "demo")]
        return self.demo.is_some();
        #[cfg(not(feature = "demo"))]
        false
    }

    /// Now, in epoch seconds.
    pub fn now(&self) -> i64 {
        self.ctx.env.now()
    }

    /// The app's single-instance name on the D-Bus session bus: one per workspace (its
    /// lock dir), so workspaces side by side on one bus (the tests') each have their app.
    pub fn instance_name(&self) -> String {
        use sha2::Digest;
        let dir = crate::paths::lock_dir(&self.ctx.env);
        let digest = sha2::Sha256::digest(dir.as_os_str().as_encoded_bytes());
        format!("dev.kumo.app.w{}", crate::hex::hex(&digest[..8]))
    }

    /// Where sign-ins go: the person's browser, or in the demo a stand-in user who
    /// follows the demo cloud's redirects back to Kumo.
    fn sign_in_browser(&self) -> Result<Box<dyn Browser>, Error> {
        if self.stand_in_user {
            Ok(Box::new(FollowingBrowser))
        } else {
            Ok(Box::new(SystemBrowser::from_env(&self.ctx.env)?))
        }
    }

    /// The sign-in flow this machine supports: the browser where one can open, else the
    /// device flow. The demo's stand-in user always has a browser.
    fn flow(&self) -> Flow {
        if self.stand_in_user {
            Flow::Browser
        } else {
            Flow::for_environment(&self.ctx.env)
        }
    }

    /// What `prompt` allows for `org` when its session is gone.
    fn interaction<'b>(
        &self,
        prompt: Prompt,
        org: &AwsOrg,
        browser: &'b dyn Browser,
        feedback: &'b dyn Feedback,
    ) -> Interaction<'b> {
        let allowed = match prompt {
            Prompt::Never => false,
            Prompt::Always => true,
            Prompt::IfOrgAllows => org.auto_login,
        };
        if !allowed {
            return Interaction::None;
        }
        Interaction::Login {
            options: LoginOptions {
                flow: self.flow(),
                open_browser: true,
                force: false,
            },
            browser,
            feedback,
        }
    }
}

/// What `kumo doctor` checks, in this process's environment: it works with a broken
/// config, which is one of the things it reports.
pub fn doctor() -> DoctorReport {
    let env = Environment::from_process();
    crate::doctor::diagnose(&env, crate::vault::store_for(&env).as_ref())
}

/// Where this process's environment puts the config file.
pub fn config_file() -> std::path::PathBuf {
    crate::paths::config_file(&Environment::from_process())
}

/// Runs async work of the access layer to its end, for front ends without a runtime of
/// their own (the CLI): two workers, as many as the machine Kumo is built for has cores.
pub fn block_on<F: Future>(work: F) -> Result<F::Output, Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::new(format!("cannot start Kumo's async runtime: {e}")))?;
    Ok(runtime.block_on(work))
}

/// The RFC 3339 (UTC) form of epoch seconds, as the SDKs print expiry times.
pub fn rfc3339(epoch_secs: i64) -> String {
    crate::export::env::rfc3339(epoch_secs)
}
