//! [`WindowedBolt`]: the trait a user implements to evaluate windows (Storm's `IWindowedBolt`).

use squall_api::{ComponentError, Config, OutputDeclarer, TopologyContext};

use crate::{Window, WindowCollector};

/// A bolt that evaluates windows of tuples instead of single tuples: Storm's `IWindowedBolt`.
///
/// Run it with [`windowed`](crate::windowed), which pairs it with [`WindowOptions`](crate::WindowOptions)
/// and makes a [`Bolt`](squall_api::Bolt). Inputs are acked when they leave every window; emits
/// through the [`WindowCollector`] are anchored to the window's tuples unless anchors are given.
/// Tick tuples drive the window's timers and never reach the bolt.
///
/// ```
/// use squall_api::{OutputDeclarer, values};
/// use squall_window::{Window, WindowCollector, WindowedBolt};
///
/// /// Emits the sum of field 0 over each window.
/// struct Sum;
///
/// impl WindowedBolt for Sum {
///     fn declare_outputs(&self, d: &mut OutputDeclarer) {
///         d.declare(["sum"]);
///     }
///     fn execute(&mut self, window: &Window<'_>, out: &mut WindowCollector<'_, '_>) {
///         let sum: i64 = window.tuples().iter().filter_map(|t| t.get_i64(0)).sum();
///         out.emit(values![sum]);
///     }
/// }
/// ```
pub trait WindowedBolt: Send + 'static {
    /// Declares the streams this bolt emits on (the late tuple stream is declared for it).
    fn declare_outputs(&self, declarer: &mut OutputDeclarer);

    /// Called once before the first window, with this task's context.
    ///
    /// # Errors
    /// An error stops the topology with a report naming this component and task.
    fn prepare(&mut self, context: &TopologyContext) -> Result<(), ComponentError> {
        let _ = context;
        Ok(())
    }

    /// Evaluates one non-empty window.
    fn execute(&mut self, window: &Window<'_>, collector: &mut WindowCollector<'_, '_>);

    /// Called once on orderly shutdown.
    fn cleanup(&mut self) {}

    /// Configuration this component asks for; the window's own keys are added over it.
    fn component_config(&self) -> Config {
        Config::new()
    }
}
