//! Storm's grouping classes that Flux files name in `customClass`, and `org.apache.storm.tuple.Fields`
//! for the components they refer to.

use std::any::Any;
use std::sync::Arc;

use squall_api::{
    CustomGroupingFactory, CustomStreamGrouping, Fields, GlobalStreamId, Grouping, TaskId, Value,
};

use crate::{Arg, ArgError, ObjectSpec};

/// `org.apache.storm.testing.NGrouping`: every tuple goes to the `n` lowest-numbered target tasks
/// (all of them when there are fewer).
#[derive(Clone, Debug)]
pub struct NGrouping {
    n: usize,
    chosen: Vec<TaskId>,
}

impl NGrouping {
    /// A grouping to the `n` lowest tasks.
    pub fn new(n: usize) -> Self {
        Self { n, chosen: Vec::new() }
    }
}

impl CustomStreamGrouping for NGrouping {
    fn prepare(&mut self, _stream: &GlobalStreamId, targets: &[TaskId]) {
        let mut sorted = targets.to_vec();
        sorted.sort();
        sorted.truncate(self.n);
        self.chosen = sorted;
    }

    fn choose_tasks(&mut self, _source_task: TaskId, _values: &[Value], out: &mut Vec<TaskId>) {
        out.extend_from_slice(&self.chosen);
    }
}

/// The Flux factory of `NGrouping`: one argument, N.
pub(crate) fn n_grouping(spec: &ObjectSpec) -> Result<CustomGroupingFactory, ArgError> {
    spec.expect_constructor_only()?;
    spec.args.expect_len(1..=1, "N, the number of target tasks")?;
    let n = spec.args.int(0)?;
    let n = usize::try_from(n).map_err(|_| spec.args.error(0, format!("N must not be negative, got {n}")))?;
    Ok(Arc::new(move || Box::new(NGrouping::new(n))))
}

/// Grouping fields given as a list of strings, several strings, or a `ref` to a `Fields` component.
fn fields_from(spec: &ObjectSpec, meaning: &str) -> Result<Fields, ArgError> {
    let args = &spec.args;
    match args.get(0) {
        Some(Arg::Object(_)) => {
            args.expect_len(1..=1, meaning)?;
            Ok(args
                .object::<Fields>(0, "a reference to an org.apache.storm.tuple.Fields component")?
                .as_ref()
                .clone())
        }
        Some(Arg::Value(Value::List(_))) => {
            args.expect_len(1..=1, meaning)?;
            Ok(Fields::new(args.string_list(0)?))
        }
        Some(_) => {
            let names =
                (0..args.len()).map(|i| args.string(i).map(str::to_owned)).collect::<Result<Vec<_>, _>>()?;
            Ok(Fields::new(names))
        }
        None => args.expect_len(1..=1, meaning).map(|()| Fields::default()),
    }
}

/// The Flux factory of `org.apache.storm.grouping.PartialKeyGrouping`: squall's partial-key
/// grouping. Storm's no-argument form (keying on the first value's text) is not supported.
pub(crate) fn partial_key(spec: &ObjectSpec) -> Result<Grouping, ArgError> {
    spec.expect_constructor_only()?;
    let meaning =
        "the grouping fields: a list of field names, or a ref to an org.apache.storm.tuple.Fields component";
    Ok(Grouping::PartialKey(fields_from(spec, meaning)?))
}

/// The Flux factory of `org.apache.storm.tuple.Fields` components: the field names, as one list or
/// as separate strings. The object is a [`Fields`].
pub(crate) fn fields(spec: &ObjectSpec) -> Result<Arc<dyn Any + Send + Sync>, ArgError> {
    spec.expect_constructor_only()?;
    let fields = fields_from(spec, "the field names, as a list of strings")?;
    Ok(Arc::new(fields))
}
