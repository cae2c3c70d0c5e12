//! `squall.spouts.FileLineSpout`: a reliable spout emitting the lines of a file.

use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use squall_api::{
    ComponentError, OutputDeclarer, Spout, SpoutCollector, SpoutFactory, TopologyContext, Value, values,
};

use crate::{ArgError, ObjectSpec};

/// Emits each line of a text file on the default stream (field `line`, without its line ending) as
/// a tracked tuple whose message id is its 1-based line number. A failed line is emitted again (the
/// replays before new lines); [`is_finished`](Spout::is_finished) turns true once the file is read
/// to its end and every line has been acked.
///
/// A relative path is relative to the topology's resources directory (the directory of the Flux
/// file). With several tasks, task *i* of *n* emits the lines whose number minus one is *i* modulo
/// *n*, so the tasks share the file. Lines that are not UTF-8 are read lossily; a read error ends
/// the task as broken ([`SpoutCollector::fatal`]), so the runtime restarts it.
pub struct FileLineSpout {
    path: PathBuf,
    base_dir: Option<PathBuf>,
    reader: Option<Box<dyn BufRead + Send>>,
    /// Lines read so far.
    read: u64,
    /// This task's share: (index, count).
    share: (u64, u64),
    /// Emitted lines not yet acked, by line number.
    pending: BTreeMap<u64, String>,
    /// Failed lines to emit again.
    replay: VecDeque<u64>,
    at_end: bool,
}

impl FileLineSpout {
    /// A spout reading `path` (relative paths resolve against the resources directory).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            base_dir: None,
            reader: None,
            read: 0,
            share: (0, 1),
            pending: BTreeMap::new(),
            replay: VecDeque::new(),
            at_end: false,
        }
    }

    /// Resolves a relative path against `dir` when the task's context has no resources directory.
    pub fn with_base_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.base_dir = Some(dir.into());
        self
    }

    fn resolved(&self, context: &TopologyContext) -> PathBuf {
        if self.path.is_absolute() {
            return self.path.clone();
        }
        match context.resources_dir().or(self.base_dir.as_deref()) {
            Some(dir) => dir.join(&self.path),
            None => self.path.clone(),
        }
    }

    /// Reads the next line; `None` at the end of the file (or after a read error, reported).
    fn read_line(&mut self, collector: &mut SpoutCollector<'_>) -> Option<String> {
        let reader = self.reader.as_mut()?;
        let mut bytes = Vec::new();
        match reader.read_until(b'\n', &mut bytes) {
            Ok(0) => None,
            Ok(_) => {
                if bytes.last() == Some(&b'\n') {
                    bytes.pop();
                    if bytes.last() == Some(&b'\r') {
                        bytes.pop();
                    }
                }
                self.read += 1;
                Some(String::from_utf8_lossy(&bytes).into_owned())
            }
            Err(e) => {
                let path = self.path.display();
                collector.fatal(ComponentError::with_source(
                    format!("cannot read {path} after line {}", self.read),
                    e,
                ));
                None
            }
        }
    }
}

fn line_number(msg_id: &Value) -> Option<u64> {
    msg_id.as_i64().and_then(|n| u64::try_from(n).ok())
}

impl Spout for FileLineSpout {
    fn declare_outputs(&self, declarer: &mut OutputDeclarer) {
        declarer.declare(["line"]);
    }

    fn open(&mut self, context: &TopologyContext) -> Result<(), ComponentError> {
        let path = self.resolved(context);
        let file = File::open(&path)
            .map_err(|e| ComponentError::with_source(format!("cannot open {}", path.display()), e))?;
        self.reader = Some(Box::new(BufReader::new(file)));
        let count = context.this_component_tasks().len().max(1);
        self.share = (context.this_task_index() as u64, count as u64);
        Ok(())
    }

    fn next_tuple(&mut self, collector: &mut SpoutCollector<'_>) {
        while let Some(n) = self.replay.pop_front() {
            if let Some(line) = self.pending.get(&n) {
                collector.emit_with_id(values![line.clone()], i64::try_from(n).unwrap_or(i64::MAX));
                return;
            }
        }
        while !self.at_end {
            let Some(line) = self.read_line(collector) else {
                self.at_end = true;
                self.reader = None;
                return;
            };
            let n = self.read;
            if (n - 1) % self.share.1 != self.share.0 {
                continue;
            }
            self.pending.insert(n, line.clone());
            collector.emit_with_id(values![line], i64::try_from(n).unwrap_or(i64::MAX));
            return;
        }
    }

    fn ack(&mut self, msg_id: Value) {
        if let Some(n) = line_number(&msg_id) {
            self.pending.remove(&n);
        }
    }

    fn fail(&mut self, msg_id: Value) {
        if let Some(n) =
            line_number(&msg_id).filter(|n| self.pending.contains_key(n) && !self.replay.contains(n))
        {
            self.replay.push_back(n);
        }
    }

    fn is_finished(&self) -> bool {
        self.at_end && self.pending.is_empty()
    }
}

/// The Flux factory: one argument, the file path.
pub(crate) fn factory(spec: &ObjectSpec) -> Result<SpoutFactory, ArgError> {
    spec.expect_constructor_only()?;
    spec.args.expect_len(1..=1, "the path of the file to read")?;
    let path = PathBuf::from(spec.args.string(0)?);
    let base: Arc<Path> = Arc::from(spec.resources_dir.as_path());
    Ok(Arc::new(move || Box::new(FileLineSpout::new(path.clone()).with_base_dir(base.to_path_buf()))))
}
