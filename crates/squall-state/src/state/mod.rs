//! Storm's key-value state: [`KeyValueState`], the transactional map a stateful bolt keeps.

mod key_value;
mod typed_map;

pub use key_value::{KeyValueState, StateKey, StateValue, load_committed};

/// The state namespace of a task: `<componentId>-<taskId>`, as in Storm.
pub fn namespace(component: &str, task: squall_api::TaskId) -> String {
    format!("{component}-{task}")
}
pub(crate) use typed_map::TypedMap;
