//! Naming a target the way a person does: its id, an alias they set, the name of a
//! profile Kumo exported, or a query that matches one target in the cached listing.
//! An id goes through untouched and reads nothing, so `credential-process` keeps its
//! fast path.

use std::collections::HashMap;

use super::{Error, Kumo, Target, TargetView};
use crate::export::aws_config;
use crate::prefs::Prefs;
use crate::target::{TargetId, list};

/// What a name or query stands for.
#[derive(Debug, Clone)]
pub enum Resolved {
    /// One target: its id.
    One(String),
    /// Several targets match the query, best first (stars, then frequent, then recent
    /// among equal matches).
    Ambiguous(Vec<TargetView>),
}

impl Kumo {
    /// The target `name` stands for: a full id as it is, else an alias (any case), else
    /// an exported profile's name, else the targets of the cached listing that the query
    /// matches.
    pub fn resolve(&self, name: &str) -> Result<Resolved, Error> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::new(
                "name a target: its id, an alias, a profile name or a few letters of it",
            ));
        }
        match TargetId::parse(name) {
            Ok(_) => return Ok(Resolved::One(name.to_owned())),
            Err(e)
                if ["aws:", "azure:", "gcp:"]
                    .iter()
                    .any(|p| name.starts_with(p)) =>
            {
                return Err(e.into());
            }
            Err(_) => {}
        }
        let prefs = Prefs::load(&self.ctx.env);
        let aliased = prefs.targets.iter().find(|(_, p)| {
            p.alias
                .as_deref()
                .is_some_and(|alias| alias.eq_ignore_ascii_case(name))
        });
        if let Some((id, _)) = aliased {
            return Ok(Resolved::One(id.clone()));
        }
        if let Some((_, id)) = self
            .exported_profiles()
            .into_iter()
            .find(|(p, _)| p == name)
        {
            return Ok(Resolved::One(id.to_string()));
        }
        let mut by_id: HashMap<String, TargetView> = HashMap::new();
        let ranked: Vec<Target> = self
            .views(self.cached().targets)
            .into_iter()
            .map(|view| {
                let target = view.target.clone();
                by_id.insert(target.id.clone(), view);
                target
            })
            .collect();
        let mut found: Vec<TargetView> = list::search(ranked, name)
            .into_iter()
            .filter_map(|t| by_id.remove(&t.id))
            .collect();
        match found.len() {
            // Slashes mean an id was meant: say how ids are written.
            0 if name.contains('/') => Err(TargetId::parse_aws(name)
                .err()
                .map_or_else(|| Error::new(format!("no target is `{name}`")), Error::from)),
            0 => Err(Error::new(format!(
                "no target is named or matches `{name}`; `kumo ls` lists them (after `kumo ls --refresh` for new ones)"
            ))),
            1 => Ok(Resolved::One(found.remove(0).target.id)),
            _ => Ok(Resolved::Ambiguous(found)),
        }
    }

    /// Every name a TARGET may be given by, from the caches alone (for shell
    /// completion): each target's id, each alias and each exported profile, with what it
    /// stands for.
    pub fn target_names(&self) -> Vec<(String, String)> {
        let mut names = Vec::new();
        for view in self.views(self.cached().targets) {
            if let Some(alias) = &view.prefs.alias {
                names.push((alias.clone(), view.target.id.clone()));
            }
            names.push((view.target.id.clone(), view.target.label()));
        }
        for (profile, id) in self.exported_profiles() {
            names.push((profile, id.to_string()));
        }
        names
    }

    /// The profile Kumo exported for the target `id`, if any.
    pub fn profile_of(&self, id: &str) -> Option<String> {
        let id = TargetId::parse(id).ok()?;
        self.exported_profiles()
            .into_iter()
            .find(|(_, exported)| *exported == id)
            .map(|(name, _)| name)
    }

    /// Every profile inside Kumo's blocks of the AWS config file; none when it cannot
    /// be read (a missing file has none).
    fn exported_profiles(&self) -> Vec<(String, TargetId)> {
        std::fs::read_to_string(aws_config::config_path(&self.ctx.env))
            .map(|text| aws_config::kumo_profiles(&text))
            .unwrap_or_default()
    }
}
