//! When to tell a person something about a session: only when they must act. A session
//! that Kumo renews by itself is never announced; one that cannot renew is announced
//! [`WARN_BEFORE_SECS`] before it ends; a provider that refused a renewal, or an org's
//! client registration within a week of its end, is announced once as a sign-in needed.

use std::collections::HashSet;

use crate::sessions::{Provider, SessionStatus, WARN_BEFORE_SECS};

/// One thing to tell; the app words it in its language (`src-tauri/src/words.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub provider: Provider,
    /// Who is signed in where the provider says (the identity's email), else the
    /// session's name (the org, the tenant).
    pub name: String,
    /// The session's own name (the org, the tenant, the issuer), for the sign-in.
    pub session: String,
    pub kind: ReminderKind,
    /// When it was due (epoch seconds), for the words that count time.
    pub now: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderKind {
    /// A session that cannot renew ends in this many seconds.
    EndsIn(i64),
    /// Only a sign-in continues it.
    SignInNeeded,
    /// Renewals keep failing to reach the provider; the session itself may be fine.
    Unreachable,
    /// The session renews until its sign-in's known end (an org's client registration)
    /// at this time; a person must sign in before.
    SignInBy(i64),
}

/// The reminders already given: each event once, until it no longer holds (a session
/// renewed to a new end, a sign-in done), so that a later one is told again.
#[derive(Debug, Default)]
pub struct Reminders {
    given: HashSet<Event>,
}

/// A session's end (by its time), its need of a sign-in, or its provider out of reach.
type Event = (Provider, String, EventKind);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum EventKind {
    Ends(Option<i64>),
    SignInNeeded,
    Unreachable,
    SignInBy(i64),
}

fn events(s: &SessionStatus) -> Vec<Event> {
    let mut events = vec![(s.provider, s.name.clone(), EventKind::Ends(s.expires_at))];
    if s.needs_sign_in {
        events.push((s.provider, s.name.clone(), EventKind::SignInNeeded));
    }
    if s.unreachable {
        events.push((s.provider, s.name.clone(), EventKind::Unreachable));
    }
    if let Some(end) = s.sign_in_ends_at {
        events.push((s.provider, s.name.clone(), EventKind::SignInBy(end)));
    }
    events
}

impl Reminders {
    /// What to tell now, each once.
    pub fn due(&mut self, statuses: &[SessionStatus], now: i64) -> Vec<Reminder> {
        // Only events that still hold are remembered, so this never grows.
        let holding: HashSet<Event> = statuses.iter().flat_map(events).collect();
        self.given.retain(|e| holding.contains(e));
        let mut due = Vec::new();
        for s in statuses {
            let (kind, event) = if s.needs_sign_in {
                (ReminderKind::SignInNeeded, EventKind::SignInNeeded)
            } else if s.unreachable {
                (ReminderKind::Unreachable, EventKind::Unreachable)
            } else if let Some(end) = s
                .sign_in_ends_at
                .filter(|end| s.renews && *end > now && s.sign_in_due(now))
            {
                (ReminderKind::SignInBy(end), EventKind::SignInBy(end))
            } else if s.ends_soon(now) {
                let end = s.expires_at.unwrap_or(now);
                (ReminderKind::EndsIn(end - now), EventKind::Ends(Some(end)))
            } else {
                continue;
            };
            if self.given.insert((s.provider, s.name.clone(), event)) {
                due.push(Reminder {
                    provider: s.provider,
                    name: s.account.clone().unwrap_or_else(|| s.name.clone()),
                    session: s.name.clone(),
                    kind,
                    now,
                });
            }
        }
        due
    }

    /// When the next end falls due for a reminder (epoch seconds), if a session that
    /// cannot renew has one ahead: what to sleep until.
    pub fn next_due(statuses: &[SessionStatus], now: i64) -> Option<i64> {
        statuses
            .iter()
            .filter(|s| !s.renews)
            .filter_map(|s| s.expires_at)
            .map(|expires_at| expires_at - WARN_BEFORE_SECS)
            .filter(|due| *due > now)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_000_000;

    fn kinds(due: &[Reminder]) -> Vec<ReminderKind> {
        due.iter().map(|r| r.kind).collect()
    }

    fn aws(expires_at: Option<i64>, renews: bool) -> SessionStatus {
        SessionStatus {
            provider: Provider::Aws,
            name: "acme".into(),
            account: None,
            expires_at,
            renews,
            needs_sign_in: false,
            unreachable: false,
            sign_in_ends_at: None,
        }
    }

    #[test]
    fn a_session_that_renews_by_itself_is_never_announced() {
        let mut reminders = Reminders::default();
        assert_eq!(reminders.due(&[aws(Some(NOW + 60), true)], NOW), []);
        assert_eq!(
            Reminders::next_due(&[aws(Some(NOW + 3600), true)], NOW),
            None
        );
    }

    #[test]
    fn a_session_that_cannot_renew_is_announced_once_before_it_ends() {
        let mut reminders = Reminders::default();
        let statuses = [aws(Some(NOW + 14 * 60), false)];
        let due = reminders.due(&statuses, NOW);
        assert_eq!(kinds(&due), [ReminderKind::EndsIn(14 * 60)]);
        assert_eq!(reminders.due(&statuses, NOW + 60), []);
    }

    #[test]
    fn a_needed_sign_in_is_announced_once_until_it_is_done() {
        let mut reminders = Reminders::default();
        let refused = SessionStatus {
            account: Some("dev@acme.com".into()),
            needs_sign_in: true,
            ..aws(None, false)
        };
        let due = reminders.due(std::slice::from_ref(&refused), NOW);
        assert_eq!(kinds(&due), [ReminderKind::SignInNeeded]);
        assert_eq!(
            (due[0].name.as_str(), due[0].session.as_str()),
            ("dev@acme.com", "acme")
        );
        assert_eq!(reminders.due(std::slice::from_ref(&refused), NOW + 600), []);
        let signed_in = aws(Some(NOW + 3600), true);
        assert_eq!(reminders.due(&[signed_in], NOW + 700), []);
        assert_eq!(reminders.due(&[refused], NOW + 800).len(), 1);
    }

    #[test]
    fn a_provider_out_of_reach_is_told_as_such_once() {
        let mut reminders = Reminders::default();
        let unreachable = SessionStatus {
            unreachable: true,
            ..aws(Some(NOW + 60), true)
        };
        let due = reminders.due(std::slice::from_ref(&unreachable), NOW);
        assert_eq!(kinds(&due), [ReminderKind::Unreachable]);
        assert_eq!(reminders.due(&[unreachable], NOW + 30), []);
    }

    #[test]
    fn a_registration_within_a_week_of_its_end_is_announced_once_per_registration() {
        let mut reminders = Reminders::default();
        let ending = |end: i64| SessionStatus {
            sign_in_ends_at: Some(end),
            ..aws(Some(NOW + 60), true)
        };
        assert_eq!(reminders.due(&[ending(NOW + 8 * 86_400)], NOW), []);
        let due = reminders.due(&[ending(NOW + 6 * 86_400 - 60)], NOW);
        assert_eq!(kinds(&due), [ReminderKind::SignInBy(NOW + 6 * 86_400 - 60)]);
        assert_eq!(
            reminders.due(&[ending(NOW + 6 * 86_400 - 60)], NOW + 3600),
            []
        );
        assert_eq!(reminders.due(&[ending(NOW + 90 * 86_400)], NOW + 7200), []);
    }

    #[test]
    fn a_session_that_cannot_renew_warns_of_its_end_even_in_its_registrations_last_week() {
        let mut reminders = Reminders::default();
        let no_refresh = SessionStatus {
            sign_in_ends_at: Some(NOW + 5 * 86_400),
            ..aws(Some(NOW + 10 * 60), false)
        };
        let due = reminders.due(&[no_refresh], NOW);
        assert_eq!(kinds(&due), [ReminderKind::EndsIn(10 * 60)]);
    }

    #[test]
    fn a_provider_never_signed_in_is_not_announced() {
        assert_eq!(Reminders::default().due(&[aws(None, false)], NOW), []);
    }

    #[test]
    fn the_next_reminder_is_fifteen_minutes_before_the_nearest_end_that_cannot_renew() {
        let statuses = [
            aws(Some(NOW + 3600), false),
            aws(Some(NOW + 1800), true),
            aws(None, false),
        ];
        assert_eq!(
            Reminders::next_due(&statuses, NOW),
            Some(NOW + 3600 - WARN_BEFORE_SECS)
        );
    }
}
