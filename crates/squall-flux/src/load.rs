//! Reading Flux files: text → `${...}` substitution → YAML → model, with includes merged
//! ([`parse_file`]), then through the [`Registry`] into a runnable topology ([`load_file`]).

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::model::TopologyDef;
use crate::substitute::{self, Sources};
use crate::{FluxError, FluxTopology, FluxWarning, Registry, Site};

/// How to read a Flux file: Storm's `--filter` and `--env-filter` options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// A Java properties file whose keys `${key}` placeholders are replaced by (`--filter`).
    pub properties_file: Option<PathBuf>,
    /// Replace `${ENV-NAME}` placeholders by environment variables (`--env-filter`).
    pub env_filter: bool,
}

/// A parsed Flux file with its includes merged: the model, not yet instantiated.
#[derive(Clone, Debug)]
pub struct FluxDocument {
    /// The definitions.
    pub def: TopologyDef,
    /// Suspicious but loadable definitions (ignored keys, includes of includes, unknown config keys).
    pub warnings: Vec<FluxWarning>,
    /// The directory of the top-level file, absolute: where shell components run and relative
    /// paths in arguments point.
    pub resources_dir: PathBuf,
}

/// Loads a Flux file into a runnable topology, instantiating every class through `registry`.
///
/// # Errors
/// Every problem found in the file (and its includes), each naming file, line, column and key path:
/// see [`FluxError`].
pub fn load_file(path: &Path, options: &LoadOptions, registry: &Registry) -> Result<FluxTopology, FluxError> {
    crate::build::build(parse_file(path, options)?, registry)
}

/// Loads Flux text as if it were the file `path` (which names it in errors, and whose directory is
/// the resources directory and the base of relative includes).
///
/// # Errors
/// As [`load_file`].
pub fn load_str(
    text: &str,
    path: &Path,
    options: &LoadOptions,
    registry: &Registry,
) -> Result<FluxTopology, FluxError> {
    crate::build::build(parse_str(text, path, options)?, registry)
}

/// Parses a Flux file and merges its includes, without instantiating anything.
///
/// # Errors
/// Unreadable files, unresolved placeholders, YAML syntax errors, and definitions of the wrong
/// shape, each with its position.
pub fn parse_file(path: &Path, options: &LoadOptions) -> Result<FluxDocument, FluxError> {
    let text = read_text(path).map_err(|io| FluxError::Read { io }.in_file(path))?;
    parse_str(&text, path, options)
}

/// Parses Flux text as if it were the file `path`, and merges its includes.
///
/// # Errors
/// As [`parse_file`].
pub fn parse_str(text: &str, path: &Path, options: &LoadOptions) -> Result<FluxDocument, FluxError> {
    parse_with_env(text, path, options, &|name| std::env::var(name).ok())
}

pub(crate) fn parse_with_env(
    text: &str,
    path: &Path,
    options: &LoadOptions,
    env_lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<FluxDocument, FluxError> {
    let properties = match &options.properties_file {
        Some(file) => Some(read_properties(file)?),
        None => None,
    };
    let reader = Reader { properties, env: options.env_filter, env_lookup };
    let mut warnings = Vec::new();
    let mut def = reader.read(text, path, &mut warnings)?;
    let dir = directory_of(path);
    crate::include::merge_includes(&mut def, &dir, &reader, &mut warnings)?;
    let resources_dir = std::path::absolute(&dir).unwrap_or(dir);
    Ok(FluxDocument { def, warnings, resources_dir })
}

/// The directory holding `path` (`.` for a bare file name).
pub(crate) fn directory_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Reads a file as UTF-8 text.
pub(crate) fn read_text(path: &Path) -> io::Result<String> {
    let bytes = std::fs::read(path)?;
    String::from_utf8(bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "the file is not valid UTF-8"))
}

fn read_properties(file: &Path) -> Result<HashMap<String, String>, FluxError> {
    let bytes = std::fs::read(file).map_err(|io| FluxError::PropertiesFile { io }.in_file(file))?;
    Ok(crate::properties::parse(&crate::properties::decode(&bytes)))
}

/// Turns the text of one Flux file into its model, with the substitution sources of the load.
pub(crate) struct Reader<'a> {
    properties: Option<HashMap<String, String>>,
    env: bool,
    env_lookup: &'a dyn Fn(&str) -> Option<String>,
}

impl Reader<'_> {
    pub(crate) fn read(
        &self,
        text: &str,
        path: &Path,
        warnings: &mut Vec<FluxWarning>,
    ) -> Result<TopologyDef, FluxError> {
        let file: Arc<Path> = Arc::from(path);
        let sources =
            Sources { properties: self.properties.as_ref(), env: self.env, env_lookup: self.env_lookup };
        let substituted = substitute::substitute(text, &sources).map_err(|unresolved| {
            let errors = unresolved
                .into_iter()
                .map(|u| {
                    Site { file: file.clone(), line: u.line, column: u.column, path: String::new() }
                        .wrap(u.error)
                })
                .collect();
            FluxError::from_list(errors)
        })?;
        let root = crate::yaml::parse(&substituted).map_err(|e| {
            Site { file: file.clone(), line: e.line, column: e.column, path: String::new() }
                .wrap(FluxError::Syntax { message: e.message })
        })?;
        crate::model::topology(&root, &file, warnings)
    }
}
