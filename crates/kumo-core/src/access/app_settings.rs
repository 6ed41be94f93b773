//! The desktop app's settings as it shows them: what is chosen, what is found on this
//! machine, and what a console opens with when nothing is chosen.

use serde::Serialize;

use super::{Error, Kumo};
use crate::browser::installed;
pub use crate::settings::Settings;

#[derive(Debug, Clone, Serialize)]
pub struct SettingsView {
    #[serde(flatten)]
    pub chosen: Settings,
    /// The language spoken now: the chosen one, else the OS locale's.
    pub locale: &'static str,
    /// The browser families found on this machine.
    pub browsers_found: Vec<&'static str>,
    /// Where a console opens when the person picks nothing: the chosen browser, else
    /// the first isolating one found (unless `BROWSER` or the config names one, which
    /// then decide); `None` for those and the OS default.
    pub opens_in: Option<String>,
    /// What the company's config sets and the person cannot: shown, not chosen.
    pub zero_trust: ZeroTrustView,
}

/// The guard on privileged targets, the binding to the one identity and the audit
/// trail, as `[guard]`, `[identity]` and `[audit]` set them.
#[derive(Debug, Clone, Serialize)]
pub struct ZeroTrustView {
    /// Privileged targets need an elevation with a reason.
    pub guard: bool,
    /// The globs that make a target privileged (roles, then tags, then names).
    pub privileged: Vec<String>,
    /// The longest elevation, seconds.
    pub max_elevation_secs: u64,
    /// A cloud signed in as anyone but the company identity is refused, not only warned.
    pub require_match: bool,
    /// Where every credential, console and sign-in is recorded.
    pub audit_file: String,
}

impl From<crate::settings::SettingsError> for Error {
    fn from(e: crate::settings::SettingsError) -> Self {
        Error::new(e.to_string())
    }
}

impl Kumo {
    /// What the person chose, without the machine's browsers: for the start-up (the
    /// shortcut) and for saving, which need no `PATH` scan.
    pub fn chosen_settings(&self) -> Settings {
        Settings::load(&self.ctx.env)
    }

    pub fn settings(&self) -> SettingsView {
        let env = &self.ctx.env;
        let chosen = self.chosen_settings();
        let found = installed::installed(env);
        let someone_chose = env.get("BROWSER").is_some()
            || self.ctx.config.aws.iter().any(|org| org.browser.is_some());
        let opens_in = chosen.browser.clone().or_else(|| {
            (!someone_chose)
                .then(|| found.first().map(|(family, _)| family.name().to_owned()))
                .flatten()
        });
        let config = &self.ctx.config;
        let guard = &config.guard;
        let zero_trust = ZeroTrustView {
            guard: guard.enabled,
            privileged: [
                &guard.privileged,
                &guard.privileged_tags,
                &guard.privileged_names,
            ]
            .into_iter()
            .flatten()
            .cloned()
            .collect(),
            max_elevation_secs: guard.max_elevation.seconds(),
            require_match: config.identity.as_ref().is_some_and(|i| i.require_match),
            audit_file: crate::audit::trail(env, &config.audit)
                .path()
                .display()
                .to_string(),
        };
        SettingsView {
            zero_trust,
            locale: chosen.locale(env),
            browsers_found: found.iter().map(|(family, _)| family.name()).collect(),
            opens_in,
            chosen,
        }
    }

    /// The language the app speaks: the chosen one, else the OS locale's.
    pub fn locale(&self) -> &'static str {
        Settings::load(&self.ctx.env).locale(&self.ctx.env)
    }

    /// Saves `settings` (each value checked first); the view after.
    pub fn save_settings(&self, settings: &Settings) -> Result<SettingsView, Error> {
        settings.save(&self.ctx.env)?;
        Ok(self.settings())
    }
}
