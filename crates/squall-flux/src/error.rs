//! [`FluxError`]: what can go wrong loading a Flux file; [`Site`]: where; [`FluxWarning`]: what is
//! suspicious but loads.
//!
//! Errors are built from a leaf that says what is wrong (in Flux's vocabulary) wrapped by context
//! variants, outermost first: the file ([`FluxError::InFile`]), the line and column
//! ([`FluxError::At`]) and the key path inside the document ([`FluxError::InNode`]). The display is
//! the whole story on one line, like a compiler's:
//!
//! ```text
//! topology.yaml:14:7: bolts[1].grouping.type: unknown grouping type 'FEILDS' (expected one of ALL, ...)
//! ```
//!
//! Because the display already holds every wrapped message, no variant reports a `source()`: an
//! error-chain printer prints the line once.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use squall_api::{ConfigProblem, TopologyError};

/// Where a definition sits: its file, its 1-based line and column (in characters, in the file as
/// written, before `${...}` substitution), and the path of keys leading to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    /// The Flux file (the top-level file or an include), as the user named it.
    pub file: Arc<Path>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
    /// The keys leading to the node, as `bolts[1].grouping.type`; empty for the document itself.
    pub path: String,
}

impl Site {
    /// Wraps `error` in this site's context: file, then line and column, then key path.
    pub fn wrap(&self, error: FluxError) -> FluxError {
        let mut error = error;
        if !self.path.is_empty() {
            error = FluxError::InNode { path: self.path.clone(), error: Box::new(error) };
        }
        error = FluxError::At { line: self.line, column: self.column, error: Box::new(error) };
        FluxError::InFile { file: self.file.to_path_buf(), error: Box::new(error) }
    }

    /// The site of the child `key` of this node, at `line`:`column`.
    pub(crate) fn child(&self, key: &str, line: u32, column: u32) -> Site {
        let path = if self.path.is_empty() { key.to_owned() } else { format!("{}.{key}", self.path) };
        Site { file: self.file.clone(), line, column, path }
    }

    /// The site of item `index` of this list node, at `line`:`column`.
    pub(crate) fn item(&self, index: usize, line: u32, column: u32) -> Site {
        Site { file: self.file.clone(), line, column, path: format!("{}[{index}]", self.path) }
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// A loadable but suspicious definition (an ignored key, a bolt no stream feeds). Storm logs these;
/// squall returns them with the topology so the caller decides how to show them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FluxWarning {
    /// Where, when known.
    pub site: Option<Site>,
    /// What.
    pub message: String,
}

impl fmt::Display for FluxWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.site {
            Some(site) if site.path.is_empty() => write!(f, "{site}: {}", self.message),
            Some(site) => write!(f, "{site}: {}: {}", site.path, self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The grouping types a Flux `grouping.type` may name (Storm's eight, plus squall's `PARTIAL_KEY`).
pub const GROUPING_TYPES: &str =
    "ALL, CUSTOM, DIRECT, SHUFFLE, LOCAL_OR_SHUFFLE, FIELDS, GLOBAL, NONE, PARTIAL_KEY";

/// Everything that can go wrong loading a Flux file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FluxError {
    /// Context: the error happened in this file.
    #[error("{}{}{error}", file.display(), if matches!(**error, FluxError::At { .. }) { ":" } else { ": " })]
    InFile {
        /// The file, as the user named it.
        file: PathBuf,
        /// What went wrong there.
        error: Box<FluxError>,
    },
    /// Context: at this line and column of the file.
    #[error("{line}:{column}: {error}")]
    At {
        /// 1-based line.
        line: u32,
        /// 1-based column, in characters.
        column: u32,
        /// What went wrong there.
        error: Box<FluxError>,
    },
    /// Context: in the node at this key path (`bolts[1].grouping.type`).
    #[error("{path}: {error}")]
    InNode {
        /// The key path.
        path: String,
        /// What went wrong there.
        error: Box<FluxError>,
    },
    /// Several independent problems, each with its own context, one per line.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Many(Vec<FluxError>),

    /// The file could not be read.
    #[error("cannot read the file: {io}")]
    Read {
        /// The I/O error.
        io: io::Error,
    },
    /// The text is not valid YAML.
    #[error("YAML syntax error: {message}")]
    Syntax {
        /// The parser's message.
        message: String,
    },
    /// A value of the wrong kind.
    #[error("expected {expected}, got {got}")]
    WrongType {
        /// What the key takes.
        expected: String,
        /// What was found.
        got: String,
    },
    /// A required key is absent.
    #[error("missing required key '{key}' ({meaning})")]
    MissingKey {
        /// The key.
        key: &'static str,
        /// What it gives.
        meaning: &'static str,
    },
    /// A key Flux does not define here (Storm's parser rejects these too).
    #[error("unknown key '{key}' (expected one of {})", .expected.join(", "))]
    UnknownKey {
        /// The key.
        key: String,
        /// The keys allowed here.
        expected: &'static [&'static str],
    },
    /// A key given twice in one map.
    #[error("key '{key}' is given twice (first at line {first_line})")]
    DuplicateKey {
        /// The key.
        key: String,
        /// The line of its first occurrence.
        first_line: u32,
    },
    /// A grouping `type` that is not one of Flux's.
    #[error("unknown grouping type '{got}' (expected one of {GROUPING_TYPES})")]
    UnknownGroupingType {
        /// The type given.
        got: String,
    },
    /// A value of the right kind but not allowed (a parallelism of 0, an empty id).
    #[error("{message}")]
    Invalid {
        /// What is wrong.
        message: String,
    },
    /// A `className` no factory of the needed kind is registered under.
    #[error("{}", unknown_class(class, kind, registered_as.as_deref()))]
    UnknownClass {
        /// The class name.
        class: String,
        /// What the definition needs: "spout", "bolt", "custom grouping" or "component".
        kind: &'static str,
        /// What the class is registered as instead, if anything.
        registered_as: Option<String>,
    },
    /// A stream naming a spout or bolt that is not defined.
    #[error("{message}")]
    UnknownComponent {
        /// The id named.
        id: String,
        /// The full message (which end, and what exists).
        message: String,
    },
    /// A `ref`/`reflist` naming no component declared above.
    #[error("{message}")]
    UnknownRef {
        /// The id referenced.
        id: String,
        /// The full message.
        message: String,
    },
    /// Two definitions with one id.
    #[error("id '{id}' is already used by the {first_kind} defined at {first}")]
    DuplicateId {
        /// The id.
        id: String,
        /// What the first definition is ("spout", "bolt", "component").
        first_kind: &'static str,
        /// Where it is.
        first: String,
    },
    /// A registered factory rejected its arguments.
    #[error("bad {what} for {class}: {problem}")]
    BadArguments {
        /// Which arguments: "constructor arguments", "arguments to configMethod 'x'", "property 'y'".
        what: String,
        /// The class.
        class: String,
        /// What the factory expected.
        problem: String,
    },
    /// An `includes` entry that cannot be read.
    #[error("cannot read include '{file}': {io}{}", tried_list(tried))]
    Include {
        /// The `file` value.
        file: String,
        /// The I/O error.
        io: io::Error,
        /// The paths tried.
        tried: Vec<PathBuf>,
    },
    /// The properties file given for `${...}` substitution cannot be read or parsed.
    #[error("cannot read properties file: {io}")]
    PropertiesFile {
        /// The I/O error.
        io: io::Error,
    },
    /// A `${...}` placeholder that cannot be substituted.
    #[error("cannot substitute '{placeholder}': {reason}")]
    Unresolved {
        /// The placeholder, `${...}` included.
        placeholder: String,
        /// Why.
        reason: String,
    },
    /// A Flux feature squall does not support.
    #[error("'{key}' is not supported: {why}")]
    Unsupported {
        /// The key.
        key: &'static str,
        /// Why, and what to do instead.
        why: &'static str,
    },
    /// A bad value for a known config key.
    #[error("{0}")]
    Config(ConfigProblem),
    /// A problem the topology builder found (an unknown stream, a grouping on an undeclared field).
    #[error("{0}")]
    Topology(TopologyError),
}

fn unknown_class(class: &str, kind: &str, registered_as: Option<&str>) -> String {
    match registered_as {
        Some(other) => format!("className '{class}' is registered as a {other}, not a {kind}"),
        None => format!("unknown className '{class}': no {kind} is registered under that name"),
    }
}

fn tried_list(tried: &[PathBuf]) -> String {
    if tried.is_empty() {
        return String::new();
    }
    let list = tried.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
    format!(" (looked for {list})")
}

impl FluxError {
    /// The innermost error: what is wrong, without file, position or key path.
    pub fn leaf(&self) -> &FluxError {
        match self {
            FluxError::InFile { error, .. }
            | FluxError::At { error, .. }
            | FluxError::InNode { error, .. } => error.leaf(),
            other => other,
        }
    }

    /// The file this error is in, if it names one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            FluxError::InFile { file, .. } => Some(file),
            FluxError::At { error, .. } | FluxError::InNode { error, .. } => error.file(),
            _ => None,
        }
    }

    /// The 1-based line and column, if the error points at one.
    pub fn position(&self) -> Option<(u32, u32)> {
        match self {
            FluxError::At { line, column, .. } => Some((*line, *column)),
            FluxError::InFile { error, .. } | FluxError::InNode { error, .. } => error.position(),
            _ => None,
        }
    }

    /// The key path (`bolts[1].grouping.type`), if the error points at a node.
    pub fn node_path(&self) -> Option<&str> {
        match self {
            FluxError::InNode { path, .. } => Some(path),
            FluxError::InFile { error, .. } | FluxError::At { error, .. } => error.node_path(),
            _ => None,
        }
    }

    /// Every single error: the members of [`FluxError::Many`], or this error alone.
    pub fn errors(&self) -> Vec<&FluxError> {
        match self {
            FluxError::Many(all) => all.iter().flat_map(FluxError::errors).collect(),
            one => vec![one],
        }
    }

    /// Wraps in the file context.
    pub(crate) fn in_file(self, file: &Path) -> FluxError {
        FluxError::InFile { file: file.to_path_buf(), error: Box::new(self) }
    }

    /// One error for a list of them: the single one, or [`FluxError::Many`].
    pub(crate) fn from_list(mut errors: Vec<FluxError>) -> FluxError {
        if errors.len() == 1 { errors.remove(0) } else { FluxError::Many(errors) }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> FluxError {
        FluxError::Invalid { message: message.into() }
    }

    pub(crate) fn wrong_type(expected: impl Into<String>, got: impl Into<String>) -> FluxError {
        FluxError::WrongType { expected: expected.into(), got: got.into() }
    }
}

/// Collects independent errors so a user sees all of them at once.
#[derive(Debug, Default)]
pub(crate) struct Problems(pub Vec<FluxError>);

impl Problems {
    pub fn push(&mut self, error: FluxError) {
        self.0.push(error);
    }

    pub fn at(&mut self, site: &Site, error: FluxError) {
        self.0.push(site.wrap(error));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` if nothing was collected, else every problem.
    pub fn finish<T>(self, value: T) -> Result<T, FluxError> {
        if self.0.is_empty() { Ok(value) } else { Err(FluxError::from_list(self.0)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_reads_like_a_compiler_message() {
        let site = Site {
            file: Arc::from(Path::new("topology.yaml")),
            line: 14,
            column: 7,
            path: "bolts[1].grouping.type".into(),
        };
        let e = site.wrap(FluxError::UnknownGroupingType { got: "FEILDS".into() });
        assert_eq!(
            e.to_string(),
            "topology.yaml:14:7: bolts[1].grouping.type: unknown grouping type 'FEILDS' (expected one of ALL, CUSTOM, DIRECT, SHUFFLE, LOCAL_OR_SHUFFLE, FIELDS, GLOBAL, NONE, PARTIAL_KEY)"
        );
        assert_eq!(e.position(), Some((14, 7)));
        assert_eq!(e.file(), Some(Path::new("topology.yaml")));
        assert_eq!(e.node_path(), Some("bolts[1].grouping.type"));
        assert!(matches!(e.leaf(), FluxError::UnknownGroupingType { .. }));
        let plain =
            FluxError::Read { io: io::Error::from(io::ErrorKind::NotFound) }.in_file(Path::new("t.yaml"));
        assert!(plain.to_string().starts_with("t.yaml: cannot read the file: "));
    }
}
