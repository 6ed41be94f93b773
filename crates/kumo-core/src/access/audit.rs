//! Every access recorded as the verified company identity, and the record read back:
//! `kumo audit`, `kumo audit verify` and the app's Activity view. Kumo hands out nothing
//! it cannot record: a trail that cannot be written fails the access.

use serde::Serialize;

use super::{Error, Kumo};
use crate::audit::trail::{self, Verification};
use crate::audit::{self, Actor, Event};

/// The kinds of record, as `AuditQuery::kind` names them.
pub use crate::audit::KINDS as AUDIT_KINDS;
use crate::identity::oidc;

/// Which records to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuditQuery<'a> {
    /// Only records at or after this time (epoch seconds).
    pub since: Option<i64>,
    /// Only records whose target contains this, ignoring case.
    pub target: Option<&'a str>,
    /// Only records of this kind: sign_in, renewal, sign_out, credentials, console,
    /// export.
    pub kind: Option<&'a str>,
}

/// One record, as a person reads it; `line` is the OCSF record itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// Epoch seconds.
    pub time: i64,
    pub kind: String,
    pub target: Option<String>,
    /// Who did it: the company identity's email.
    pub actor: Option<String>,
    pub message: String,
    #[serde(skip)]
    pub line: String,
}

/// What a walk along the chain found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AuditVerification {
    Intact {
        events: usize,
    },
    Broken {
        file: String,
        line: usize,
        reason: String,
    },
}

impl Kumo {
    /// The company identity an access is done as, where one is signed in.
    pub(super) fn actor(&self) -> Option<Actor> {
        // Without an identity configured there is no one to look up: the keychain is
        // not asked (a lookup that finds nothing still costs a D-Bus round trip).
        self.ctx.config.identity.as_ref()?;
        oidc::whoami_fast(self.ctx.store.as_ref())
            .ok()
            .flatten()
            .map(|who| Actor {
                email: who.email,
                issuer: who.issuer,
            })
    }

    /// Records `event` in the trail (and the journal) as the signed-in identity.
    pub(super) fn record(&self, event: &Event) -> Result<(), Error> {
        self.record_as(event, self.actor().as_ref())
    }

    pub(super) fn record_as(&self, event: &Event, actor: Option<&Actor>) -> Result<(), Error> {
        audit::record(&self.ctx.env, &self.ctx.config.audit, event, actor)
            .map_err(|e| Error::new(format!("{e}; Kumo hands out nothing it cannot record")))
    }

    /// The records `query` asks for, oldest first.
    pub fn audit(&self, query: &AuditQuery<'_>) -> Result<Vec<AuditEntry>, Error> {
        Ok(self.audit_to_end(query)?.0)
    }

    /// The records `query` asks for, oldest first, and where the trail ends, for
    /// [`Kumo::audit_appended`] to read on from.
    pub fn audit_to_end(
        &self,
        query: &AuditQuery<'_>,
    ) -> Result<(Vec<AuditEntry>, AuditCursor), Error> {
        let trail = audit::trail(&self.ctx.env, &self.ctx.config.audit);
        let (lines, cursor) = trail
            .lines_to_end()
            .map_err(|e| Error::new(e.to_string()))?;
        let texts = lines.into_iter().map(|line| line.text);
        Ok((matching(query, texts), AuditCursor(cursor)))
    }

    /// The records `query` asks for among those appended since `cursor` (a rotation
    /// meanwhile included), moving it on: `kumo audit --follow` reads only what is new.
    pub fn audit_appended(
        &self,
        query: &AuditQuery<'_>,
        cursor: &mut AuditCursor,
    ) -> Result<Vec<AuditEntry>, Error> {
        let trail = audit::trail(&self.ctx.env, &self.ctx.config.audit);
        let texts = trail
            .appended(&mut cursor.0)
            .map_err(|e| Error::new(e.to_string()))?;
        Ok(matching(query, texts.into_iter()))
    }

    /// Walks the chain: the first line edited, removed or reordered, or "intact".
    pub fn audit_verify(&self) -> Result<AuditVerification, Error> {
        let trail = audit::trail(&self.ctx.env, &self.ctx.config.audit);
        Ok(
            match trail.verify().map_err(|e| Error::new(e.to_string()))? {
                Verification::Intact { events } => AuditVerification::Intact { events },
                Verification::Broken { file, line, reason } => AuditVerification::Broken {
                    file: file.display().to_string(),
                    line,
                    reason,
                },
            },
        )
    }
}

/// Where a reader of the trail has got to.
#[derive(Debug, Clone)]
pub struct AuditCursor(trail::Cursor);

/// The records among `lines` that `query` asks for.
fn matching(query: &AuditQuery<'_>, lines: impl Iterator<Item = String>) -> Vec<AuditEntry> {
    let wanted_target = query.target.map(str::to_lowercase);
    lines
        .filter_map(entry)
        .filter(|e| query.since.is_none_or(|since| e.time >= since))
        .filter(|e| query.kind.is_none_or(|kind| e.kind == kind))
        .filter(|e| {
            wanted_target.as_deref().is_none_or(|wanted| {
                e.target
                    .as_deref()
                    .is_some_and(|t| t.to_lowercase().contains(wanted))
            })
        })
        .collect()
}

/// A record read back; a line that is not one is left to `audit verify` to report.
fn entry(line: String) -> Option<AuditEntry> {
    let record: serde_json::Value = serde_json::from_str(&line).ok()?;
    let text = |value: &serde_json::Value| value.as_str().map(str::to_owned);
    Some(AuditEntry {
        time: record["time"].as_i64()? / 1000,
        kind: text(&record["unmapped"]["kumo_event"])?,
        target: text(&record["unmapped"]["target"]),
        actor: text(&record["actor"]["user"]["email_addr"]),
        message: text(&record["message"]).unwrap_or_default(),
        line,
    })
}
