//! `includes`: other Flux files merged into the top-level one, by Storm's rules.
//!
//! The included file's `name`, `config` keys, `components`, `spouts` and `bolts` are merged by
//! key or id: an entry already present is kept unless the include says `override: true`, in which
//! case the included one replaces it in place; new entries are appended. Included `streams` are
//! always appended. Includes are one level deep: an included file's own `includes` are ignored
//! (with a warning). Substitution applies to included files too.
//!
//! Where squall looks (Storm reads `file` relative to the working directory, and a `resource` from
//! the classpath):
//! - a relative `file` is looked up next to the including file first, then in the working
//!   directory (so Storm's `file: "src/test/resources/configs/x.yaml"`, run from the project root,
//!   still loads);
//! - a `resource` (a leading `/` dropped) is looked up in the directory of the including file and
//!   then in each directory above it, standing in for a classpath root.

use std::io;
use std::path::{Component, Path, PathBuf};

use crate::error::Problems;
use crate::load::{Reader, read_text};
use crate::model::{IncludeDef, TopologyDef};
use crate::{FluxError, FluxWarning, Site};

/// Reads every include of `def` (whose file is in `dir`) and merges it into `def`.
pub(crate) fn merge_includes(
    def: &mut TopologyDef,
    dir: &Path,
    reader: &Reader<'_>,
    warnings: &mut Vec<FluxWarning>,
) -> Result<(), FluxError> {
    let mut problems = Problems::default();
    for include in def.includes.clone() {
        let tried = candidates(&include, dir);
        let Some(found) = tried.iter().find(|p| p.is_file()).cloned() else {
            let io = io::Error::new(io::ErrorKind::NotFound, "no such file");
            problems
                .at(&include.file.site, FluxError::Include { file: include.file.value.clone(), io, tried });
            continue;
        };
        let text = match read_text(&found) {
            Ok(text) => text,
            Err(io) => {
                let error = FluxError::Include { file: include.file.value.clone(), io, tried: vec![found] };
                problems.at(&include.file.site, error);
                continue;
            }
        };
        match reader.read(&text, &found, warnings) {
            Ok(included) => merge(def, included, &include, warnings),
            Err(e) => problems.push(e),
        }
    }
    problems.finish(())
}

fn normalized(p: &Path) -> PathBuf {
    p.components().filter(|c| *c != Component::CurDir).collect()
}

/// The paths to try for an include, in order, without repeats.
fn candidates(include: &IncludeDef, dir: &Path) -> Vec<PathBuf> {
    let file = include.file.value.as_str();
    let mut out: Vec<PathBuf> = Vec::new();
    let mut push = |p: PathBuf| {
        if !out.iter().any(|q| normalized(q) == normalized(&p)) {
            out.push(p);
        }
    };
    if include.resource {
        let relative = file.trim_start_matches('/');
        for ancestor in dir.ancestors() {
            push(ancestor.join(relative));
        }
    } else if Path::new(file).is_absolute() {
        push(PathBuf::from(file));
    } else {
        push(dir.join(file));
        push(PathBuf::from(file));
    }
    out
}

fn warn(warnings: &mut Vec<FluxWarning>, site: &Site, message: String) {
    let warning = FluxWarning { site: Some(site.clone()), message };
    tracing::warn!(%warning, "flux");
    warnings.push(warning);
}

/// Merges `included` into `def` as the include entry `include` says.
fn merge(
    def: &mut TopologyDef,
    included: TopologyDef,
    include: &IncludeDef,
    warnings: &mut Vec<FluxWarning>,
) {
    let overrides = include.overrides;
    if let Some(first) = included.includes.first() {
        warn(warnings, &first.site, "includes of an included file are ignored (as in Storm)".to_owned());
    }
    if let Some(name) = included.name {
        if def.name.is_none() || overrides {
            def.name = Some(name);
        } else {
            warn(
                warnings,
                &name.site,
                "'name' from an include is ignored (the include has override: false)".into(),
            );
        }
    }
    for entry in included.config {
        match def.config.iter_mut().find(|e| e.key.value == entry.key.value) {
            Some(existing) if overrides => *existing = entry,
            Some(_) => {
                let message =
                    format!("config key '{}' from an include is ignored (override: false)", entry.key.value);
                warn(warnings, &entry.key.site, message);
            }
            None => def.config.push(entry),
        }
    }
    merge_by_id(&mut def.components, included.components, overrides, "component", |c| &c.id, warnings);
    merge_by_id(&mut def.spouts, included.spouts, overrides, "spout", |s| &s.id, warnings);
    merge_by_id(&mut def.bolts, included.bolts, overrides, "bolt", |b| &b.id, warnings);
    def.streams.extend(included.streams);
}

fn merge_by_id<T>(
    into: &mut Vec<T>,
    from: Vec<T>,
    overrides: bool,
    kind: &str,
    id: impl Fn(&T) -> &crate::model::Located<String>,
    warnings: &mut Vec<FluxWarning>,
) {
    for item in from {
        match into.iter().position(|existing| id(existing).value == id(&item).value) {
            Some(i) if overrides => into[i] = item,
            Some(_) => {
                let message =
                    format!("{kind} '{}' from an include is ignored (override: false)", id(&item).value);
                warn(warnings, &id(&item).site, message);
            }
            None => into.push(item),
        }
    }
}
