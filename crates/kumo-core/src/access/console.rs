//! Opening a target's console, whatever its cloud, and recording the open: the CLI's
//! `kumo console` and the app's Enter count alike in the recent and frequent order.

use zeroize::Zeroizing;

use super::{Error, Feedback, Kumo, Prompt};
use crate::audit::{Event, Privilege};
use crate::aws::select_org;
use crate::aws::sign_in::Interaction;
use crate::browser::launcher::Console;
use crate::config::BrowserName;
use crate::handoff::{self, Handoff, HandoffError};
use crate::launch::Options;
use crate::prefs::Prefs;
use crate::target::TargetId;

/// Which console to open, and how.
#[derive(Debug, Clone, Default)]
pub struct ConsoleRequest<'a> {
    /// `aws:…`, `azure:<tenant>/<subscription>` or `gcp:<project>`.
    pub target: &'a str,
    /// The AWS console's region (default: the org's).
    pub region: Option<&'a str>,
    /// An AWS service to land on (`ec2`, `s3`, …).
    pub service: Option<&'a str>,
    /// An https URL of the AWS console to land on.
    pub destination: Option<&'a str>,
    /// chrome, chromium, brave, edge, vivaldi, firefox or default; overrides the config.
    pub browser: Option<&'a str>,
    /// Open in the browser's everyday profile, not the target's own.
    pub no_isolation: bool,
}

impl Kumo {
    async fn console(
        &self,
        request: &ConsoleRequest<'_>,
        prompt: Prompt,
        feedback: &dyn Feedback,
    ) -> Result<(Console, Option<Privilege>), Error> {
        let privilege = self.guard(request.target, "console")?;
        let browser = request
            .browser
            .map(|b| {
                BrowserName::parse(b).ok_or_else(|| {
                    Error::new(format!(
                        "unknown browser `{b}`: use chrome, chromium, brave, edge, vivaldi, firefox or default"
                    ))
                })
            })
            .transpose()?;
        let options = Options {
            region: request.region,
            service: request.service,
            destination: request.destination,
            browser,
            no_isolation: request.no_isolation,
            // A privileged console lasts no longer than its elevation.
            session_limit: match &privilege {
                Some(Privilege::Elevated { until, .. }) => {
                    Some(u32::try_from((until - self.now()).max(0)).unwrap_or(u32::MAX))
                }
                _ => None,
            },
        };
        // Only an AWS console signs in: the others open the portal as the person.
        let sign_in_browser;
        let interaction = if let TargetId::Aws { org, .. } = TargetId::parse(request.target)? {
            let org = select_org(&self.ctx.config, org.as_deref(), &self.ctx.config_path)?;
            sign_in_browser = self.sign_in_browser()?;
            self.interaction(prompt, org, sign_in_browser.as_ref(), feedback)
        } else {
            Interaction::None
        };
        let console = self
            .ctx
            .consoles()
            .console(request.target, &options, &interaction)
            .await?;
        Ok((console, privilege))
    }

    /// Records a console opened in its browser (`opened`), or its sign-in URL handed out.
    fn record_console(
        &self,
        console: &Console,
        privilege: Option<Privilege>,
        opened: bool,
    ) -> Result<(), Error> {
        self.record(&Event::ConsoleOpened {
            target: console.id.clone(),
            destination: console.destination.clone(),
            browser: opened.then(|| console.browser.name().to_owned()),
            profile: opened
                .then(|| console.context.as_ref().map(|c| c.label.clone()))
                .flatten(),
            privilege,
        })
    }

    /// The console's sign-in URL, for the person to open themselves. Not counted as an
    /// open (nothing was opened), but recorded in the audit trail: the URL signs in.
    pub async fn console_url(
        &self,
        request: &ConsoleRequest<'_>,
        prompt: Prompt,
        feedback: &dyn Feedback,
    ) -> Result<String, Error> {
        let (console, privilege) = self.console(request, prompt, feedback).await?;
        self.record_console(&console, privilege, false)?;
        Ok(console.url)
    }

    /// Opens the console in its browser and records the open; returns the target's id.
    pub async fn open_console(
        &self,
        request: &ConsoleRequest<'_>,
        prompt: Prompt,
        feedback: &dyn Feedback,
    ) -> Result<String, Error> {
        let (mut console, privilege) = self.console(request, prompt, feedback).await?;
        self.record_console(&console, privilege, true)?;
        if console.signs_in {
            // The sign-in token stays out of the browser's argv: it gets a one-shot
            // local page that redirects once.
            let handoff = Handoff::bind().await.map_err(HandoffError::from)?;
            let signin = Zeroizing::new(std::mem::replace(
                &mut console.url,
                handoff.url().to_owned(),
            ));
            self.ctx.launcher.open(&console)?;
            handoff.redirect_once(signin, handoff::TIMEOUT).await?;
        } else {
            self.ctx.launcher.open(&console)?;
        }
        tracing::info!(target = %console.id, "opened a console");
        let mut prefs = Prefs::load(&self.ctx.env);
        prefs.record_open(&console.id, self.now());
        prefs.save(&self.ctx.env)?;
        Ok(console.id)
    }
}
