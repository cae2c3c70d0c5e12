//! The typed Flux model: what a Flux file says, before any class is looked up.
//!
//! The types follow Storm's `org.apache.storm.flux.model` (`TopologyDef`, `ObjectDef`, `BeanDef`,
//! `VertexDef`, `StreamDef`, `GroupingDef`, `IncludeDef`, `PropertyDef`, `ConfigMethodDef`). Every
//! value a later step may complain about keeps the [`Site`] it was written at, so an unknown
//! component in a stream still points at its line and column.

mod parse;
mod walk;

use std::fmt;

use squall_api::Value;

pub(crate) use parse::topology;

use crate::Site;

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub site: Site,
}

/// A whole Flux file (after includes are merged, the whole topology).
#[derive(Clone, Debug)]
pub struct TopologyDef {
    /// `name`: the topology's name.
    pub name: Option<Located<String>>,
    /// `config`: topology configuration under Storm's key names, in file order.
    pub config: Vec<ConfigEntry>,
    /// `components`: objects that later definitions refer to with `ref`/`reflist`.
    pub components: Vec<BeanDef>,
    /// `spouts`.
    pub spouts: Vec<VertexDef>,
    /// `bolts`.
    pub bolts: Vec<VertexDef>,
    /// `streams`: the edges.
    pub streams: Vec<StreamDef>,
    /// `includes`: other Flux files merged into this one.
    pub includes: Vec<IncludeDef>,
    /// The document itself.
    pub site: Site,
}

/// One `config` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigEntry {
    /// The key, such as `topology.workers`.
    pub key: Located<String>,
    /// The value.
    pub value: Value,
}

/// How to make an object: Storm's `ObjectDef` (a class, its constructor or static factory
/// arguments, properties to set, configuration methods to call).
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectDef {
    /// `className`: the name the class is registered under.
    pub class_name: Located<String>,
    /// `constructorArgs`.
    pub constructor_args: Option<Located<Vec<ArgDef>>>,
    /// `factory`: a static factory method used instead of a constructor.
    pub factory: Option<Located<String>>,
    /// `factoryArgs`: the factory method's arguments.
    pub factory_args: Option<Located<Vec<ArgDef>>>,
    /// `properties`: values to set after construction.
    pub properties: Vec<PropertyDef>,
    /// `configMethods`: methods to call after the properties are set, in order.
    pub config_methods: Vec<ConfigMethodDef>,
    /// The definition itself.
    pub site: Site,
}

/// A named object: an entry of `components` (Storm's `BeanDef`).
#[derive(Clone, Debug, PartialEq)]
pub struct BeanDef {
    /// `id`.
    pub id: Located<String>,
    /// How to make it.
    pub object: ObjectDef,
}

/// A spout or bolt definition (Storm's `VertexDef`).
#[derive(Clone, Debug, PartialEq)]
pub struct VertexDef {
    /// `id`: the component id in the topology.
    pub id: Located<String>,
    /// How to make it.
    pub object: ObjectDef,
    /// `parallelism`: executors (default 1).
    pub parallelism: Option<Located<u32>>,
    /// `numTasks`: tasks, if set (`-1` in the file means unset).
    pub num_tasks: Option<Located<u32>>,
    /// `onHeapMemoryLoad`, in MB: a resource-aware scheduling hint squall accepts and ignores.
    pub on_heap_memory_load: Option<f64>,
    /// `offHeapMemoryLoad`, in MB: accepted and ignored, like `onHeapMemoryLoad`.
    pub off_heap_memory_load: Option<f64>,
    /// `cpuLoad`, in points (100 = a core): accepted and ignored.
    pub cpu_load: Option<f64>,
    /// `config`: this component's own configuration.
    pub config: Vec<ConfigEntry>,
}

impl VertexDef {
    /// The parallelism hint: `parallelism`, or 1.
    pub fn parallelism(&self) -> u32 {
        self.parallelism.as_ref().map_or(1, |p| p.value)
    }
}

/// One constructor, factory or configuration-method argument, or a property value.
#[derive(Clone, Debug, PartialEq)]
pub enum ArgDef {
    /// A YAML value: scalar, list or map.
    Value(Located<Value>),
    /// `ref: id`: the component with this id.
    Ref(Located<String>),
    /// `reflist: [id, ...]`: a list of components.
    RefList(Located<Vec<Located<String>>>),
}

impl ArgDef {
    /// Where the argument was written.
    pub fn site(&self) -> &Site {
        match self {
            ArgDef::Value(v) => &v.site,
            ArgDef::Ref(r) => &r.site,
            ArgDef::RefList(r) => &r.site,
        }
    }
}

/// A `properties` entry: `{name, value}` or `{name, ref}`.
#[derive(Clone, Debug, PartialEq)]
pub struct PropertyDef {
    /// `name`.
    pub name: Located<String>,
    /// `value`, or `ref` as [`ArgDef::Ref`].
    pub value: ArgDef,
}

/// A `configMethods` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigMethodDef {
    /// `name`: the method.
    pub name: Located<String>,
    /// `args`.
    pub args: Vec<ArgDef>,
}

/// A `streams` entry: an edge from a spout or bolt to a bolt.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamDef {
    /// `name`: free text, informational only.
    pub name: Option<String>,
    /// `from`: the emitting spout or bolt.
    pub from: Located<String>,
    /// `to`: the receiving bolt.
    pub to: Located<String>,
    /// `grouping`.
    pub grouping: GroupingDef,
    /// The definition itself.
    pub site: Site,
}

/// A stream's `grouping`.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupingDef {
    /// `type`.
    pub kind: Located<GroupingType>,
    /// `streamId`: the stream of `from` to subscribe to (absent: `default`).
    pub stream_id: Option<Located<String>>,
    /// `args`: the field names of a `FIELDS` (or `PARTIAL_KEY`) grouping.
    pub args: Option<Located<Vec<String>>>,
    /// `customClass`: the grouping object of a `CUSTOM` grouping.
    pub custom_class: Option<ObjectDef>,
    /// The grouping object itself.
    pub site: Site,
}

/// A grouping `type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupingType {
    /// `ALL`.
    All,
    /// `CUSTOM`, with `customClass`.
    Custom,
    /// `DIRECT`.
    Direct,
    /// `SHUFFLE`.
    Shuffle,
    /// `LOCAL_OR_SHUFFLE`.
    LocalOrShuffle,
    /// `FIELDS`, with `args`.
    Fields,
    /// `GLOBAL`.
    Global,
    /// `NONE`.
    None,
    /// `PARTIAL_KEY`, with `args`: a squall extension (Storm reaches it only through `CUSTOM`).
    PartialKey,
}

impl GroupingType {
    /// Every type, as Flux spells them.
    pub const ALL: [GroupingType; 9] = [
        GroupingType::All,
        GroupingType::Custom,
        GroupingType::Direct,
        GroupingType::Shuffle,
        GroupingType::LocalOrShuffle,
        GroupingType::Fields,
        GroupingType::Global,
        GroupingType::None,
        GroupingType::PartialKey,
    ];

    /// The type as Flux spells it (`LOCAL_OR_SHUFFLE`).
    pub fn as_str(self) -> &'static str {
        match self {
            GroupingType::All => "ALL",
            GroupingType::Custom => "CUSTOM",
            GroupingType::Direct => "DIRECT",
            GroupingType::Shuffle => "SHUFFLE",
            GroupingType::LocalOrShuffle => "LOCAL_OR_SHUFFLE",
            GroupingType::Fields => "FIELDS",
            GroupingType::Global => "GLOBAL",
            GroupingType::None => "NONE",
            GroupingType::PartialKey => "PARTIAL_KEY",
        }
    }

    /// The type Flux spells `name` (exactly, as Java's `Enum.valueOf`).
    pub fn parse(name: &str) -> Option<GroupingType> {
        GroupingType::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

impl fmt::Display for GroupingType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An `includes` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct IncludeDef {
    /// `file`: a path, or with `resource: true` a resource name.
    pub file: Located<String>,
    /// `resource`: look `file` up as a resource (see the crate docs for where).
    pub resource: bool,
    /// `override`: the included definitions replace ones already present.
    pub overrides: bool,
    /// The entry itself.
    pub site: Site,
}
