//! `squall.bolts.JsonLinesFileBolt`: appends each tuple to a file as one JSON object per line.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, Serializer};
use squall_api::{
    BasicBolt, BasicBoltAdapter, BasicCollector, BoltFactory, ComponentError, Failed, OutputDeclarer,
    TopologyContext, Tuple,
};

use crate::{ArgError, ObjectSpec};

/// Appends every input tuple to a file as one JSON object per line, field name to value, in the
/// stream's field order, and acks the tuple only after the line is written (one `write` per line,
/// to a file opened for appending, so the tasks of one bolt can share the file). A failed write
/// fails the tuple and reports the error. Tick tuples are acked and not written. Declares no output.
///
/// Values map to JSON as squall's [`Value`](squall_api::Value) serializes: integers and floats as
/// numbers (a non-finite float as `null`), bytes as an array of numbers, lists and maps as JSON
/// arrays and objects. A relative path is relative to the topology's resources directory.
pub struct JsonLinesFileBolt {
    path: PathBuf,
    base_dir: Option<PathBuf>,
    file: Option<File>,
    line: Vec<u8>,
}

impl JsonLinesFileBolt {
    /// A bolt appending to `path` (created if missing).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into(), base_dir: None, file: None, line: Vec::new() }
    }

    /// Resolves a relative path against `dir` when the task's context has no resources directory.
    pub fn with_base_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.base_dir = Some(dir.into());
        self
    }
}

/// A tuple as a JSON object, fields in order.
struct Row<'a>(&'a Tuple);

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let fields = self.0.fields();
        let mut map = s.serialize_map(Some(fields.len()))?;
        for (name, value) in fields.iter().zip(self.0.values().iter()) {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl BasicBolt for JsonLinesFileBolt {
    fn declare_outputs(&self, _declarer: &mut OutputDeclarer) {}

    fn prepare(&mut self, context: &TopologyContext) -> Result<(), ComponentError> {
        let path = if self.path.is_absolute() {
            self.path.clone()
        } else {
            context
                .resources_dir()
                .or(self.base_dir.as_deref())
                .map_or_else(|| self.path.clone(), |d| d.join(&self.path))
        };
        let file = OpenOptions::new().create(true).append(true).open(&path).map_err(|e| {
            ComponentError::with_source(format!("cannot open {} for appending", path.display()), e)
        })?;
        self.file = Some(file);
        Ok(())
    }

    fn execute(&mut self, tuple: &Tuple, _collector: &mut BasicCollector<'_, '_>) -> Result<(), Failed> {
        if tuple.is_tick() {
            return Ok(());
        }
        let file =
            self.file.as_mut().ok_or_else(|| Failed::reported("JsonLinesFileBolt was not prepared"))?;
        self.line.clear();
        serde_json::to_writer(&mut self.line, &Row(tuple))
            .map_err(|e| Failed::reported(format!("cannot write tuple as JSON: {e}")))?;
        self.line.push(b'\n');
        file.write_all(&self.line)
            .and_then(|()| file.flush())
            .map_err(|e| Failed::reported(format!("cannot append to {}: {e}", self.path.display())))
    }
}

/// The Flux factory: one argument, the file path.
pub(crate) fn factory(spec: &ObjectSpec) -> Result<BoltFactory, ArgError> {
    spec.expect_constructor_only()?;
    spec.args.expect_len(1..=1, "the path of the file to append to")?;
    let path = PathBuf::from(spec.args.string(0)?);
    let base: Arc<Path> = Arc::from(spec.resources_dir.as_path());
    Ok(Arc::new(move || {
        Box::new(BasicBoltAdapter(JsonLinesFileBolt::new(path.clone()).with_base_dir(base.to_path_buf())))
    }))
}
