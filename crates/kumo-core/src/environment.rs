//! A snapshot of the process environment, passed explicitly so that logic reading
//! variables (and the time) can be tested without mutating the real (process-global)
//! environment.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::clock::{Clock, SharedClock};

#[derive(Debug, Clone, Default)]
pub struct Environment {
    vars: BTreeMap<String, String>,
    clock: SharedClock,
}

impl Environment {
    /// The current process environment. Variables that are not valid UTF-8 are skipped:
    /// none of the ones Kumo reads can usefully hold such values.
    pub fn from_process() -> Self {
        Self {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
            clock: SharedClock::default(),
        }
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            clock: SharedClock::default(),
        }
    }

    /// The same environment on another clock.
    pub fn with_clock(self, clock: impl Clock + 'static) -> Self {
        Self {
            clock: SharedClock(Arc::new(clock)),
            ..self
        }
    }

    pub fn clock(&self) -> SharedClock {
        self.clock.clone()
    }

    /// Now, in epoch seconds, by this environment's clock.
    pub fn now(&self) -> i64 {
        self.clock.0.now()
    }

    /// The value of `name`, treating an empty value as unset (as shells and xdg-open do).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_count_as_unset() {
        let env = Environment::from_pairs([("BROWSER", ""), ("HOME", "/home/a")]);
        assert_eq!(env.get("BROWSER"), None);
        assert_eq!(env.get("HOME"), Some("/home/a"));
        assert_eq!(env.get("MISSING"), None);
    }
}
