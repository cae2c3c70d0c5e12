//! Errors found while building a topology.

use crate::Fields;

/// One problem with a topology, naming the component, stream and field involved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TopologyError {
    /// Two components share an id.
    #[error("component id '{0}' is used more than once")]
    DuplicateComponent(String),
    /// A component or stream id uses the reserved `__` prefix.
    #[error("component '{component}': id '{id}' is reserved (ids starting with '__' belong to the system)")]
    ReservedId {
        /// The component.
        component: String,
        /// The reserved id.
        id: String,
    },
    /// An empty component id.
    #[error("a component has an empty id")]
    EmptyId,
    /// A parallelism hint or task count of zero.
    #[error("component '{component}': {what} must be at least 1, got 0")]
    ZeroParallelism {
        /// The component.
        component: String,
        /// "parallelism" or "number of tasks".
        what: &'static str,
    },
    /// A mistake in a component's output declarations.
    #[error("component '{component}': {problem}")]
    BadDeclaration {
        /// The component.
        component: String,
        /// What was wrong.
        problem: String,
    },
    /// A subscription to a component that does not exist.
    #[error("component '{component}' subscribes to unknown component '{source_component}'")]
    UnknownComponent {
        /// The subscribing component.
        component: String,
        /// The missing producer.
        source_component: String,
    },
    /// A subscription to a stream the producer does not declare.
    #[error(
        "component '{component}' subscribes to stream '{stream}' of '{source_component}', which declares no such stream (it declares: {declared})"
    )]
    UnknownStream {
        /// The subscribing component.
        component: String,
        /// The producer.
        source_component: String,
        /// The missing stream.
        stream: String,
        /// The streams the producer does declare.
        declared: String,
    },
    /// A grouping on a field the stream does not have.
    #[error(
        "component '{component}' groups stream '{source_component}:{stream}' by field '{field}', which that stream does not declare (its fields: {fields})"
    )]
    UnknownField {
        /// The subscribing component.
        component: String,
        /// The producer.
        source_component: String,
        /// The stream.
        stream: String,
        /// The missing field.
        field: String,
        /// The stream's fields.
        fields: Fields,
    },
    /// A direct grouping on a stream not declared direct, or the reverse.
    #[error(
        "component '{component}' uses {grouping} grouping on stream '{source_component}:{stream}', which is {declared}"
    )]
    DirectMismatch {
        /// The subscribing component.
        component: String,
        /// The producer.
        source_component: String,
        /// The stream.
        stream: String,
        /// The grouping used.
        grouping: String,
        /// "not a direct stream" or "a direct stream (it needs direct grouping)".
        declared: &'static str,
    },
    /// The same stream subscribed twice by one component.
    #[error("component '{component}' subscribes to '{source_component}:{stream}' more than once")]
    DuplicateSubscription {
        /// The subscribing component.
        component: String,
        /// The producer.
        source_component: String,
        /// The stream.
        stream: String,
    },
    /// A bad value in a component's config.
    #[error("component '{component}': {problem}")]
    BadConfig {
        /// The component.
        component: String,
        /// The config problem.
        problem: crate::ConfigProblem,
    },
}

/// Every problem found in a topology.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid topology: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct InvalidTopology(pub Vec<TopologyError>);
