//! Identifiers: task ids, component ids, stream ids, and the reserved names Storm defines.

use std::fmt;

use smol_str::SmolStr;

/// The stream a component emits on when it names none: `"default"`, as in Storm.
pub const DEFAULT_STREAM: &str = "default";
/// The system component that sources tick tuples (`__system`, task −1).
pub const SYSTEM_COMPONENT: &str = "__system";
/// The stream tick tuples arrive on.
pub const TICK_STREAM: &str = "__tick";
/// The component id of the acker bolts.
pub const ACKER_COMPONENT: &str = "__acker";
/// The task id of the system component.
pub const SYSTEM_TASK: TaskId = TaskId(-1);

/// A topology-wide task id. Storm numbers user tasks from 1 in component-id order; the system task is −1.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TaskId(pub i32);

impl TaskId {
    /// The raw integer, as it appears in multilang messages and statistics.
    pub fn get(self) -> i32 {
        self.0
    }
}

impl fmt::Debug for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task {}", self.0)
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(SmolStr);

        impl $name {
            /// Wraps a string as this id.
            pub fn new(id: impl AsRef<str>) -> Self {
                Self(SmolStr::new(id.as_ref()))
            }
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// True for names Storm reserves for the system (`__` prefix).
            pub fn is_reserved(&self) -> bool {
                self.0.starts_with("__")
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self.0.as_str(), f)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::new(s)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(SmolStr::from(s))
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

string_id!(
    /// The id of a spout or bolt, unique within a topology.
    ComponentId
);
string_id!(
    /// The id of a stream, unique within the component that declares it.
    StreamId
);

impl StreamId {
    /// The `"default"` stream.
    pub fn default_stream() -> Self {
        Self::new(DEFAULT_STREAM)
    }
}

/// A stream named by the component that emits it and its id: Storm's `GlobalStreamId`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct GlobalStreamId {
    /// The emitting component.
    pub component: ComponentId,
    /// The stream, within that component.
    pub stream: StreamId,
}

impl fmt::Display for GlobalStreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.component, self.stream)
    }
}
