//! The component traits: [`Spout`], [`Bolt`] and the auto-acking [`BasicBolt`].

use std::fmt;

use crate::{
    BasicCollector, BoltCollector, Config, OutputDeclarer, SpoutCollector, TopologyContext, Tuple, Value,
};

/// Why a component could not start or had to stop: returned from `open`/`prepare`. The runtime
/// reports it with the component id and task id and tears the topology down, as Storm does with an
/// exception escaping `open` or `prepare`.
#[derive(Debug)]
pub struct ComponentError {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl ComponentError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), source: None }
    }

    /// An error with this message, caused by `source`.
    pub fn with_source(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self { message: message.into(), source: Some(Box::new(source)) }
    }
}

impl fmt::Display for ComponentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ComponentError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<std::io::Error> for ComponentError {
    fn from(e: std::io::Error) -> Self {
        Self::with_source("I/O error", e)
    }
}

impl From<String> for ComponentError {
    fn from(message: String) -> Self {
        Self::new(message)
    }
}

impl From<&str> for ComponentError {
    fn from(message: &str) -> Self {
        Self::new(message)
    }
}

/// A source of tuples. One instance runs per task, on its executor's thread.
///
/// The runtime calls [`open`](Self::open) once, [`activate`](Self::activate) before the first
/// [`next_tuple`](Self::next_tuple), then `next_tuple` repeatedly while the topology is active, and
/// [`ack`](Self::ack) or [`fail`](Self::fail) for each tracked emit (those with a message id) when its
/// tuple tree completes, fails or times out. `next_tuple` must not block: when there is nothing to
/// emit, return, and the runtime waits according to the spout wait strategy.
pub trait Spout: Send + 'static {
    /// Declares the streams this spout emits on.
    fn declare_outputs(&self, declarer: &mut OutputDeclarer);

    /// Called once before anything else, with this task's context.
    ///
    /// # Errors
    /// An error stops the topology with a report naming this component and task.
    fn open(&mut self, context: &TopologyContext) -> Result<(), ComponentError> {
        let _ = context;
        Ok(())
    }

    /// Emits zero or more tuples.
    fn next_tuple(&mut self, collector: &mut SpoutCollector<'_>);

    /// The tuple tree of the emit with this message id completed.
    fn ack(&mut self, msg_id: Value) {
        let _ = msg_id;
    }

    /// The tuple tree of the emit with this message id failed or timed out; replaying is up to you.
    fn fail(&mut self, msg_id: Value) {
        let _ = msg_id;
    }

    /// The topology became active (also called once before the first `next_tuple`).
    fn activate(&mut self) {}

    /// The topology was deactivated: `next_tuple` will not be called until it is activated again.
    fn deactivate(&mut self) {}

    /// Called once on orderly shutdown.
    fn close(&mut self) {}

    /// True once this spout has emitted everything it ever will (a bounded source). A local run can
    /// wait for every spout to be finished and every tuple tree to complete, then shut down.
    fn is_finished(&self) -> bool {
        false
    }

    /// Configuration this component asks for; component keys that Storm allows per component
    /// (for example `topology.max.spout.pending`) override the topology's.
    fn component_config(&self) -> Config {
        Config::new()
    }
}

/// A consumer of tuples. One instance runs per task, on its executor's thread.
///
/// Each input tuple must eventually be acked or failed through the collector (now or in a later
/// call), or its tuple tree times out. For the common case of "emit anchored, then ack" implement
/// [`BasicBolt`] instead.
pub trait Bolt: Send + 'static {
    /// Declares the streams this bolt emits on.
    fn declare_outputs(&self, declarer: &mut OutputDeclarer);

    /// Called once before the first tuple, with this task's context.
    ///
    /// # Errors
    /// An error stops the topology with a report naming this component and task.
    fn prepare(&mut self, context: &TopologyContext) -> Result<(), ComponentError> {
        let _ = context;
        Ok(())
    }

    /// Processes one input tuple (tick tuples included, see [`Tuple::is_tick`]).
    fn execute(&mut self, tuple: Tuple, collector: &mut BoltCollector<'_>);

    /// Called on this task's thread soon after the [`TaskWaker`](crate::TaskWaker) from this task's
    /// context was woken, so work finished on other threads can be emitted, acked or failed.
    /// Several wakes may be answered by one call.
    fn wake(&mut self, collector: &mut BoltCollector<'_>) {
        let _ = collector;
    }

    /// Called once on orderly shutdown.
    fn cleanup(&mut self) {}

    /// Configuration this component asks for (for example `topology.tick.tuple.freq.secs`).
    fn component_config(&self) -> Config {
        Config::new()
    }
}

/// A failed input: returned from [`BasicBolt::execute`] to fail the tuple instead of acking it
/// (Storm's `FailedException`; [`Failed::reported`] is `ReportedFailedException`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    /// Why the tuple failed.
    pub reason: String,
    /// True to also report the reason as a component error.
    pub report: bool,
}

impl Failed {
    /// Fails the input without reporting an error.
    pub fn new(reason: impl Into<String>) -> Self {
        Self { reason: reason.into(), report: false }
    }

    /// Fails the input and reports the reason as a component error.
    pub fn reported(reason: impl Into<String>) -> Self {
        Self { reason: reason.into(), report: true }
    }
}

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Failed {}

/// A bolt whose emits are anchored to the current input and whose input is acked when `execute`
/// returns `Ok`, or failed when it returns `Err(Failed)`: Storm's `IBasicBolt`.
pub trait BasicBolt: Send + 'static {
    /// Declares the streams this bolt emits on.
    fn declare_outputs(&self, declarer: &mut OutputDeclarer);

    /// Called once before the first tuple.
    ///
    /// # Errors
    /// An error stops the topology with a report naming this component and task.
    fn prepare(&mut self, context: &TopologyContext) -> Result<(), ComponentError> {
        let _ = context;
        Ok(())
    }

    /// Processes one input tuple.
    ///
    /// # Errors
    /// [`Failed`] fails the input tuple (and reports it if asked) instead of acking it.
    fn execute(&mut self, tuple: &Tuple, collector: &mut BasicCollector<'_, '_>) -> Result<(), Failed>;

    /// Called once on orderly shutdown.
    fn cleanup(&mut self) {}

    /// Configuration this component asks for.
    fn component_config(&self) -> Config {
        Config::new()
    }
}

/// Runs a [`BasicBolt`] as a [`Bolt`]: anchors its emits and acks or fails its inputs.
pub struct BasicBoltAdapter<B>(pub B);

impl<B: BasicBolt> Bolt for BasicBoltAdapter<B> {
    fn declare_outputs(&self, declarer: &mut OutputDeclarer) {
        self.0.declare_outputs(declarer);
    }

    fn prepare(&mut self, context: &TopologyContext) -> Result<(), ComponentError> {
        self.0.prepare(context)
    }

    fn execute(&mut self, tuple: Tuple, collector: &mut BoltCollector<'_>) {
        let result = self.0.execute(&tuple, &mut BasicCollector::new(collector, &tuple));
        match result {
            Ok(()) => collector.ack(&tuple),
            Err(failed) => {
                if failed.report {
                    collector.report_error(&failed.reason);
                }
                collector.fail(&tuple);
            }
        }
    }

    fn cleanup(&mut self) {
        self.0.cleanup();
    }

    fn component_config(&self) -> Config {
        self.0.component_config()
    }
}
