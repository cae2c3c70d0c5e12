//! [`ObjectSpec`]: what a registered factory is given (a definition with its references resolved),
//! [`Args`] with typed accessors, and [`ArgError`], what a factory answers when the arguments do
//! not fit.

use std::any::Any;
use std::fmt;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::sync::Arc;

use squall_api::Value;

/// An object built from a `components` entry, as a `ref` hands it over.
#[derive(Clone)]
pub struct ObjectRef {
    /// The component's `id`.
    pub id: String,
    /// Its `className`.
    pub class_name: String,
    /// The object its factory made.
    pub object: Arc<dyn Any + Send + Sync>,
}

impl fmt::Debug for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ref {} ({})", self.id, self.class_name)
    }
}

/// One argument: a YAML value, or references resolved to the objects they name.
#[derive(Clone, Debug)]
pub enum Arg {
    /// A scalar, list or map written in the file.
    Value(Value),
    /// `ref: id`.
    Object(ObjectRef),
    /// `reflist: [ids]`.
    Objects(Vec<ObjectRef>),
}

impl Arg {
    /// How the argument reads in a "got ..." message.
    pub fn describe(&self) -> String {
        match self {
            Arg::Value(v) => describe_value(v),
            Arg::Object(o) => format!("a reference to component '{}' ({})", o.id, o.class_name),
            Arg::Objects(_) => "a reference list".to_owned(),
        }
    }
}

/// How a value reads in a "got ..." message.
pub(crate) fn describe_value(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::I64(i) => format!("integer {i}"),
        Value::F64(f) => format!("number {f}"),
        Value::Str(s) => format!("string '{s}'"),
        Value::Bytes(_) => "bytes".to_owned(),
        Value::List(items) => match items.iter().find(|i| !matches!(i, Value::Str(_))) {
            Some(odd) => format!("a list holding {}", describe_value(odd)),
            None => "a list".to_owned(),
        },
        Value::Map(_) => "a map".to_owned(),
    }
}

/// What a factory's arguments belong to, so an [`ArgError`] can point at them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgOwner {
    /// `constructorArgs` (or `factoryArgs` when a `factory` is named).
    Constructor,
    /// The `configMethods` entry with this index.
    ConfigMethod(usize),
}

/// Where an [`ArgError`] points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgSite {
    /// The definition as a whole (a required configuration method missing).
    Object,
    /// The `factory` named (a static factory method the class lacks).
    Factory,
    /// The argument list as a whole (a wrong number of arguments).
    Args(ArgOwner),
    /// One argument (0-based index).
    Arg(ArgOwner, usize),
    /// The `properties` entry with this index.
    Property(usize),
    /// The `configMethods` entry with this index (a method the class lacks).
    ConfigMethod(usize),
}

/// A factory's complaint about its arguments: where, and what it expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgError {
    /// What the complaint is about.
    pub at: ArgSite,
    /// What was expected and what was found ("expected a list of strings as argument 1, got ...").
    pub problem: String,
}

impl ArgError {
    /// A complaint about `at`.
    pub fn new(at: ArgSite, problem: impl Into<String>) -> Self {
        Self { at, problem: problem.into() }
    }
}

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problem)
    }
}

impl std::error::Error for ArgError {}

/// A list of arguments with typed accessors whose errors say which argument and what was expected.
#[derive(Clone, Debug)]
pub struct Args {
    items: Vec<Arg>,
    owner: ArgOwner,
}

impl Args {
    /// Arguments of `owner`.
    pub fn new(owner: ArgOwner, items: Vec<Arg>) -> Self {
        Self { items, owner }
    }

    /// The number of arguments.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True if there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The arguments in order.
    pub fn iter(&self) -> impl Iterator<Item = &Arg> {
        self.items.iter()
    }

    /// Argument `index`, if given.
    pub fn get(&self, index: usize) -> Option<&Arg> {
        self.items.get(index)
    }

    /// An error about argument `index` (0-based; messages count from 1).
    pub fn error(&self, index: usize, problem: impl Into<String>) -> ArgError {
        ArgError::new(ArgSite::Arg(self.owner, index), problem)
    }

    /// Checks the number of arguments; `meaning` describes them ("the command, then optionally the
    /// output fields").
    ///
    /// # Errors
    /// When the count is outside `allowed`.
    pub fn expect_len(&self, allowed: RangeInclusive<usize>, meaning: &str) -> Result<(), ArgError> {
        if allowed.contains(&self.items.len()) {
            return Ok(());
        }
        let (lo, hi) = (*allowed.start(), *allowed.end());
        let count = match (lo, hi) {
            (0, 0) => "no arguments".to_owned(),
            (lo, hi) if lo == hi => format!("{lo} argument{}", if lo == 1 { "" } else { "s" }),
            (lo, hi) if hi == lo + 1 => format!("{lo} or {hi} arguments"),
            (lo, hi) => format!("{lo} to {hi} arguments"),
        };
        let meaning = if meaning.is_empty() { String::new() } else { format!(" ({meaning})") };
        Err(ArgError::new(
            ArgSite::Args(self.owner),
            format!("expected {count}{meaning}, got {}", self.items.len()),
        ))
    }

    fn expected(&self, index: usize, what: &str) -> ArgError {
        match self.items.get(index) {
            Some(arg) => self
                .error(index, format!("expected {what} as argument {}, got {}", index + 1, arg.describe())),
            None => {
                ArgError::new(ArgSite::Args(self.owner), format!("missing argument {} ({what})", index + 1))
            }
        }
    }

    /// Argument `index` as a YAML value.
    ///
    /// # Errors
    /// When absent or a reference.
    pub fn value(&self, index: usize) -> Result<&Value, ArgError> {
        match self.items.get(index) {
            Some(Arg::Value(v)) => Ok(v),
            _ => Err(self.expected(index, "a value")),
        }
    }

    /// Argument `index` as a string.
    ///
    /// # Errors
    /// When absent or not a string.
    pub fn string(&self, index: usize) -> Result<&str, ArgError> {
        match self.items.get(index) {
            Some(Arg::Value(Value::Str(s))) => Ok(s),
            _ => Err(self.expected(index, "a string")),
        }
    }

    /// Argument `index` as a list of strings (Storm's `String[]`).
    ///
    /// # Errors
    /// When absent, not a list, or holding anything but strings.
    pub fn string_list(&self, index: usize) -> Result<Vec<String>, ArgError> {
        match self.items.get(index) {
            Some(Arg::Value(Value::List(items))) if items.iter().all(|i| matches!(i, Value::Str(_))) => {
                Ok(items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            }
            _ => Err(self.expected(index, "a list of strings")),
        }
    }

    /// Argument `index` as an integer.
    ///
    /// # Errors
    /// When absent or not an integer.
    pub fn int(&self, index: usize) -> Result<i64, ArgError> {
        match self.items.get(index) {
            Some(Arg::Value(Value::I64(i))) => Ok(*i),
            _ => Err(self.expected(index, "an integer")),
        }
    }

    /// Argument `index` as a boolean.
    ///
    /// # Errors
    /// When absent or not a boolean.
    pub fn bool(&self, index: usize) -> Result<bool, ArgError> {
        match self.items.get(index) {
            Some(Arg::Value(Value::Bool(b))) => Ok(*b),
            _ => Err(self.expected(index, "true or false")),
        }
    }

    /// Argument `index` as a reference to a component whose object is a `T`; `what` names `T` for
    /// the message ("a Fields component").
    ///
    /// # Errors
    /// When absent, not a `ref`, or a reference to an object of another type.
    pub fn object<T: Any + Send + Sync>(&self, index: usize, what: &str) -> Result<Arc<T>, ArgError> {
        match self.items.get(index) {
            Some(Arg::Object(r)) => r.object.clone().downcast::<T>().map_err(|_| self.expected(index, what)),
            _ => Err(self.expected(index, what)),
        }
    }
}

/// A `properties` entry with its reference resolved.
#[derive(Clone, Debug)]
pub struct Property {
    /// `name`.
    pub name: String,
    /// `value`, or the object `ref` names.
    pub value: Arg,
}

/// A `configMethods` entry with its references resolved.
#[derive(Clone, Debug)]
pub struct ConfigMethod {
    /// `name`.
    pub name: String,
    /// `args`.
    pub args: Args,
}

/// A definition as a factory sees it: Storm's `ObjectDef` with every `ref` resolved.
#[derive(Clone, Debug)]
pub struct ObjectSpec {
    /// `className`.
    pub class_name: String,
    /// The definition's `id` (spouts, bolts, components); `None` for a custom grouping.
    pub id: Option<String>,
    /// `factory`: the static factory method named instead of a constructor, if any.
    pub factory: Option<String>,
    /// `constructorArgs`, or `factoryArgs` when `factory` is named.
    pub args: Args,
    /// `properties`, in order.
    pub properties: Vec<Property>,
    /// `configMethods`, in order.
    pub config_methods: Vec<ConfigMethod>,
    /// The topology's resources directory (the directory of the top-level Flux file): what relative
    /// paths in arguments are relative to.
    pub resources_dir: PathBuf,
}

impl ObjectSpec {
    /// A definition of `class_name` with no arguments, properties or methods (for building specs
    /// in tests of your own factories).
    pub fn new(class_name: impl Into<String>) -> Self {
        Self {
            class_name: class_name.into(),
            id: None,
            factory: None,
            args: Args::new(ArgOwner::Constructor, Vec::new()),
            properties: Vec::new(),
            config_methods: Vec::new(),
            resources_dir: PathBuf::from("."),
        }
    }

    /// This spec with these constructor arguments.
    pub fn with_args(mut self, args: Vec<Arg>) -> Self {
        self.args = Args::new(ArgOwner::Constructor, args);
        self
    }

    /// This spec with one more configuration method call.
    pub fn with_config_method(mut self, name: impl Into<String>, args: Vec<Arg>) -> Self {
        let owner = ArgOwner::ConfigMethod(self.config_methods.len());
        self.config_methods.push(ConfigMethod { name: name.into(), args: Args::new(owner, args) });
        self
    }

    /// This spec with one more property.
    pub fn with_property(mut self, name: impl Into<String>, value: Arg) -> Self {
        self.properties.push(Property { name: name.into(), value });
        self
    }

    /// This spec with this resources directory.
    pub fn with_resources_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.resources_dir = dir.into();
        self
    }

    /// Rejects a `factory` (for classes built by constructor only).
    ///
    /// # Errors
    /// When a factory method is named.
    pub fn expect_no_factory(&self) -> Result<(), ArgError> {
        match &self.factory {
            Some(f) => Err(ArgError::new(ArgSite::Factory, format!("it has no static factory method '{f}'"))),
            None => Ok(()),
        }
    }

    /// Rejects properties (for classes without settable properties).
    ///
    /// # Errors
    /// Naming the first property.
    pub fn expect_no_properties(&self) -> Result<(), ArgError> {
        match self.properties.first() {
            Some(p) => Err(ArgError::new(ArgSite::Property(0), format!("it has no property '{}'", p.name))),
            None => Ok(()),
        }
    }

    /// Rejects every configuration method not in `known`.
    ///
    /// # Errors
    /// Naming the first unknown method and listing the known ones.
    pub fn expect_config_methods(&self, known: &[&str]) -> Result<(), ArgError> {
        match self.config_methods.iter().position(|m| !known.contains(&m.name.as_str())) {
            Some(i) => {
                let list = if known.is_empty() { "none".to_owned() } else { known.join(", ") };
                let problem = format!("it has no such configuration method (it has: {list})");
                Err(ArgError::new(ArgSite::ConfigMethod(i), problem))
            }
            None => Ok(()),
        }
    }

    /// For classes made from their constructor arguments alone: rejects a factory, properties and
    /// configuration methods.
    ///
    /// # Errors
    /// The first of those found.
    pub fn expect_constructor_only(&self) -> Result<(), ArgError> {
        self.expect_no_factory()?;
        self.expect_no_properties()?;
        self.expect_config_methods(&[])
    }
}
