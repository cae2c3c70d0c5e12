//! [`Config`]: topology and component configuration under Storm's key names.
//!
//! A `Config` is a map from dotted keys (`topology.message.timeout.secs`) to [`Value`]s, as in
//! Storm, so user keys live beside the built-in ones and reach every component. Typed accessors read
//! the known keys, falling back to the embedded `defaults.yaml`.
//!
//! Precedence, lowest first: `defaults.yaml` < topology config < a component's own
//! [`component_config`](crate::Bolt::component_config) < config added on the builder. Only the keys
//! Storm allows per component ([`COMPONENT_KEYS`]) are taken from component configs.

mod keys;

use std::collections::BTreeMap;
use std::sync::OnceLock;

pub use keys::*;

use crate::Value;

/// The embedded defaults, as shipped.
pub const DEFAULTS_YAML: &str = include_str!("defaults.yaml");

/// A configuration map under Storm's key names.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    entries: BTreeMap<String, Value>,
}

/// A key with a value of the wrong kind or out of range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("config key '{key}': {problem}")]
pub struct ConfigProblem {
    /// The offending key.
    pub key: String,
    /// What is wrong with its value.
    pub problem: String,
}

/// The defaults from `defaults.yaml`.
pub fn defaults() -> &'static Config {
    static DEFAULTS: OnceLock<Config> = OnceLock::new();
    DEFAULTS.get_or_init(|| {
        let entries: BTreeMap<String, Value> =
            serde_saphyr::from_str(DEFAULTS_YAML).expect("the embedded defaults.yaml is valid YAML");
        Config { entries }
    })
}

impl Config {
    /// An empty configuration (every key at its default).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to `value`, replacing any earlier value.
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<Value>) -> &mut Self {
        self.entries.insert(key.into(), value.into());
        self
    }

    /// The value set for `key` in this map, ignoring defaults.
    pub fn get_own(&self, key: &str) -> Option<&Value> {
        self.entries.get(key)
    }

    /// The value of `key`: this map's, else the default. `None` when unset (null) in both.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self.entries.get(key) {
            Some(Value::Null) => None,
            Some(v) => Some(v),
            None => defaults().entries.get(key).filter(|v| !v.is_null()),
        }
    }

    /// The integer value of `key`, if set and an integer.
    pub fn get_i64(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(Value::as_i64)
    }

    /// The numeric value of `key` as a float, if set and a number.
    pub fn get_f64(&self, key: &str) -> Option<f64> {
        self.get(key).and_then(Value::as_f64)
    }

    /// The boolean value of `key`, if set and a boolean.
    pub fn get_bool(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(Value::as_bool)
    }

    /// The string value of `key`, if set and a string.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.entries.remove(key)
    }

    /// The keys and values set in this map (defaults excluded).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// True if this map sets no key.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Copies every key of `other` over this map's.
    pub fn merge(&mut self, other: &Config) -> &mut Self {
        for (k, v) in &other.entries {
            self.entries.insert(k.clone(), v.clone());
        }
        self
    }

    /// This map with the defaults filled in for every key it does not set: what components see.
    pub fn with_defaults(&self) -> Config {
        let mut all = defaults().clone();
        all.merge(self);
        all
    }

    /// Checks every known key this map sets for its kind and range.
    ///
    /// # Errors
    /// One [`ConfigProblem`] per bad key, all of them.
    pub fn validate(&self) -> Result<(), Vec<ConfigProblem>> {
        let problems: Vec<ConfigProblem> = self
            .entries
            .iter()
            .filter_map(|(key, value)| {
                let kind = key_kind(key)?;
                kind.check(value).err().map(|problem| ConfigProblem { key: key.clone(), problem })
            })
            .collect();
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    /// Keys under `topology.` or `squall.` that squall does not know: probably misspelt.
    pub fn unknown_keys(&self) -> Vec<&str> {
        self.entries
            .keys()
            .filter(|k| (k.starts_with("topology.") || k.starts_with("squall.")) && key_kind(k).is_none())
            .map(String::as_str)
            .collect()
    }
}

impl FromIterator<(String, Value)> for Config {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Self { entries: iter.into_iter().collect() }
    }
}

#[cfg(test)]
mod tests;
