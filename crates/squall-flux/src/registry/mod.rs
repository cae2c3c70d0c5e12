//! [`Registry`]: the map from Flux `className` strings to factories, Flux's stand-in for Java's
//! class loader.
//!
//! A factory receives the definition as an [`ObjectSpec`] (arguments with every `ref` resolved to
//! the object it names, properties, configuration-method calls) and returns what squall runs: a
//! [`SpoutFactory`], a [`BoltFactory`], a [`CustomGroupingFactory`] (or a built-in [`Grouping`]), or
//! for `components` any shared object. When the arguments do not fit, it returns an [`ArgError`]
//! saying which argument and what it expected; the loader adds the file, line and column.
//!
//! ```
//! use squall_api::{values, OutputDeclarer, Spout, SpoutCollector};
//! use squall_flux::{spout_factory, ObjectSpec, Registry};
//!
//! #[derive(Clone)]
//! struct Constant(String);
//! impl Spout for Constant {
//!     fn declare_outputs(&self, d: &mut OutputDeclarer) { d.declare(["word"]); }
//!     fn next_tuple(&mut self, c: &mut SpoutCollector<'_>) { c.emit(values![self.0.clone()]); }
//! }
//!
//! let mut registry = Registry::with_builtins();
//! registry.register_spout("com.example.ConstantSpout", |spec: &ObjectSpec| {
//!     spec.expect_constructor_only()?;
//!     spec.args.expect_len(1..=1, "the word to emit")?;
//!     let spout = Constant(spec.args.string(0)?.to_owned());
//!     Ok(spout_factory(move || spout.clone()))
//! });
//! assert_eq!(registry.kind_of("com.example.ConstantSpout"), Some("spout"));
//! ```

mod spec;

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use squall_api::{
    BasicBolt, BasicBoltAdapter, Bolt, BoltFactory, CustomGroupingFactory, CustomStreamGrouping, Grouping,
    Spout, SpoutFactory,
};

pub use spec::{Arg, ArgError, ArgOwner, ArgSite, Args, ConfigMethod, ObjectRef, ObjectSpec, Property};

/// A registered factory.
pub(crate) type Maker<T> = Arc<dyn Fn(&ObjectSpec) -> Result<T, ArgError> + Send + Sync>;

/// The registered classes of each kind.
#[derive(Clone, Default)]
pub struct Registry {
    spouts: BTreeMap<String, Maker<SpoutFactory>>,
    bolts: BTreeMap<String, Maker<BoltFactory>>,
    groupings: BTreeMap<String, Maker<Grouping>>,
    objects: BTreeMap<String, Maker<Arc<dyn Any + Send + Sync>>>,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("spouts", &self.spouts.keys().collect::<Vec<_>>())
            .field("bolts", &self.bolts.keys().collect::<Vec<_>>())
            .field("groupings", &self.groupings.keys().collect::<Vec<_>>())
            .field("objects", &self.objects.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// A registry holding squall's built-in classes: Storm's `FluxShellSpout`, `FluxShellBolt`
    /// (multilang components), `TestWordSpout`, `TestWordCounter`, `LogInfoBolt`, `NGrouping`,
    /// `PartialKeyGrouping`, `Fields`, the Flux examples' `WordCounter`, `TestPrintBolt` and
    /// `TestWindowBolt` with `BaseWindowedBolt$Count`/`$Duration`, and squall's
    /// `squall.spouts.FileLineSpout` and `squall.bolts.JsonLinesFileBolt` (see
    /// [`builtin`](crate::builtin)).
    pub fn with_builtins() -> Self {
        let mut registry = Self::new();
        crate::builtin::register(&mut registry);
        registry
    }

    /// Registers a spout class; a later registration under the same name replaces it.
    pub fn register_spout<F>(&mut self, class: impl Into<String>, factory: F) -> &mut Self
    where
        F: Fn(&ObjectSpec) -> Result<SpoutFactory, ArgError> + Send + Sync + 'static,
    {
        self.spouts.insert(class.into(), Arc::new(factory));
        self
    }

    /// Registers a bolt class; a later registration under the same name replaces it.
    pub fn register_bolt<F>(&mut self, class: impl Into<String>, factory: F) -> &mut Self
    where
        F: Fn(&ObjectSpec) -> Result<BoltFactory, ArgError> + Send + Sync + 'static,
    {
        self.bolts.insert(class.into(), Arc::new(factory));
        self
    }

    /// Registers a custom grouping class (the `customClass` of a `CUSTOM` grouping); the grouping is
    /// named after the class in plans and errors.
    pub fn register_grouping<F>(&mut self, class: impl Into<String>, factory: F) -> &mut Self
    where
        F: Fn(&ObjectSpec) -> Result<CustomGroupingFactory, ArgError> + Send + Sync + 'static,
    {
        let class = class.into();
        let name = class.clone();
        let maker = move |spec: &ObjectSpec| {
            factory(spec).map(|factory| Grouping::Custom { name: name.clone(), factory })
        };
        self.groupings.insert(class, Arc::new(maker));
        self
    }

    /// Registers a `customClass` that stands for one of squall's own groupings (as
    /// `org.apache.storm.grouping.PartialKeyGrouping` stands for [`Grouping::PartialKey`]).
    pub fn register_grouping_rule<F>(&mut self, class: impl Into<String>, factory: F) -> &mut Self
    where
        F: Fn(&ObjectSpec) -> Result<Grouping, ArgError> + Send + Sync + 'static,
    {
        self.groupings.insert(class.into(), Arc::new(factory));
        self
    }

    /// Registers a class for `components` entries: the object it makes is what a `ref` to the
    /// component hands to later factories (see [`Args::object`]).
    pub fn register_object<F>(&mut self, class: impl Into<String>, factory: F) -> &mut Self
    where
        F: Fn(&ObjectSpec) -> Result<Arc<dyn Any + Send + Sync>, ArgError> + Send + Sync + 'static,
    {
        self.objects.insert(class.into(), Arc::new(factory));
        self
    }

    /// What `class` is registered as: `"spout"`, `"bolt"`, `"custom grouping"` or `"component"`
    /// (the first of these that matches).
    pub fn kind_of(&self, class: &str) -> Option<&'static str> {
        if self.spouts.contains_key(class) {
            Some("spout")
        } else if self.bolts.contains_key(class) {
            Some("bolt")
        } else if self.groupings.contains_key(class) {
            Some("custom grouping")
        } else if self.objects.contains_key(class) {
            Some("component")
        } else {
            None
        }
    }

    /// Every registered class name with its kind, sorted by kind then name.
    pub fn classes(&self) -> Vec<(&str, &'static str)> {
        let kinds: [(&'static str, Vec<&String>); 4] = [
            ("spout", self.spouts.keys().collect()),
            ("bolt", self.bolts.keys().collect()),
            ("custom grouping", self.groupings.keys().collect()),
            ("component", self.objects.keys().collect()),
        ];
        kinds
            .into_iter()
            .flat_map(|(kind, names)| names.into_iter().map(move |n| (n.as_str(), kind)))
            .collect()
    }

    pub(crate) fn spout(&self, class: &str) -> Option<&Maker<SpoutFactory>> {
        self.spouts.get(class)
    }

    pub(crate) fn bolt(&self, class: &str) -> Option<&Maker<BoltFactory>> {
        self.bolts.get(class)
    }

    pub(crate) fn grouping(&self, class: &str) -> Option<&Maker<Grouping>> {
        self.groupings.get(class)
    }

    pub(crate) fn object(&self, class: &str) -> Option<&Maker<Arc<dyn Any + Send + Sync>>> {
        self.objects.get(class)
    }
}

/// A [`SpoutFactory`] from a closure making one spout per task (what a spout class's registered
/// factory returns).
pub fn spout_factory<S: Spout, F: Fn() -> S + Send + Sync + 'static>(make: F) -> SpoutFactory {
    Arc::new(move || Box::new(make()))
}

/// A [`BoltFactory`] from a closure making one bolt per task.
pub fn bolt_factory<B: Bolt, F: Fn() -> B + Send + Sync + 'static>(make: F) -> BoltFactory {
    Arc::new(move || Box::new(make()))
}

/// A [`BoltFactory`] from a closure making one [`BasicBolt`] per task (run through
/// [`BasicBoltAdapter`]: emits anchored, inputs acked automatically).
pub fn basic_bolt_factory<B: BasicBolt, F: Fn() -> B + Send + Sync + 'static>(make: F) -> BoltFactory {
    Arc::new(move || Box::new(BasicBoltAdapter(make())))
}

/// A [`CustomGroupingFactory`] from a closure making one grouping per producer executor.
pub fn grouping_factory<G, F>(make: F) -> CustomGroupingFactory
where
    G: CustomStreamGrouping + 'static,
    F: Fn() -> G + Send + Sync + 'static,
{
    Arc::new(move || Box::new(make()))
}
