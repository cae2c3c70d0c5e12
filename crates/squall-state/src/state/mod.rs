//! Storm's key-value state: [`KeyValueState`], the transactional map a stateful bolt keeps.

mod key_value;
mod typed_map;

pub use key_value::{KeyValueState, StateKey, StateValue, load_committed};
pub(crate) use typed_map::TypedMap;
