//! When to tell a person that a session is about to end: once per session and expiry,
//! from [`WARN_BEFORE_SECS`] before it ends, so that a renewal never comes as a surprise.

use std::collections::HashSet;

use crate::sessions::{Provider, SessionStatus, WARN_BEFORE_SECS};

/// One session about to end, in words for a desktop notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub provider: Provider,
    /// Who is signed in where the provider says (the identity's email), else the
    /// session's name (the org, the tenant).
    pub name: String,
    pub seconds_left: i64,
}

impl Reminder {
    pub fn title(&self) -> String {
        let minutes = (self.seconds_left + 59) / 60;
        let unit = if minutes == 1 { "minute" } else { "minutes" };
        format!(
            "Your {} session for {} ends in {minutes} {unit}",
            self.provider.label(),
            self.name
        )
    }

    pub fn body(&self) -> String {
        "Open Kumo and choose Renew now to stay signed in.".into()
    }
}

/// The reminders already given, by session and expiry: a renewed session (a new expiry)
/// is announced again when its own end nears.
#[derive(Debug, Default)]
pub struct Reminders {
    given: HashSet<(Provider, String, i64)>,
}

impl Reminders {
    /// The sessions to announce now: signed in, ending within [`WARN_BEFORE_SECS`], and
    /// not yet announced for this expiry.
    pub fn due(&mut self, statuses: &[SessionStatus], now: i64) -> Vec<Reminder> {
        // Only sessions as they are now are remembered, so this never grows.
        self.given.retain(|(provider, name, expires_at)| {
            statuses.iter().any(|s| {
                s.provider == *provider && s.name == *name && s.expires_at == Some(*expires_at)
            })
        });
        statuses
            .iter()
            .filter(|s| s.ends_soon(now))
            .filter_map(|s| {
                let expires_at = s.expires_at?;
                self.given
                    .insert((s.provider, s.name.clone(), expires_at))
                    .then(|| Reminder {
                        provider: s.provider,
                        name: s.account.clone().unwrap_or_else(|| s.name.clone()),
                        seconds_left: expires_at - now,
                    })
            })
            .collect()
    }

    /// When the next reminder falls due (epoch seconds), if a signed-in session has one
    /// ahead: what to sleep until.
    pub fn next_due(statuses: &[SessionStatus], now: i64) -> Option<i64> {
        statuses
            .iter()
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

    fn aws(expires_at: Option<i64>) -> SessionStatus {
        SessionStatus {
            provider: Provider::Aws,
            name: "acme".into(),
            account: None,
            expires_at,
        }
    }

    #[test]
    fn a_session_ending_within_fifteen_minutes_is_announced_once() {
        let mut reminders = Reminders::default();
        let statuses = [aws(Some(NOW + 14 * 60))];
        assert_eq!(
            reminders.due(&statuses, NOW),
            [Reminder {
                provider: Provider::Aws,
                name: "acme".into(),
                seconds_left: 14 * 60,
            }]
        );
        assert_eq!(reminders.due(&statuses, NOW + 60), []);
    }

    #[test]
    fn a_session_is_named_by_who_is_signed_in_where_the_provider_says() {
        let identity = SessionStatus {
            provider: Provider::Identity,
            name: "https://accounts.google.com".into(),
            account: Some("dev@acme.com".into()),
            expires_at: Some(NOW + 600),
        };
        let due = Reminders::default().due(&[identity], NOW);
        assert_eq!(
            due[0].title(),
            "Your Identity session for dev@acme.com ends in 10 minutes"
        );
    }

    #[test]
    fn sessions_further_off_ended_or_signed_out_are_not_announced() {
        let mut reminders = Reminders::default();
        let statuses = [
            aws(Some(NOW + WARN_BEFORE_SECS + 1)),
            aws(Some(NOW)),
            aws(None),
        ];
        assert_eq!(reminders.due(&statuses, NOW), []);
    }

    #[test]
    fn a_renewed_session_is_announced_again_when_its_new_end_nears() {
        let mut reminders = Reminders::default();
        assert_eq!(reminders.due(&[aws(Some(NOW + 600))], NOW).len(), 1);
        let renewed = [aws(Some(NOW + 8 * 3600))];
        assert_eq!(reminders.due(&renewed, NOW + 60), []);
        assert_eq!(reminders.due(&renewed, NOW + 8 * 3600 - 600).len(), 1);
    }

    #[test]
    fn the_next_reminder_is_fifteen_minutes_before_the_nearest_end() {
        let statuses = [aws(Some(NOW + 3600)), aws(Some(NOW + 1800)), aws(None)];
        assert_eq!(
            Reminders::next_due(&statuses, NOW),
            Some(NOW + 1800 - WARN_BEFORE_SECS)
        );
        assert_eq!(Reminders::next_due(&[aws(Some(NOW + 600))], NOW), None);
    }

    #[test]
    fn the_title_says_who_and_how_long_in_whole_minutes() {
        let reminder = Reminder {
            provider: Provider::Aws,
            name: "acme".into(),
            seconds_left: 14 * 60 + 1,
        };
        assert_eq!(
            reminder.title(),
            "Your AWS session for acme ends in 15 minutes"
        );
        let last = Reminder {
            seconds_left: 30,
            ..reminder
        };
        assert_eq!(last.title(), "Your AWS session for acme ends in 1 minute");
    }
}
