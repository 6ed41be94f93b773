//! What a person has made of their targets: stars, aliases, colours, and when and how
//! often each was opened. Kept in the data dir as JSON (nothing secret), written
//! atomically; the desktop app orders its list by it. The app's own settings
//! (`settings.rs`) live in the same file.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::environment::Environment;
use crate::fsutil::write_atomic;
use crate::paths;
use crate::settings::Settings;
use crate::target::list::Target;

/// Opens further back than this many count for nothing in "recent".
const RECENT_WINDOW_SECS: i64 = 14 * 24 * 3600;
const MAX_ALIAS_CHARS: usize = 64;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetPrefs {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub starred: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// A CSS colour name from [`COLOURS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
    /// Epoch seconds of the last open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_opened: Option<i64>,
    #[serde(default)]
    pub opens: u32,
}

/// The colours a target may be given: those of Firefox containers, so a target's
/// colour and its container's can agree.
pub use crate::browser::firefox::COLOURS;

#[derive(Debug, thiserror::Error)]
pub enum PrefsError {
    #[error("an alias is at most {MAX_ALIAS_CHARS} characters")]
    AliasTooLong,
    #[error("`{0}` is not a colour Kumo offers: use one of {colours}", colours = COLOURS.join(", "))]
    UnknownColour(String),
    #[error("cannot save preferences to {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefs {
    #[serde(default)]
    pub targets: BTreeMap<String, TargetPrefs>,
    /// The desktop app's settings.
    #[serde(default)]
    pub settings: Settings,
}

fn path(env: &Environment) -> PathBuf {
    paths::data_dir(env).join("prefs.json")
}

impl Prefs {
    /// The saved preferences; a missing or unreadable file is a fresh start.
    pub fn load(env: &Environment) -> Self {
        std::fs::read(path(env))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, env: &Environment) -> Result<(), PrefsError> {
        let path = path(env);
        let bytes = serde_json::to_vec_pretty(self).expect("preferences serialize");
        write_atomic(&path, &bytes).map_err(|source| PrefsError::Write { path, source })
    }

    pub fn get(&self, id: &str) -> TargetPrefs {
        self.targets.get(id).cloned().unwrap_or_default()
    }

    fn entry(&mut self, id: &str) -> &mut TargetPrefs {
        self.targets.entry(id.to_owned()).or_default()
    }

    /// Stars or unstars; returns the new state.
    pub fn toggle_star(&mut self, id: &str) -> bool {
        let entry = self.entry(id);
        entry.starred = !entry.starred;
        entry.starred
    }

    pub fn record_open(&mut self, id: &str, now: i64) {
        let entry = self.entry(id);
        entry.last_opened = Some(now);
        entry.opens = entry.opens.saturating_add(1);
    }

    /// Sets (or with an empty text, clears) the alias.
    pub fn set_alias(&mut self, id: &str, alias: &str) -> Result<(), PrefsError> {
        let alias = alias.trim();
        if alias.chars().count() > MAX_ALIAS_CHARS {
            return Err(PrefsError::AliasTooLong);
        }
        self.entry(id).alias = (!alias.is_empty()).then(|| alias.to_owned());
        Ok(())
    }

    /// Sets (or with `None`, clears) the colour.
    pub fn set_colour(&mut self, id: &str, colour: Option<&str>) -> Result<(), PrefsError> {
        if let Some(c) = colour
            && !COLOURS.contains(&c)
        {
            return Err(PrefsError::UnknownColour(c.to_owned()));
        }
        self.entry(id).colour = colour.map(str::to_owned);
        Ok(())
    }

    /// Target ids for a short menu (the tray): starred ones by id, then those opened in
    /// the last two weeks, most recent first; `max` at most.
    pub fn shortlist(&self, now: i64, max: usize) -> Vec<String> {
        let starred = self.targets.iter().filter(|(_, p)| p.starred);
        let mut recent: Vec<(&String, i64)> = self
            .targets
            .iter()
            .filter(|(_, p)| !p.starred)
            .filter_map(|(id, p)| p.last_opened.map(|at| (id, at)))
            .filter(|(_, at)| now - at <= RECENT_WINDOW_SECS)
            .collect();
        recent.sort_by_key(|(_, at)| -at);
        starred
            .map(|(id, _)| id)
            .chain(recent.into_iter().map(|(id, _)| id))
            .take(max)
            .cloned()
            .collect()
    }

    /// The shortlist as a menu shows it: each id with the target's alias, else its
    /// [`Target::label`], else (a target no longer listed) the id itself.
    pub fn shortlist_labelled(
        &self,
        targets: &[Target],
        now: i64,
        max: usize,
    ) -> Vec<(String, String)> {
        self.shortlist(now, max)
            .into_iter()
            .map(|id| {
                let alias = self.targets.get(&id).and_then(|p| p.alias.clone());
                let label = alias
                    .or_else(|| targets.iter().find(|t| t.id == id).map(Target::label))
                    .unwrap_or_else(|| id.clone());
                (id, label)
            })
            .collect()
    }

    /// Orders targets for a person: starred first, then those opened in the last two
    /// weeks (most often, then most recently opened first), then the rest in their
    /// listing order.
    pub fn rank(&self, targets: Vec<Target>, now: i64) -> Vec<Target> {
        let mut keyed: Vec<((u8, u32, i64), usize, Target)> = targets
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                let p = self.targets.get(&t.id);
                let starred = p.is_some_and(|p| p.starred);
                let recent = p
                    .and_then(|p| p.last_opened)
                    .filter(|at| now - at <= RECENT_WINDOW_SECS);
                let key = match (starred, recent) {
                    (true, _) => (0, 0, 0),
                    (false, Some(at)) => (1, u32::MAX - p.map_or(0, |p| p.opens), -at),
                    (false, None) => (2, 0, 0),
                };
                (key, i, t)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        keyed.into_iter().map(|(_, _, t)| t).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(id: &str) -> Target {
        Target {
            id: id.into(),
            cloud: "aws",
            ..Target::default()
        }
    }

    fn ids(targets: &[Target]) -> Vec<&str> {
        targets.iter().map(|t| t.id.as_str()).collect()
    }

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn starred_come_first_then_frequent_then_recent_then_the_rest() {
        let mut prefs = Prefs::default();
        prefs.toggle_star("d");
        prefs.record_open("b", NOW - 100);
        prefs.record_open("c", NOW - 50);
        prefs.record_open("c", NOW - 40);
        prefs.record_open("e", NOW - 10);
        let ranked = prefs.rank(["a", "b", "c", "d", "e"].map(target).to_vec(), NOW);
        assert_eq!(ids(&ranked), ["d", "c", "e", "b", "a"]);
    }

    #[test]
    fn the_shortlist_is_stars_by_id_then_the_most_recent_opens() {
        let mut prefs = Prefs::default();
        prefs.toggle_star("z");
        prefs.toggle_star("a");
        prefs.record_open("old", NOW - 100);
        prefs.record_open("new", NOW - 10);
        prefs.record_open("stale", NOW - RECENT_WINDOW_SECS - 1);
        assert_eq!(prefs.shortlist(NOW, 8), ["a", "z", "new", "old"]);
        assert_eq!(prefs.shortlist(NOW, 3), ["a", "z", "new"]);
    }

    #[test]
    fn the_shortlist_reads_as_aliases_then_names_then_ids() {
        let mut prefs = Prefs::default();
        for id in ["aws:acme/1/Admin", "gcp:web", "gone"] {
            prefs.toggle_star(id);
        }
        prefs.set_alias("gcp:web", "The website").unwrap();
        let listed = [
            Target {
                account_name: "payments".into(),
                role: "Admin".into(),
                ..target("aws:acme/1/Admin")
            },
            Target {
                cloud: "gcp",
                project_name: "web".into(),
                ..target("gcp:web")
            },
        ];
        assert_eq!(
            prefs.shortlist_labelled(&listed, NOW, 8),
            [
                ("aws:acme/1/Admin".to_owned(), "payments · Admin".to_owned()),
                ("gcp:web".to_owned(), "The website".to_owned()),
                ("gone".to_owned(), "gone".to_owned()),
            ]
        );
    }

    #[test]
    fn opens_older_than_two_weeks_do_not_lift_a_target() {
        let mut prefs = Prefs::default();
        prefs.record_open("b", NOW - RECENT_WINDOW_SECS - 1);
        let ranked = prefs.rank(["a", "b"].map(target).to_vec(), NOW);
        assert_eq!(ids(&ranked), ["a", "b"]);
    }

    #[test]
    fn starring_twice_unstars() {
        let mut prefs = Prefs::default();
        assert!(prefs.toggle_star("a"));
        assert!(!prefs.toggle_star("a"));
        assert!(!prefs.get("a").starred);
    }

    #[test]
    fn an_empty_alias_clears_it_and_a_long_one_is_refused() {
        let mut prefs = Prefs::default();
        prefs.set_alias("a", " prod admin ").unwrap();
        assert_eq!(prefs.get("a").alias.as_deref(), Some("prod admin"));
        prefs.set_alias("a", "").unwrap();
        assert_eq!(prefs.get("a").alias, None);
        assert_eq!(
            prefs
                .set_alias("a", &"x".repeat(65))
                .unwrap_err()
                .to_string(),
            "an alias is at most 64 characters"
        );
    }

    #[test]
    fn only_offered_colours_are_accepted() {
        let mut prefs = Prefs::default();
        prefs.set_colour("a", Some("red")).unwrap();
        assert_eq!(prefs.get("a").colour.as_deref(), Some("red"));
        assert!(matches!(
            prefs.set_colour("a", Some("#fff")),
            Err(PrefsError::UnknownColour(_))
        ));
    }

    #[test]
    fn preferences_survive_a_save_and_load() {
        let dir = tempfile::tempdir().unwrap();
        let env = Environment::from_pairs([("XDG_DATA_HOME", dir.path().display().to_string())]);
        let mut prefs = Prefs::default();
        prefs.toggle_star("a");
        prefs.record_open("a", NOW);
        prefs.save(&env).unwrap();
        assert_eq!(Prefs::load(&env), prefs);
    }

    #[test]
    fn an_unreadable_file_is_a_fresh_start() {
        let dir = tempfile::tempdir().unwrap();
        let env = Environment::from_pairs([("XDG_DATA_HOME", dir.path().display().to_string())]);
        std::fs::create_dir_all(dir.path().join("kumo")).unwrap();
        std::fs::write(dir.path().join("kumo/prefs.json"), "{not json").unwrap();
        assert_eq!(Prefs::load(&env), Prefs::default());
    }
}
