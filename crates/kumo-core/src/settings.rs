//! The desktop app's settings: language, theme, the browser and isolation a console
//! opens with, and the global shortcut. Kept beside the target preferences in the data
//! dir (nothing secret), written atomically; a value the app does not offer is refused.

use serde::{Deserialize, Serialize};

use crate::config::BrowserName;
use crate::environment::Environment;
use crate::prefs::{Prefs, PrefsError};

/// The languages the app speaks.
pub const LANGUAGES: [&str; 2] = ["en", "ja"];
pub const THEMES: [&str; 3] = ["system", "light", "dark"];
pub const DEFAULT_SHORTCUT: &str = "CmdOrCtrl+Alt+K";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// "en" or "ja"; `None` follows the OS locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default = "system")]
    pub theme: String,
    /// The browser consoles open in; `None` follows the config (else the OS default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    /// Each target in a browser profile or container of its own.
    #[serde(default = "yes")]
    pub isolate: bool,
    /// Opens the palette from anywhere on the desktop.
    #[serde(default = "default_shortcut")]
    pub shortcut: String,
}

fn system() -> String {
    "system".into()
}

fn yes() -> bool {
    true
}

fn default_shortcut() -> String {
    DEFAULT_SHORTCUT.into()
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            language: None,
            theme: system(),
            browser: None,
            isolate: true,
            shortcut: default_shortcut(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("`{0}` is not a language Kumo speaks: use en or ja")]
    Language(String),
    #[error("`{0}` is not a theme: use system, light or dark")]
    Theme(String),
    #[error(
        "unknown browser `{0}`: use chrome, chromium, brave, edge, vivaldi, firefox or default"
    )]
    Browser(String),
    #[error("the shortcut is empty: press the keys to use, such as Ctrl+Alt+K")]
    Shortcut,
    #[error(transparent)]
    Save(#[from] PrefsError),
}

impl Settings {
    /// The saved settings; an unreadable file is the defaults.
    pub fn load(env: &Environment) -> Self {
        Prefs::load(env).settings
    }

    /// Checks `self` and saves it in place of the saved settings.
    pub fn save(&self, env: &Environment) -> Result<(), SettingsError> {
        if let Some(language) = &self.language
            && !LANGUAGES.contains(&language.as_str())
        {
            return Err(SettingsError::Language(language.clone()));
        }
        if !THEMES.contains(&self.theme.as_str()) {
            return Err(SettingsError::Theme(self.theme.clone()));
        }
        if let Some(browser) = &self.browser
            && BrowserName::parse(browser).is_none()
        {
            return Err(SettingsError::Browser(browser.clone()));
        }
        if self.shortcut.trim().is_empty() {
            return Err(SettingsError::Shortcut);
        }
        let mut prefs = Prefs::load(env);
        prefs.settings = self.clone();
        Ok(prefs.save(env)?)
    }

    /// The language to speak: the setting, else the OS locale's
    /// (`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`, the first set wins), else English.
    pub fn locale(&self, env: &Environment) -> &'static str {
        if let Some(chosen) = &self.language
            && let Some(known) = LANGUAGES.iter().find(|l| **l == chosen)
        {
            return known;
        }
        os_locale(env)
    }
}

/// The language of the OS locale, as gettext reads it; English for any it does not speak.
pub fn os_locale(env: &Environment) -> &'static str {
    let first = ["LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| env.get(name))
        .find(|value| !value.is_empty());
    // LANGUAGE is a list ("ja:en"); the others one locale ("ja_JP.UTF-8").
    let language = first
        .and_then(|value| value.split(':').next())
        .map(|locale| locale.split(['_', '.', '@', '-']).next().unwrap_or(""))
        .unwrap_or("");
    LANGUAGES
        .iter()
        .find(|l| l.eq_ignore_ascii_case(language))
        .copied()
        .unwrap_or("en")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_with(pairs: &[(&str, &str)]) -> (tempfile::TempDir, Environment) {
        let home = tempfile::tempdir().unwrap();
        let mut all = vec![(
            "XDG_DATA_HOME".to_owned(),
            home.path().display().to_string(),
        )];
        all.extend(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        (home, Environment::from_pairs(all))
    }

    #[test]
    fn the_os_locale_is_read_as_gettext_reads_it() {
        for (pairs, expected) in [
            (vec![("LANG", "ja_JP.UTF-8")], "ja"),
            (vec![("LANGUAGE", "ja:en"), ("LANG", "en_US.UTF-8")], "ja"),
            (
                vec![("LC_ALL", "en_GB.UTF-8"), ("LANG", "ja_JP.UTF-8")],
                "en",
            ),
            (vec![("LANGUAGE", ""), ("LC_MESSAGES", "ja_JP")], "ja"),
            (vec![("LANG", "C.UTF-8")], "en"),
            (vec![("LANG", "de_DE.UTF-8")], "en"),
            (vec![], "en"),
        ] {
            let (_home, env) = env_with(&pairs);
            assert_eq!(os_locale(&env), expected, "{pairs:?}");
        }
    }

    #[test]
    fn a_chosen_language_wins_over_the_os_locale() {
        let (_home, env) = env_with(&[("LANG", "ja_JP.UTF-8")]);
        let settings = Settings {
            language: Some("en".into()),
            ..Settings::default()
        };
        assert_eq!(settings.locale(&env), "en");
        assert_eq!(Settings::default().locale(&env), "ja");
    }

    #[test]
    fn settings_survive_a_save_and_load_beside_the_target_preferences() {
        let (_home, env) = env_with(&[]);
        let mut prefs = Prefs::default();
        prefs.toggle_star("aws:acme/1/Admin");
        prefs.save(&env).unwrap();
        let chosen = Settings {
            language: Some("ja".into()),
            theme: "dark".into(),
            browser: Some("firefox".into()),
            isolate: false,
            shortcut: "Super+K".into(),
        };
        chosen.save(&env).unwrap();
        assert_eq!(Settings::load(&env), chosen);
        assert!(Prefs::load(&env).get("aws:acme/1/Admin").starred);
    }

    #[test]
    fn values_the_app_does_not_offer_are_refused_and_nothing_is_saved() {
        let (_home, env) = env_with(&[]);
        let refusals = [
            (
                Settings {
                    language: Some("fr".into()),
                    ..Settings::default()
                },
                "`fr` is not a language Kumo speaks: use en or ja",
            ),
            (
                Settings {
                    theme: "neon".into(),
                    ..Settings::default()
                },
                "`neon` is not a theme: use system, light or dark",
            ),
            (
                Settings {
                    browser: Some("netscape".into()),
                    ..Settings::default()
                },
                "unknown browser `netscape`: use chrome, chromium, brave, edge, vivaldi, firefox or default",
            ),
            (
                Settings {
                    shortcut: " ".into(),
                    ..Settings::default()
                },
                "the shortcut is empty: press the keys to use, such as Ctrl+Alt+K",
            ),
        ];
        for (settings, message) in refusals {
            assert_eq!(settings.save(&env).unwrap_err().to_string(), message);
        }
        assert_eq!(Settings::load(&env), Settings::default());
    }

    #[test]
    fn a_prefs_file_from_before_settings_reads_as_the_defaults() {
        let (home, env) = env_with(&[]);
        std::fs::create_dir_all(home.path().join("kumo")).unwrap();
        std::fs::write(
            home.path().join("kumo/prefs.json"),
            r#"{"targets":{"aws:acme/1/Admin":{"starred":true,"opens":0}}}"#,
        )
        .unwrap();
        assert_eq!(Settings::load(&env), Settings::default());
        assert!(Prefs::load(&env).get("aws:acme/1/Admin").starred);
    }
}
