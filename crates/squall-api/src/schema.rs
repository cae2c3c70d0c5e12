//! [`StreamSchema`]: who emits a stream and with which fields, interned for the life of the process.
//!
//! Every tuple points at the schema of the stream it travels on, so it can answer "which component,
//! which stream, which field is `word`" without carrying strings. Schemas are interned into `'static`
//! storage: a tuple then carries one plain pointer instead of a reference count that producer and
//! consumer threads would both write on every tuple (a shared cache line bouncing between cores).
//! The cost is that each distinct (component, stream, fields) triple stays allocated until the
//! process exits; resubmitting the same topology reuses its entries, so memory grows only with the
//! number of distinct stream declarations a process ever sees.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use crate::{ComponentId, Fields, StreamId};

/// The static description of one stream of one component.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct StreamSchema {
    /// The emitting component.
    pub component: ComponentId,
    /// The stream id.
    pub stream: StreamId,
    /// The declared fields.
    pub fields: Fields,
}

type Key = (String, String, Vec<String>);

fn registry() -> &'static Mutex<HashMap<Key, &'static StreamSchema>> {
    static REGISTRY: OnceLock<Mutex<HashMap<Key, &'static StreamSchema>>> = OnceLock::new();
    REGISTRY.get_or_init(Default::default)
}

impl StreamSchema {
    /// The interned schema for this component, stream and fields. Called when a topology is
    /// planned, never per tuple.
    pub fn intern(component: &str, stream: &str, fields: &Fields) -> &'static StreamSchema {
        let key: Key = (component.to_owned(), stream.to_owned(), fields.iter().map(str::to_owned).collect());
        // A poisoned lock only means another thread panicked while inserting; the map is still valid.
        let mut map = registry().lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key).or_insert_with(|| {
            Box::leak(Box::new(StreamSchema {
                component: ComponentId::new(component),
                stream: StreamId::new(stream),
                fields: fields.clone(),
            }))
        })
    }

    /// The schema of tick tuples: `__system`, stream `__tick`, field `rate_secs`.
    pub fn tick() -> &'static StreamSchema {
        static TICK: OnceLock<&'static StreamSchema> = OnceLock::new();
        TICK.get_or_init(|| {
            StreamSchema::intern(crate::SYSTEM_COMPONENT, crate::TICK_STREAM, &Fields::from(["rate_secs"]))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_returns_the_same_entry() {
        let a = StreamSchema::intern("c", "s", &Fields::from(["x"]));
        let b = StreamSchema::intern("c", "s", &Fields::from(["x"]));
        let c = StreamSchema::intern("c", "s", &Fields::from(["y"]));
        assert!(std::ptr::eq(a, b));
        assert!(!std::ptr::eq(a, c));
    }
}
