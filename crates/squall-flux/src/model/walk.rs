//! The primitives of the model walker: maps checked against their allowed keys (unknown and
//! duplicate keys reported), lists, strings, numbers, booleans and config maps, each reporting a
//! wrong type at the node's site.

use squall_api::Config;

use super::{ConfigEntry, Located};
use crate::error::Problems;
use crate::yaml::{Kind, Node};
use crate::{FluxError, FluxWarning, Site};

/// The entries of a map node, checked against the keys allowed there.
pub(super) struct Entries<'n> {
    items: Vec<(&'n str, &'n Node, Site)>,
    pub(super) site: Site,
}

impl<'n> Entries<'n> {
    /// The value of `key`, unless absent or null.
    pub(super) fn get(&self, key: &str) -> Option<(&'n Node, &Site)> {
        self.items
            .iter()
            .find(|(k, n, _)| *k == key && !matches!(n.kind, Kind::Null))
            .map(|(_, n, s)| (*n, s))
    }
}

pub(super) struct Walker<'w> {
    pub(super) problems: Problems,
    pub(super) warnings: &'w mut Vec<FluxWarning>,
}

impl Walker<'_> {
    pub(super) fn warn(&mut self, site: &Site, message: impl Into<String>) {
        let warning = FluxWarning { site: Some(site.clone()), message: message.into() };
        tracing::warn!(%warning, "flux");
        self.warnings.push(warning);
    }

    pub(super) fn map<'n>(
        &mut self,
        node: &'n Node,
        site: &Site,
        allowed: &'static [&'static str],
    ) -> Option<Entries<'n>> {
        let Kind::Map(entries) = &node.kind else {
            let expected = format!("a map with the keys {}", allowed.join(", "));
            self.problems.at(site, FluxError::wrong_type(expected, node.describe()));
            return None;
        };
        let mut out = Entries { items: Vec::new(), site: site.clone() };
        let mut seen: Vec<(String, u32)> = Vec::new();
        for (key, value) in entries {
            let name = key.key_text();
            let key_site = site.child(&name, key.line, key.column);
            if let Some((_, first_line)) = seen.iter().find(|(k, _)| *k == name) {
                let error = FluxError::DuplicateKey { key: name.clone(), first_line: *first_line };
                self.problems.at(&key_site, error);
                continue;
            }
            seen.push((name.clone(), key.line));
            let Some(known) = allowed.iter().find(|k| **k == name) else {
                self.problems.at(&key_site, FluxError::UnknownKey { key: name, expected: allowed });
                continue;
            };
            out.items.push((known, value, site.child(known, value.line, value.column)));
        }
        Some(out)
    }

    pub(super) fn list<'n>(&mut self, node: &'n Node, site: &Site, what: &str) -> Vec<(&'n Node, Site)> {
        match &node.kind {
            Kind::Seq(items) => {
                items.iter().enumerate().map(|(i, n)| (n, site.item(i, n.line, n.column))).collect()
            }
            _ => {
                self.problems.at(site, FluxError::wrong_type(format!("a list of {what}"), node.describe()));
                Vec::new()
            }
        }
    }

    pub(super) fn string(&mut self, node: &Node, site: &Site) -> Option<Located<String>> {
        match node.scalar_text() {
            Some(text) => Some(Located { value: text.into_owned(), site: site.clone() }),
            None => {
                self.problems.at(site, FluxError::wrong_type("a string", node.describe()));
                None
            }
        }
    }

    pub(super) fn required_string(
        &mut self,
        e: &Entries<'_>,
        key: &'static str,
        meaning: &'static str,
    ) -> Option<Located<String>> {
        match e.get(key) {
            Some((node, site)) => {
                let s = self.string(node, site)?;
                if s.value.is_empty() {
                    self.problems.at(site, FluxError::invalid(format!("'{key}' must not be empty")));
                    return None;
                }
                Some(s)
            }
            None => {
                self.problems.at(&e.site, FluxError::MissingKey { key, meaning });
                None
            }
        }
    }

    pub(super) fn optional_string(&mut self, e: &Entries<'_>, key: &str) -> Option<Located<String>> {
        let (node, site) = e.get(key)?;
        self.string(node, site)
    }

    pub(super) fn bool(&mut self, e: &Entries<'_>, key: &str) -> bool {
        match e.get(key) {
            Some((Node { kind: Kind::Bool(b), .. }, _)) => *b,
            Some((node, site)) => {
                self.problems.at(site, FluxError::wrong_type("true or false", node.describe()));
                false
            }
            None => false,
        }
    }

    pub(super) fn number(&mut self, e: &Entries<'_>, key: &str) -> Option<f64> {
        let (node, site) = e.get(key)?;
        match node.kind {
            Kind::Int(i) => Some(i as f64),
            Kind::Float(f) => Some(f),
            _ => {
                self.problems.at(site, FluxError::wrong_type("a number", node.describe()));
                None
            }
        }
    }

    pub(super) fn string_list(&mut self, node: &Node, site: &Site) -> Option<Vec<String>> {
        let Kind::Seq(items) = &node.kind else {
            self.problems.at(site, FluxError::wrong_type("a list of strings", node.describe()));
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            out.push(self.string(item, &site.item(i, item.line, item.column))?.value);
        }
        Some(out)
    }

    pub(super) fn config(&mut self, node: &Node, site: &Site) -> Vec<ConfigEntry> {
        let Kind::Map(entries) = &node.kind else {
            self.problems.at(site, FluxError::wrong_type("a map of config keys to values", node.describe()));
            return Vec::new();
        };
        let mut out: Vec<ConfigEntry> = Vec::new();
        for (key, value) in entries {
            let name = key.key_text();
            let key_site = site.child(&name, key.line, key.column);
            if let Some(first) = out.iter().find(|e| e.key.value == name) {
                let error = FluxError::DuplicateKey { key: name, first_line: first.key.site.line };
                self.problems.at(&key_site, error);
                continue;
            }
            let value = value.to_value();
            let mut one = Config::new();
            one.set(name.as_str(), value.clone());
            if let Err(bad) = one.validate() {
                for problem in bad {
                    self.problems.at(&site.child(&name, key.line, key.column), FluxError::Config(problem));
                }
            }
            if !one.unknown_keys().is_empty() {
                self.warn(&key_site, format!("unknown config key '{name}' (misspelt? squall ignores it)"));
            }
            out.push(ConfigEntry { key: Located { value: name, site: key_site }, value });
        }
        out
    }

    /// `parallelism` (at least 1) or `numTasks` (at least 1, or -1 for unset).
    pub(super) fn count(
        &mut self,
        e: &Entries<'_>,
        key: &str,
        minus_one_unsets: bool,
    ) -> Option<Located<u32>> {
        let (node, site) = e.get(key)?;
        let Kind::Int(n) = node.kind else {
            self.problems.at(site, FluxError::wrong_type("an integer", node.describe()));
            return None;
        };
        if n == -1 && minus_one_unsets {
            return None;
        }
        match u32::try_from(n) {
            Ok(v) if v >= 1 => Some(Located { value: v, site: site.clone() }),
            _ => {
                let unset = if minus_one_unsets { " (or -1 for unset)" } else { "" };
                self.problems
                    .at(site, FluxError::invalid(format!("{key} must be at least 1{unset}, got {n}")));
                None
            }
        }
    }
}
