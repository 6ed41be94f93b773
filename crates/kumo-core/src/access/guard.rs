//! Privileged targets are deliberate and time-boxed: their credentials, consoles and
//! profiles need a running elevation, started with a reason and recorded. Without one,
//! the access is refused at once (a script never silently gets admin keys) and the
//! refusal is recorded too.

use serde::Serialize;

use super::provider::Configured;
use super::{Error, Kumo, NextStep};
use crate::audit::{Event, Privilege};
use crate::guard::{self, Elevation};
use crate::target::{AwsRole, TargetId};

/// A running elevation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElevationView {
    pub target: String,
    pub reason: String,
    /// Epoch seconds.
    pub expires_at: i64,
}

impl From<Elevation> for ElevationView {
    fn from(e: Elevation) -> Self {
        Self {
            target: e.target,
            reason: e.reason,
            expires_at: e.expires_at,
        }
    }
}

/// The longest a reason may be.
const MAX_REASON_CHARS: usize = 500;

impl Kumo {
    /// The canonical id of a target a person named, and whether it is privileged.
    fn guarded(&self, target: &str) -> Result<(String, bool), Error> {
        let config = &self.ctx.config;
        let (id, source) = match TargetId::parse(target) {
            Ok(TargetId::Aws { .. }) | Err(_) => {
                let role = self.ctx.consoles().resolve_aws(target)?;
                return Ok((role.id().to_string(), self.is_privileged_role(&role)));
            }
            Ok(TargetId::Azure {
                tenant,
                subscription,
            }) => {
                let tenant = self.tenant(&tenant)?;
                let id = TargetId::azure(tenant.tenant.as_str(), &subscription).to_string();
                (id, Some(Configured::Azure(tenant)))
            }
            Ok(gcp) => (gcp.to_string(), config.gcp.as_ref().map(Configured::Gcp)),
        };
        // Tags and names come from that source's listing.
        let listed = match source {
            Some(source) => source.cached(&self.ctx)?.unwrap_or_default(),
            None => Vec::new(),
        };
        let privileged = listed
            .iter()
            .find(|t| t.id == id)
            .is_some_and(|t| guard::is_privileged(config, t));
        Ok((id, privileged))
    }

    fn is_privileged_role(&self, role: &AwsRole<'_>) -> bool {
        guard::is_privileged_role(&self.ctx.config, role.org.name.as_str(), &role.role)
    }

    /// The guard on an access to `target` (`what`: credentials, console, profile):
    /// `None` for a target that is not privileged; the elevation (or the guard being off)
    /// for one that is; a refusal, recorded, without a running elevation.
    pub(super) fn guard(&self, target: &str, what: &str) -> Result<Option<Privilege>, Error> {
        let (id, privileged) = self.guarded(target)?;
        self.admit(id, privileged, what)
    }

    /// [`Kumo::guard`] for an AWS role already resolved.
    pub(super) fn guard_role(
        &self,
        role: &AwsRole<'_>,
        what: &str,
    ) -> Result<Option<Privilege>, Error> {
        self.admit(role.id().to_string(), self.is_privileged_role(role), what)
    }

    fn admit(&self, id: String, privileged: bool, what: &str) -> Result<Option<Privilege>, Error> {
        if !privileged {
            return Ok(None);
        }
        if !self.ctx.config.guard.enabled {
            return Ok(Some(Privilege::GuardOff));
        }
        match guard::of(&self.ctx.env, self.now(), &id) {
            Some(elevation) => Ok(Some(Privilege::Elevated {
                until: elevation.expires_at,
                reason: elevation.reason,
            })),
            None => {
                self.record(&Event::Refused {
                    target: id.clone(),
                    access: what.to_owned(),
                })?;
                Err(Error {
                    message: format!(
                        "{id} is privileged and not elevated: no {what} without an elevation"
                    ),
                    next: Some(NextStep::Elevate { target: id }),
                })
            }
        }
    }

    /// Elevates a privileged `target` for `seconds` (default and most: `[guard]
    /// max_elevation`), for `reason`; recorded.
    pub fn elevate(
        &self,
        target: &str,
        reason: &str,
        seconds: Option<u64>,
    ) -> Result<ElevationView, Error> {
        let (id, privileged) = self.guarded(target)?;
        if !privileged {
            return Err(Error::new(format!(
                "{id} is not privileged: it opens without an elevation"
            )));
        }
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().any(char::is_control) {
            return Err(Error::new(
                "an elevation needs a reason: one line saying why (a ticket, an incident)",
            ));
        }
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(Error::new(format!(
                "the reason is longer than {MAX_REASON_CHARS} characters"
            )));
        }
        let most = self.ctx.config.guard.max_elevation.seconds();
        let seconds = seconds.unwrap_or(most);
        if seconds == 0 || seconds > most {
            return Err(Error::new(format!(
                "an elevation lasts at most {} here ([guard] max_elevation)",
                crate::duration::format(most)
            )));
        }
        let now = self.now();
        let elevation = Elevation {
            target: id.clone(),
            reason: reason.to_owned(),
            granted_at: now,
            expires_at: now + i64::try_from(seconds).unwrap_or(i64::MAX),
        };
        self.record(&Event::Elevated {
            target: id,
            reason: elevation.reason.clone(),
            until: elevation.expires_at,
        })?;
        guard::grant(&self.ctx.env, now, elevation.clone())?;
        Ok(elevation.into())
    }

    /// The elevations running now.
    pub fn elevations(&self) -> Vec<ElevationView> {
        guard::active(&self.ctx.env, self.now())
            .into_iter()
            .map(ElevationView::from)
            .collect()
    }

    /// Ends `target`'s elevation before its time; whether one was running.
    pub fn end_elevation(&self, target: &str) -> Result<bool, Error> {
        let (id, _) = self.guarded(target)?;
        let ended = guard::end(&self.ctx.env, self.now(), &id)?;
        if ended {
            self.record(&Event::ElevationEnded { target: id })?;
        }
        Ok(ended)
    }

    /// Whether a listed target is privileged, for the mark `kumo ls` and the app show.
    pub(super) fn mark_privileged(&self, targets: &mut [super::Target]) {
        for target in targets {
            target.privileged = guard::is_privileged(&self.ctx.config, target);
        }
    }
}
