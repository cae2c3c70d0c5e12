//! [`Windowed`]: runs a [`WindowedBolt`] as a [`Bolt`], on the executor thread, driven by arrivals
//! and tick tuples (Storm's `WindowedBoltExecutor`).

use squall_api::{
    Bolt, BoltCollector, ComponentError, Config, GlobalStreamId, OutputDeclarer, SharedClock,
    TopologyContext, Tuple, Value, values,
};

use crate::core::{Decision, EventId, WindowEngine};
use crate::options::LATE_TUPLE_FIELD;
use crate::slots::Slots;
use crate::spec::{check_limits, resolve};
use crate::{TimestampSource, Window, WindowCollector, WindowError, WindowOptions, WindowSpec, WindowedBolt};

/// Storm's checkpoint stream, which does not count as an input for watermarks.
const CHECKPOINT_STREAM: &str = "$checkpoint";

/// Runs `bolt` over windows shaped by `options`: the [`Bolt`] to give the topology builder.
///
/// ```
/// # use squall_api::{OutputDeclarer, TopologyBuilder, Spout, SpoutCollector, values};
/// # use squall_window::{Window, WindowCollector, WindowedBolt};
/// # struct Sum;
/// # impl WindowedBolt for Sum {
/// #     fn declare_outputs(&self, d: &mut OutputDeclarer) { d.declare(["sum"]); }
/// #     fn execute(&mut self, _: &Window<'_>, _: &mut WindowCollector<'_, '_>) {}
/// # }
/// # struct Numbers;
/// # impl Spout for Numbers {
/// #     fn declare_outputs(&self, d: &mut OutputDeclarer) { d.declare(["key", "n"]); }
/// #     fn next_tuple(&mut self, c: &mut SpoutCollector<'_>) { c.emit(values!["a", 1]); }
/// # }
/// use std::time::Duration;
/// use squall_window::{Length, WindowOptions, windowed};
///
/// let options = WindowOptions::sliding(Length::count(100), Duration::from_secs(5));
/// let mut builder = TopologyBuilder::new();
/// builder.set_spout("numbers", 1, || Numbers);
/// builder.set_bolt("sum", 2, move || windowed(Sum, options.clone())).fields_grouping("numbers", ["key"]);
/// let topology = builder.build().expect("valid");
/// let config = &topology.component("sum").unwrap().config;
/// assert_eq!(config.get_i64("topology.bolts.window.length.count"), Some(100));
/// assert_eq!(config.tick_period_millis(), Some(5000));
/// ```
pub fn windowed<B: WindowedBolt>(bolt: B, options: WindowOptions) -> Windowed<B> {
    Windowed::new(bolt, options)
}

/// A [`WindowedBolt`] with its [`WindowOptions`], run as a [`Bolt`]; see [`windowed`].
///
/// Storm runs time triggers and watermarks on timer threads of their own; squall runs everything
/// on the executor thread. `component_config` asks for tick tuples
/// (`squall.tick.tuple.freq.millis`) as often as the slide (processing time) or the watermark
/// interval (event time) needs; at every tick and every arrival the adapter reads the time from
/// the context's clock and fires what is due. Ticks never reach the user's bolt.
pub struct Windowed<B> {
    bolt: B,
    options: WindowOptions,
    running: Option<Running>,
}

/// The state of a prepared task.
struct Running {
    component: String,
    engine: WindowEngine,
    tuples: Slots<Tuple>,
    timestamp: Option<TimestampSource>,
    late_stream: Option<String>,
    clock: SharedClock,
    slack: u64,
    decisions: Vec<Decision>,
}

impl<B: WindowedBolt> Windowed<B> {
    /// Pairs `bolt` with `options`.
    pub fn new(bolt: B, options: WindowOptions) -> Self {
        Self { bolt, options, running: None }
    }

    /// The user's bolt.
    pub fn inner(&self) -> &B {
        &self.bolt
    }

    /// The window options.
    pub fn options(&self) -> &WindowOptions {
        &self.options
    }

    /// The number of tuples this task holds: queued for windows, or expired (and acked) but not yet
    /// reported to an evaluation. 0 before `prepare` and after `cleanup`.
    pub fn held_tuples(&self) -> usize {
        self.running.as_ref().map_or(0, |r| r.tuples.len())
    }

    /// The settings this bolt would run with under the effective component config `config`.
    ///
    /// # Errors
    /// As [`validate`](crate::validate).
    pub fn spec(&self, config: &Config) -> Result<WindowSpec, WindowError> {
        crate::validate(&self.options, config)
    }

    fn start(&self, context: &TopologyContext) -> Result<Running, WindowError> {
        let config = context.config();
        let spec = resolve(&self.options, config)?;
        if let Some(stream) = &spec.late_tuple_stream {
            let declared = context.this_outputs().iter().any(|s| {
                s.id.as_str() == stream && s.fields.len() == 1 && s.fields.contains(LATE_TUPLE_FIELD)
            });
            if !declared {
                return Err(WindowError::LateStreamNotDeclared { stream: stream.clone() });
            }
        }
        check_limits(&spec, config)?;
        let mut slack = 0;
        if let Some(needed_ms) = spec.tick_period_ms() {
            let Some(period) = config.tick_period_millis() else {
                return Err(WindowError::NoTicks { needed_ms });
            };
            if period > needed_ms {
                tracing::warn!(
                    component = %context.this_component_id(),
                    needed_ms,
                    tick_ms = period,
                    "ticks are coarser than the window needs; windows may fire up to one tick late"
                );
            }
            // Fire up to half a tick early, so a tick a hair before a beat does not delay it a period.
            slack = period.min(needed_ms) / 2;
        }
        let inputs: Vec<GlobalStreamId> = context
            .this_inputs()
            .iter()
            .filter(|s| s.source.stream.as_str() != CHECKPOINT_STREAM)
            .map(|s| s.source.clone())
            .collect();
        let clock = context.clock().clone();
        let now = millis(&clock);
        Ok(Running {
            component: context.this_component_id().to_string(),
            engine: WindowEngine::new(&spec, inputs, now),
            tuples: Slots::new(),
            timestamp: self.options.timestamp.clone(),
            late_stream: spec.late_tuple_stream,
            clock,
            slack,
            decisions: Vec::new(),
        })
    }

    /// Carries out the engine's decisions: acks, late emits, window evaluations.
    fn apply(&mut self, collector: &mut BoltCollector<'_>) {
        let Self { bolt, running, .. } = self;
        let Some(run) = running.as_mut() else { return };
        let mut decisions = std::mem::take(&mut run.decisions);
        for decision in decisions.drain(..) {
            match decision {
                Decision::Expire(ids) => {
                    for tuple in ids.iter().filter_map(|id| run.tuples.get(*id)) {
                        collector.ack(tuple);
                    }
                }
                Decision::Late(id) => {
                    if let Some(tuple) = run.tuples.remove(id) {
                        run.late(&tuple, collector);
                    }
                }
                Decision::Fire(firing) => {
                    let tuples = &run.tuples;
                    let pick =
                        |ids: &[EventId]| ids.iter().filter_map(|id| tuples.get(*id)).collect::<Vec<_>>();
                    let window = Window::new(
                        pick(&firing.tuples),
                        pick(&firing.new),
                        pick(&firing.expired),
                        firing.start,
                        firing.end,
                    );
                    bolt.execute(&window, &mut WindowCollector::new(collector, &window.tuples));
                    drop(window);
                    for id in firing.expired {
                        run.tuples.remove(id);
                    }
                }
            }
        }
        run.decisions = decisions;
    }
}

impl Running {
    /// A late tuple: emitted on the late stream anchored to itself (its values as one list), then
    /// acked.
    fn late(&self, tuple: &Tuple, collector: &mut BoltCollector<'_>) {
        match &self.late_stream {
            Some(stream) => {
                collector.emit_to(stream, &[tuple], values![Value::list(tuple.values().to_vec())]);
            }
            None => tracing::trace!(component = %self.component, ?tuple, "late tuple dropped"),
        }
        collector.ack(tuple);
    }
}

fn millis(clock: &SharedClock) -> i64 {
    i64::try_from(clock.now_millis()).unwrap_or(i64::MAX)
}

impl<B: WindowedBolt> Bolt for Windowed<B> {
    fn declare_outputs(&self, declarer: &mut OutputDeclarer) {
        if let Some(stream) = &self.options.late_tuple_stream {
            declarer.declare_stream(stream, [LATE_TUPLE_FIELD]);
        }
        self.bolt.declare_outputs(declarer);
    }

    fn prepare(&mut self, context: &TopologyContext) -> Result<(), ComponentError> {
        let running = self.start(context).map_err(|e| {
            ComponentError::with_source(format!("windowed bolt '{}'", context.this_component_id()), e)
        })?;
        self.running = Some(running);
        self.bolt.prepare(context)
    }

    fn execute(&mut self, tuple: Tuple, collector: &mut BoltCollector<'_>) {
        let Some(run) = self.running.as_mut() else {
            collector.fatal(ComponentError::new("windowed bolt executed before it was prepared"));
            return;
        };
        let now = millis(&run.clock);
        if tuple.is_tick() {
            run.engine.tick(now, run.slack, &mut run.decisions);
        } else {
            let event_ts = match &run.timestamp {
                None => None,
                Some(source) => match source.extract(&tuple) {
                    Ok(ts) => Some(ts),
                    Err(e) => {
                        // Storm throws here and the worker dies; squall stops this executor instead.
                        let message = format!("windowed bolt '{}'", run.component);
                        collector.fatal(ComponentError::with_source(message, e));
                        return;
                    }
                },
            };
            let id = run.engine.arrive(
                now,
                tuple.source_component(),
                tuple.source_stream(),
                event_ts,
                &mut run.decisions,
            );
            run.tuples.insert(id, tuple);
        }
        self.apply(collector);
    }

    fn cleanup(&mut self) {
        self.running = None;
        self.bolt.cleanup();
    }

    fn component_config(&self) -> Config {
        self.options.component_config(self.bolt.component_config())
    }
}
