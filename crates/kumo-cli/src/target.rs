//! A TARGET argument as a person types it: an id, an alias, a profile name or a query.
//! A query that matches several targets opens a picker on a terminal and fails with the
//! best candidates off one.

use std::io::IsTerminal;

use kumo_core::access::{Kumo, Resolved, TargetView};

/// How many candidates an ambiguous query's error names.
const NAMED_CANDIDATES: usize = 5;

/// The help line every TARGET argument shares.
pub const TARGET_HELP: &str = "A target: its id (aws:<org>/<account>/<role>, azure:<tenant>/<subscription>, gcp:<project>), an alias, an exported profile name, or a few letters that match one";

/// The id of the target `name` stands for, asking the person to pick among several.
pub fn resolve(kumo: &Kumo, name: &str) -> anyhow::Result<String> {
    match kumo.resolve(name)? {
        Resolved::One(id) => Ok(id),
        Resolved::Ambiguous(found) if can_ask() => pick(name, &found),
        Resolved::Ambiguous(found) => Err(anyhow::anyhow!(ambiguous(name, &found))),
    }
}

/// A picker needs a person at the terminal: it draws on stderr and reads keys.
fn can_ask() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// One line: the query, how many it matches, the best of them, and how to choose.
pub fn ambiguous(name: &str, found: &[TargetView]) -> String {
    let named: Vec<String> = found
        .iter()
        .take(NAMED_CANDIDATES)
        .map(|view| format!("{} ({})", view.target.id, label(view)))
        .collect();
    let more = found.len().saturating_sub(NAMED_CANDIDATES);
    let rest = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(
        "`{name}` matches {} targets: {}{rest}; name one by its id or alias, or add words to the query",
        found.len(),
        named.join(", ")
    )
}

fn label(view: &TargetView) -> String {
    match &view.prefs.alias {
        Some(alias) => format!("{alias}: {}", view.target.label()),
        None => view.target.label(),
    }
}

fn pick(name: &str, found: &[TargetView]) -> anyhow::Result<String> {
    let items: Vec<String> = found
        .iter()
        .map(|view| format!("{}  {}", label(view), view.target.id))
        .collect();
    let chosen = dialoguer::FuzzySelect::new()
        .with_prompt(format!(
            "`{name}` matches {} targets; pick one",
            found.len()
        ))
        .items(&items)
        .default(0)
        .interact_opt()
        .map_err(|e| anyhow::anyhow!("the picker failed: {e}"))?;
    match chosen {
        Some(at) => Ok(found[at].target.id.clone()),
        None => Err(anyhow::anyhow!("no target picked")),
    }
}

/// Shell completion of a TARGET: ids, aliases and profile names that start with what is
/// typed, from the caches alone.
pub fn complete(current: &std::ffi::OsStr) -> Vec<clap_complete::CompletionCandidate> {
    let (Some(typed), Ok(kumo)) = (current.to_str(), Kumo::load()) else {
        return Vec::new();
    };
    kumo.target_names()
        .into_iter()
        .filter(|(name, _)| name.starts_with(typed))
        .map(|(name, about)| clap_complete::CompletionCandidate::new(name).help(Some(about.into())))
        .collect()
}
