//! What the app says outside its webview, in the language it speaks (Settings, else
//! the OS locale): the tray's items and the desktop notifications. The webview's words
//! are in ui/src/lib/i18n.

use kumo_core::access::{Provider, Reminder, ReminderKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Words {
    English,
    Japanese,
}

impl Words {
    /// The words of a locale as `SettingsView::locale` names it ("en", "ja").
    pub fn of(locale: &str) -> Self {
        if locale == "ja" {
            Self::Japanese
        } else {
            Self::English
        }
    }

    pub fn search(self) -> &'static str {
        match self {
            Self::English => "Search…",
            Self::Japanese => "検索…",
        }
    }

    pub fn quit(self) -> &'static str {
        match self {
            Self::English => "Quit Kumo",
            Self::Japanese => "Kumo を終了",
        }
    }

    fn provider(self, provider: Provider) -> &'static str {
        match (self, provider) {
            (Self::Japanese, Provider::Identity) => "ID",
            _ => provider.label(),
        }
    }

    /// A notification's title.
    pub fn title(self, reminder: &Reminder) -> String {
        let provider = self.provider(reminder.provider);
        let name = &reminder.name;
        match (self, reminder.kind) {
            (Self::English, ReminderKind::EndsIn(left)) => {
                let minutes = minutes(left);
                let unit = if minutes == 1 { "minute" } else { "minutes" };
                format!("Your {provider} session for {name} ends in {minutes} {unit}")
            }
            (Self::Japanese, ReminderKind::EndsIn(left)) => {
                format!(
                    "{name} の {provider} セッションは {} 分後に終了します",
                    minutes(left)
                )
            }
            (Self::English, ReminderKind::SignInNeeded) => {
                format!("Sign in to {provider} again: {name}")
            }
            (Self::Japanese, ReminderKind::SignInNeeded) => {
                format!("{provider} にもう一度サインインしてください: {name}")
            }
            (Self::English, ReminderKind::Unreachable) => format!("Kumo cannot reach {provider}"),
            (Self::Japanese, ReminderKind::Unreachable) => {
                format!("Kumo は {provider} に接続できません")
            }
            (Self::English, ReminderKind::SignInBy(_)) => {
                format!("Sign in to {provider} this week: {name}")
            }
            (Self::Japanese, ReminderKind::SignInBy(_)) => {
                format!("今週中に {provider} にサインインしてください: {name}")
            }
        }
    }

    /// A notification's text under its title.
    pub fn body(self, reminder: &Reminder) -> String {
        let name = &reminder.name;
        match (self, reminder.kind) {
            (Self::English, ReminderKind::EndsIn(_)) => {
                "Open Kumo and choose Renew now to stay signed in.".into()
            }
            (Self::Japanese, ReminderKind::EndsIn(_)) => {
                "Kumo を開いて「今すぐ更新」を選ぶと、サインインしたままにできます。".into()
            }
            (Self::English, ReminderKind::SignInNeeded) => {
                "Kumo cannot renew this session by itself any more. Choose Sign in.".into()
            }
            (Self::Japanese, ReminderKind::SignInNeeded) => {
                "Kumo はこのセッションを自動で更新できなくなりました。「サインイン」を選んでください。".into()
            }
            (Self::English, ReminderKind::Unreachable) => format!(
                "Renewing the session for {name} keeps failing; Kumo keeps trying. The session has not ended."
            ),
            (Self::Japanese, ReminderKind::Unreachable) => format!(
                "{name} のセッションの更新に失敗し続けています。Kumo は再試行を続けます。セッションは終了していません。"
            ),
            (Self::English, ReminderKind::SignInBy(end)) => {
                let days = days(end - reminder.now);
                let unit = if days == 1 { "day" } else { "days" };
                format!(
                    "Kumo renews this session by itself for {days} more {unit}, until its client registration ends. Choose Sign in to renew it for longer."
                )
            }
            (Self::Japanese, ReminderKind::SignInBy(end)) => format!(
                "Kumo がこのセッションを自動で更新できるのは、クライアント登録が終わるまでのあと {} 日です。「サインイン」を選ぶと、さらに延長できます。",
                days(end - reminder.now)
            ),
        }
    }

    /// The notification's one action.
    pub fn action(self, reminder: &Reminder) -> &'static str {
        let signs_in = matches!(
            reminder.kind,
            ReminderKind::SignInNeeded | ReminderKind::SignInBy(_)
        );
        match (self, signs_in) {
            (Self::English, true) => "Sign in",
            (Self::English, false) => "Open Kumo",
            (Self::Japanese, true) => "サインイン",
            (Self::Japanese, false) => "Kumo を開く",
        }
    }
}

/// Whole minutes left, rounded up: "ends in 1 minute" until it has ended.
fn minutes(seconds: i64) -> i64 {
    (seconds + 59) / 60
}

fn days(seconds: i64) -> i64 {
    (seconds.max(0) + 86_399) / 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_000_000;

    fn reminder(kind: ReminderKind) -> Reminder {
        Reminder {
            provider: Provider::Aws,
            name: "acme".into(),
            session: "acme".into(),
            kind,
            now: NOW,
        }
    }

    fn said(words: Words, kind: ReminderKind) -> (String, String, &'static str) {
        let r = reminder(kind);
        (words.title(&r), words.body(&r), words.action(&r))
    }

    #[test]
    fn a_session_ending_is_told_in_minutes_rounded_up() {
        assert_eq!(
            said(Words::English, ReminderKind::EndsIn(14 * 60 - 30)),
            (
                "Your AWS session for acme ends in 14 minutes".into(),
                "Open Kumo and choose Renew now to stay signed in.".into(),
                "Open Kumo"
            )
        );
        assert_eq!(
            Words::English.title(&reminder(ReminderKind::EndsIn(40))),
            "Your AWS session for acme ends in 1 minute"
        );
        assert_eq!(
            Words::Japanese.title(&reminder(ReminderKind::EndsIn(14 * 60))),
            "acme の AWS セッションは 14 分後に終了します"
        );
    }

    #[test]
    fn a_needed_sign_in_offers_the_sign_in_in_either_language() {
        assert_eq!(
            said(Words::English, ReminderKind::SignInNeeded),
            (
                "Sign in to AWS again: acme".into(),
                "Kumo cannot renew this session by itself any more. Choose Sign in.".into(),
                "Sign in"
            )
        );
        assert_eq!(
            said(Words::Japanese, ReminderKind::SignInNeeded).2,
            "サインイン"
        );
    }

    #[test]
    fn a_provider_out_of_reach_says_the_session_has_not_ended() {
        assert_eq!(
            said(Words::English, ReminderKind::Unreachable),
            (
                "Kumo cannot reach AWS".into(),
                "Renewing the session for acme keeps failing; Kumo keeps trying. The session has not ended.".into(),
                "Open Kumo"
            )
        );
        assert!(
            Words::Japanese
                .body(&reminder(ReminderKind::Unreachable))
                .ends_with("セッションは終了していません。")
        );
    }

    #[test]
    fn a_registration_ending_counts_its_days() {
        let end = NOW + 6 * 86_400 - 60;
        assert_eq!(
            said(Words::English, ReminderKind::SignInBy(end)),
            (
                "Sign in to AWS this week: acme".into(),
                "Kumo renews this session by itself for 6 more days, until its client registration ends. Choose Sign in to renew it for longer.".into(),
                "Sign in"
            )
        );
        assert!(
            Words::Japanese
                .body(&reminder(ReminderKind::SignInBy(end)))
                .contains("あと 6 日")
        );
    }

    #[test]
    fn the_tray_speaks_the_apps_language() {
        assert_eq!(
            (Words::of("en").search(), Words::of("en").quit()),
            ("Search…", "Quit Kumo")
        );
        assert_eq!(
            (Words::of("ja").search(), Words::of("ja").quit()),
            ("検索…", "Kumo を終了")
        );
    }
}
