//! From a YAML [`Node`] tree to the typed model, reporting every wrong type, unknown key, missing
//! key and duplicate id with its site.
//!
//! Unknown keys are errors, as in Storm: its parser (SnakeYAML bound to Flux's model classes)
//! throws "Unable to find property" for a key the model class lacks. A null value (`key:` or
//! `key: ~`) counts as absent for optional keys, as a null setter argument does in Storm.

use std::path::Path;
use std::sync::Arc;

use super::walk::{Entries, Walker};
use super::{
    ArgDef, BeanDef, ConfigMethodDef, GroupingDef, GroupingType, IncludeDef, Located, ObjectDef, PropertyDef,
    StreamDef, TopologyDef, VertexDef,
};
use crate::error::Problems;
use crate::yaml::{Kind, Node};
use crate::{FluxError, FluxWarning, Site};

const TOP_KEYS: &[&str] = &[
    "name",
    "config",
    "components",
    "spouts",
    "bolts",
    "streams",
    "includes",
    "workerHooks",
    "topologySource",
];
const OBJECT_KEYS: &[&str] =
    &["className", "constructorArgs", "factory", "factoryArgs", "properties", "configMethods"];
const BEAN_KEYS: &[&str] =
    &["id", "className", "constructorArgs", "factory", "factoryArgs", "properties", "configMethods"];
const VERTEX_KEYS: &[&str] = &[
    "id",
    "className",
    "constructorArgs",
    "factory",
    "factoryArgs",
    "properties",
    "configMethods",
    "parallelism",
    "numTasks",
    "onHeapMemoryLoad",
    "offHeapMemoryLoad",
    "cpuLoad",
    "config",
];
const STREAM_KEYS: &[&str] = &["name", "from", "to", "grouping"];
const GROUPING_KEYS: &[&str] = &["type", "streamId", "args", "customClass"];
const INCLUDE_KEYS: &[&str] = &["resource", "file", "override"];
const PROPERTY_KEYS: &[&str] = &["name", "value", "ref"];
const METHOD_KEYS: &[&str] = &["name", "args"];

/// Reads a whole Flux document.
pub(crate) fn topology(
    root: &Node,
    file: &Arc<Path>,
    warnings: &mut Vec<FluxWarning>,
) -> Result<TopologyDef, FluxError> {
    let site = Site { file: file.clone(), line: root.line, column: root.column, path: String::new() };
    let mut w = Walker { problems: Problems::default(), warnings };
    let def = w.topology(root, &site);
    let Walker { problems, .. } = w;
    match def {
        Some(def) if problems.is_empty() => Ok(def),
        _ => Err(FluxError::from_list(problems.0)),
    }
}

impl Walker<'_> {
    fn topology(&mut self, root: &Node, site: &Site) -> Option<TopologyDef> {
        if matches!(root.kind, Kind::Null) {
            let expected = format!("a Flux topology (a map with the keys {})", TOP_KEYS.join(", "));
            self.problems.at(site, FluxError::wrong_type(expected, "an empty document"));
            return None;
        }
        let e = self.map(root, site, TOP_KEYS)?;
        for (key, why) in [
            (
                "topologySource",
                "squall builds a Flux topology from its spouts, bolts and streams; a topology produced by code cannot be loaded from a Flux file",
            ),
            (
                "workerHooks",
                "squall has no worker start/stop hooks; do the work in a spout's open or a bolt's prepare",
            ),
        ] {
            if let Some((node, site)) = e.get(key)
                && !matches!(&node.kind, Kind::Seq(items) if items.is_empty())
            {
                let key = TOP_KEYS.iter().find(|k| **k == key).copied().unwrap_or("?");
                self.problems.at(site, FluxError::Unsupported { key, why });
            }
        }
        let name = self.optional_string(&e, "name");
        let config = e.get("config").map(|(n, s)| self.config(n, s)).unwrap_or_default();
        let components = self.ided(&e, "components", "component", |w, n, s| w.bean(n, s));
        let spouts = self.ided(&e, "spouts", "spout", |w, n, s| w.vertex(n, s));
        let bolts = self.ided(&e, "bolts", "bolt", |w, n, s| w.vertex(n, s));
        let mut streams = Vec::new();
        if let Some((node, site)) = e.get("streams") {
            for (item, item_site) in self.list(node, site, "stream definitions") {
                streams.extend(self.stream(item, &item_site));
            }
        }
        let mut includes = Vec::new();
        if let Some((node, site)) = e.get("includes") {
            for (item, item_site) in self.list(node, site, "include definitions") {
                includes.extend(self.include(item, &item_site));
            }
        }
        Some(TopologyDef { name, config, components, spouts, bolts, streams, includes, site: site.clone() })
    }

    /// A list of definitions with ids; a second definition with the same id is an error (Storm
    /// keeps the last one silently).
    fn ided<T: HasId>(
        &mut self,
        e: &Entries<'_>,
        key: &str,
        kind: &'static str,
        mut read: impl FnMut(&mut Self, &Node, &Site) -> Option<T>,
    ) -> Vec<T> {
        let Some((node, site)) = e.get(key) else { return Vec::new() };
        let mut out: Vec<T> = Vec::new();
        for (item, item_site) in self.list(node, site, &format!("{kind} definitions")) {
            let Some(def) = read(self, item, &item_site) else { continue };
            if let Some(first) = out.iter().find(|d| d.id().value == def.id().value) {
                let error = FluxError::DuplicateId {
                    id: def.id().value.clone(),
                    first_kind: kind,
                    first: format!("{}:{}", first.id().site.line, first.id().site.column),
                };
                self.problems.at(&def.id().site, error);
                continue;
            }
            out.push(def);
        }
        out
    }

    fn object(&mut self, e: &Entries<'_>) -> Option<ObjectDef> {
        let class_name = self.required_string(e, "className", "the class to instantiate");
        let constructor_args = e.get("constructorArgs").map(|(n, s)| self.args(n, s));
        let factory = self.optional_string(e, "factory");
        let factory_args = e.get("factoryArgs").map(|(n, s)| self.args(n, s));
        if let (Some(_), Some(f)) = (&constructor_args, &factory) {
            self.warn(&f.site, "'factory' is ignored because 'constructorArgs' is given (as in Storm)");
        }
        let mut properties = Vec::new();
        if let Some((node, site)) = e.get("properties") {
            for (item, item_site) in self.list(node, site, "properties ({name, value} or {name, ref})") {
                properties.extend(self.property(item, &item_site));
            }
        }
        let mut config_methods = Vec::new();
        if let Some((node, site)) = e.get("configMethods") {
            for (item, item_site) in self.list(node, site, "config methods ({name, args})") {
                let Some(m) = self.map(item, &item_site, METHOD_KEYS) else { continue };
                let name = self.required_string(&m, "name", "the method to call");
                let args = m.get("args").map(|(n, s)| self.args(n, s).value).unwrap_or_default();
                config_methods.extend(name.map(|name| ConfigMethodDef { name, args }));
            }
        }
        Some(ObjectDef {
            class_name: class_name?,
            constructor_args,
            factory,
            factory_args,
            properties,
            config_methods,
            site: e.site.clone(),
        })
    }

    fn bean(&mut self, node: &Node, site: &Site) -> Option<BeanDef> {
        let e = self.map(node, site, BEAN_KEYS)?;
        let id = self.required_string(&e, "id", "the name other definitions refer to it by");
        let object = self.object(&e);
        Some(BeanDef { id: id?, object: object? })
    }

    fn vertex(&mut self, node: &Node, site: &Site) -> Option<VertexDef> {
        let e = self.map(node, site, VERTEX_KEYS)?;
        let id = self.required_string(&e, "id", "the component id");
        let object = self.object(&e);
        let parallelism = self.count(&e, "parallelism", false);
        let num_tasks = self.count(&e, "numTasks", true);
        let on_heap_memory_load = self.number(&e, "onHeapMemoryLoad");
        let off_heap_memory_load = self.number(&e, "offHeapMemoryLoad");
        let cpu_load = self.number(&e, "cpuLoad");
        let config = e.get("config").map(|(n, s)| self.config(n, s)).unwrap_or_default();
        Some(VertexDef {
            id: id?,
            object: object?,
            parallelism,
            num_tasks,
            on_heap_memory_load,
            off_heap_memory_load,
            cpu_load,
            config,
        })
    }

    /// An argument list; a one-key map `{ref: id}` or `{reflist: [ids]}` is a reference (at the top
    /// level only, as in Storm).
    fn args(&mut self, node: &Node, site: &Site) -> Located<Vec<ArgDef>> {
        let mut out = Vec::new();
        for (item, item_site) in self.list(node, site, "arguments") {
            out.extend(self.arg(item, &item_site));
        }
        Located { value: out, site: site.clone() }
    }

    fn arg(&mut self, node: &Node, site: &Site) -> Option<ArgDef> {
        if let Kind::Map(entries) = &node.kind
            && let [(key, value)] = entries.as_slice()
        {
            let value_site = site.child(&key.key_text(), value.line, value.column);
            match key.key_text().as_str() {
                "ref" => return self.string(value, &value_site).map(ArgDef::Ref),
                "reflist" => {
                    let Kind::Seq(items) = &value.kind else {
                        let error = FluxError::wrong_type("a list of component ids", value.describe());
                        self.problems.at(&value_site, error);
                        return None;
                    };
                    let mut ids = Vec::new();
                    for (i, item) in items.iter().enumerate() {
                        ids.push(self.string(item, &value_site.item(i, item.line, item.column))?);
                    }
                    return Some(ArgDef::RefList(Located { value: ids, site: value_site }));
                }
                _ => {}
            }
        }
        Some(ArgDef::Value(Located { value: node.to_value(), site: site.clone() }))
    }

    fn property(&mut self, node: &Node, site: &Site) -> Option<PropertyDef> {
        let e = self.map(node, site, PROPERTY_KEYS)?;
        let name = self.required_string(&e, "name", "the property to set");
        let value = match (e.get("value"), e.get("ref")) {
            (Some(_), Some((_, ref_site))) => {
                let error = FluxError::invalid("a property takes 'value' or 'ref', not both");
                self.problems.at(ref_site, error);
                return None;
            }
            (None, Some((node, ref_site))) => ArgDef::Ref(self.string(node, ref_site)?),
            (Some((node, value_site)), None) => {
                ArgDef::Value(Located { value: node.to_value(), site: value_site.clone() })
            }
            (None, None) => ArgDef::Value(Located { value: squall_api::Value::Null, site: site.clone() }),
        };
        Some(PropertyDef { name: name?, value })
    }

    fn stream(&mut self, node: &Node, site: &Site) -> Option<StreamDef> {
        let e = self.map(node, site, STREAM_KEYS)?;
        let name = self.optional_string(&e, "name").map(|n| n.value);
        let from = self.required_string(&e, "from", "the id of the emitting spout or bolt");
        let to = self.required_string(&e, "to", "the id of the receiving bolt");
        let grouping = match e.get("grouping") {
            Some((node, site)) => self.grouping(node, site),
            None => {
                let meaning = "how tuples are spread over the receiving bolt's tasks, e.g. {type: SHUFFLE}";
                self.problems.at(&e.site, FluxError::MissingKey { key: "grouping", meaning });
                None
            }
        };
        Some(StreamDef { name, from: from?, to: to?, grouping: grouping?, site: site.clone() })
    }

    fn grouping(&mut self, node: &Node, site: &Site) -> Option<GroupingDef> {
        let e = self.map(node, site, GROUPING_KEYS)?;
        let kind = self.required_string(&e, "type", "one of ALL, CUSTOM, DIRECT, SHUFFLE, ...")?;
        let Some(parsed) = GroupingType::parse(&kind.value) else {
            self.problems.at(&kind.site, FluxError::UnknownGroupingType { got: kind.value });
            return None;
        };
        let stream_id = self.optional_string(&e, "streamId");
        let args = match e.get("args") {
            Some((node, args_site)) => {
                Some(Located { value: self.string_list(node, args_site)?, site: args_site.clone() })
            }
            None => None,
        };
        let custom_class = match e.get("customClass") {
            Some((node, class_site)) => {
                let c = self.map(node, class_site, OBJECT_KEYS)?;
                Some(self.object(&c)?)
            }
            None => None,
        };
        let kind = Located { value: parsed, site: kind.site };
        let needs_args = matches!(parsed, GroupingType::Fields | GroupingType::PartialKey);
        if needs_args && args.is_none() {
            let meaning = "the list of field names to group by";
            self.problems.at(site, FluxError::MissingKey { key: "args", meaning });
        } else if let (false, Some(a)) = (needs_args, &args) {
            self.warn(&a.site, format!("'args' is ignored by a {parsed} grouping"));
        }
        if parsed == GroupingType::Custom && custom_class.is_none() {
            let meaning = "the custom grouping object, e.g. {className: ..., constructorArgs: [...]}";
            self.problems.at(site, FluxError::MissingKey { key: "customClass", meaning });
        } else if let (true, Some(c)) = (parsed != GroupingType::Custom, &custom_class) {
            self.warn(&c.site, format!("'customClass' is ignored by a {parsed} grouping"));
        }
        Some(GroupingDef { kind, stream_id, args, custom_class, site: site.clone() })
    }

    fn include(&mut self, node: &Node, site: &Site) -> Option<IncludeDef> {
        let e = self.map(node, site, INCLUDE_KEYS)?;
        let file = self.required_string(&e, "file", "the path of the Flux file to include");
        let resource = self.bool(&e, "resource");
        let overrides = self.bool(&e, "override");
        Some(IncludeDef { file: file?, resource, overrides, site: site.clone() })
    }
}

/// Definitions that carry an id.
trait HasId {
    fn id(&self) -> &Located<String>;
}

impl HasId for BeanDef {
    fn id(&self) -> &Located<String> {
        &self.id
    }
}

impl HasId for VertexDef {
    fn id(&self) -> &Located<String> {
        &self.id
    }
}
