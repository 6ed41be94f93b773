//! What a person makes of Kumo: stars, aliases and colours of targets, the order the list
//! shows them in, the tray's shortlist, and the first config.

use serde::Serialize;

use super::{Draft, Error, FieldError, Kumo, Target, TargetPrefs};
use crate::onboarding::{self, OnboardingError};
use crate::prefs::Prefs;

/// A target as the list shows it, with what the person made of it.
#[derive(Debug, Clone, Serialize)]
pub struct TargetView {
    #[serde(flatten)]
    pub target: Target,
    #[serde(flatten)]
    pub prefs: TargetPrefs,
}

/// Refused onboarding input: field-level messages, or one for the whole form.
#[derive(Debug, Clone, Serialize)]
pub struct OnboardingRefusal {
    pub fields: Vec<FieldError>,
    pub message: String,
}

impl Kumo {
    /// `targets` in the person's order (starred, then recent and frequent, then the
    /// rest), each with its preferences.
    pub fn views(&self, targets: Vec<Target>) -> Vec<TargetView> {
        let prefs = Prefs::load(&self.ctx.env);
        prefs
            .rank(targets, self.now())
            .into_iter()
            .map(|target| TargetView {
                prefs: prefs.get(&target.id),
                target,
            })
            .collect()
    }

    /// Stars or unstars a target; returns whether it is starred now.
    pub fn toggle_star(&self, id: &str) -> Result<bool, Error> {
        let mut prefs = Prefs::load(&self.ctx.env);
        let starred = prefs.toggle_star(id);
        prefs.save(&self.ctx.env)?;
        Ok(starred)
    }

    pub fn set_alias(&self, id: &str, alias: &str) -> Result<TargetPrefs, Error> {
        let mut prefs = Prefs::load(&self.ctx.env);
        prefs.set_alias(id, alias)?;
        prefs.save(&self.ctx.env)?;
        Ok(prefs.get(id))
    }

    pub fn set_colour(&self, id: &str, colour: Option<&str>) -> Result<TargetPrefs, Error> {
        let mut prefs = Prefs::load(&self.ctx.env);
        prefs.set_colour(id, colour)?;
        prefs.save(&self.ctx.env)?;
        Ok(prefs.get(id))
    }

    /// Starred, then recently opened targets, at most `max`: each id with its label.
    /// With `named`, labels come from the cached listing; without, aliases and ids
    /// stand in (at launch, before the caches are read).
    pub fn shortlist(&self, max: usize, named: bool) -> Vec<(String, String)> {
        let listed = if named {
            self.cached().targets
        } else {
            Vec::new()
        };
        Prefs::load(&self.ctx.env).shortlist_labelled(&listed, self.now(), max)
    }

    /// The checks of `kumo doctor`, in this workspace's environment.
    pub fn doctor(&self) -> super::DoctorReport {
        // The workspace's own store: the demo's is in memory, and never the OS keychain.
        crate::doctor::diagnose(&self.ctx.env, self.ctx.store.as_ref())
    }

    /// Onboarding: writes the first config where this process's environment puts it
    /// (never over an existing one) and opens the workspace it makes.
    pub fn save_config(draft: &Draft) -> Result<Kumo, OnboardingRefusal> {
        let whole = |message: String| OnboardingRefusal {
            fields: Vec::new(),
            message,
        };
        let path = super::config_file();
        onboarding::write(draft, &path).map_err(|e| match e {
            OnboardingError::Invalid(fields) => OnboardingRefusal {
                message: format!("{} field(s) need a change", fields.len()),
                fields,
            },
            other => whole(other.to_string()),
        })?;
        Kumo::load().map_err(|e| whole(e.to_string()))
    }
}
