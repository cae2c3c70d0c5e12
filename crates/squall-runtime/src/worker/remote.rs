//! Batches to other workers: how a batch of runtime messages becomes a wire frame, and the sink an
//! outbox uses for a peer worker (refusing batches for congested tasks, so their producers hold
//! them, as Storm's pending-emits do).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use squall_api::TaskId;
use squall_transport::{Outgoing, PeerSender, WorkerId};
use squall_wire::{BatchWriter, TupleRef, WireError, WireMessage};

use crate::acker::{AckerInput, AckerOutput};
use crate::message::{Batch, Message};
use crate::plan::{Plan, task_index};
use crate::sink::{RemoteSink, RemoteSinks};

/// Interned schema address → topology-wide stream index.
pub(crate) struct StreamIndex(HashMap<usize, u32>);

impl StreamIndex {
    pub(crate) fn new(plan: &Plan) -> Self {
        Self(
            plan.streams
                .iter()
                .enumerate()
                .map(|(i, s)| (std::ptr::from_ref(s.schema) as usize, u32::try_from(i).unwrap_or(u32::MAX)))
                .collect(),
        )
    }

    fn of(&self, schema: &'static squall_api::StreamSchema) -> u32 {
        self.0.get(&(std::ptr::from_ref(schema) as usize)).copied().unwrap_or(u32::MAX)
    }
}

/// Per task: true while its worker told us it is congested.
pub(crate) struct Congestion(Vec<AtomicBool>);

impl Congestion {
    pub(crate) fn new(tasks: usize) -> Self {
        Self((0..tasks).map(|_| AtomicBool::new(false)).collect())
    }

    pub(crate) fn set(&self, task: TaskId, on: bool) {
        if let Some(f) =
            usize::try_from(task.0).ok().and_then(|t| t.checked_sub(1)).and_then(|i| self.0.get(i))
        {
            f.store(on, Ordering::Release);
        }
    }

    fn any(&self, batch: &Batch) -> bool {
        batch.iter().any(|m| match m {
            Message::Tuple { target, .. } => self.0[task_index(*target)].load(Ordering::Acquire),
            _ => false,
        })
    }
}

/// What goes to a peer: a batch of messages, or control messages (congestion notices).
pub enum RemoteBatch {
    /// Tuples and acker traffic.
    Data(Batch, Arc<StreamIndex>),
    /// Control messages.
    Control(Vec<WireMessage>),
}

impl Outgoing for RemoteBatch {
    fn encode(&self, writer: &mut BatchWriter<'_>) -> Result<(), WireError> {
        match self {
            RemoteBatch::Control(messages) => {
                for m in messages {
                    writer.push(m)?;
                }
            }
            RemoteBatch::Data(batch, streams) => {
                for m in batch {
                    match m {
                        Message::Tuple { target, tuple } => writer.push_tuple(TupleRef {
                            target_task: *target,
                            stream: streams.of(tuple.schema()),
                            source_task: tuple.source_task(),
                            anchors: tuple.message_id().anchors(),
                            values: tuple.values(),
                        })?,
                        Message::ToAcker { acker, input } => writer.push(&to_wire_acker(*acker, *input))?,
                        Message::ToSpout(output) => writer.push(&to_wire_spout(*output))?,
                        // Timer events are never sent to another worker.
                        Message::Tick { .. } | Message::Rotate => {}
                    }
                }
            }
        }
        Ok(())
    }

    fn messages(&self) -> usize {
        match self {
            RemoteBatch::Data(b, _) => b.len(),
            RemoteBatch::Control(m) => m.len(),
        }
    }
}

fn to_wire_acker(acker_task: TaskId, input: AckerInput) -> WireMessage {
    match input {
        AckerInput::Init { root, value, spout_task } => {
            WireMessage::AckInit { acker_task, root, value, spout_task }
        }
        AckerInput::Ack { root, value } => WireMessage::Ack { acker_task, root, value },
        AckerInput::Fail { root } => WireMessage::Fail { acker_task, root },
        AckerInput::ResetTimeout { root } => WireMessage::ResetTimeout { acker_task, root },
    }
}

fn to_wire_spout(output: AckerOutput) -> WireMessage {
    match output {
        AckerOutput::Acked { spout_task, root, latency_ms } => {
            WireMessage::Acked { spout_task, root, complete_latency_ms: latency_ms }
        }
        AckerOutput::Failed { spout_task, root } => WireMessage::Failed { spout_task, root },
        AckerOutput::TimeoutReset { spout_task, root } => WireMessage::TimeoutReset { spout_task, root },
    }
}

/// An outbox's sink for one peer worker.
struct PeerSink {
    sender: PeerSender<RemoteBatch>,
    streams: Arc<StreamIndex>,
    congestion: Arc<Congestion>,
}

impl RemoteSink for PeerSink {
    fn try_send(&self, batch: Batch) -> Result<(), Batch> {
        if self.congestion.any(&batch) {
            return Err(batch);
        }
        self.sender.try_send(RemoteBatch::Data(batch, self.streams.clone())).map_err(|e| {
            match e.into_inner() {
                RemoteBatch::Data(b, _) => b,
                RemoteBatch::Control(_) => Vec::new(),
            }
        })
    }

    fn send_timeout(&self, batch: Batch, timeout: Duration) -> Result<(), Batch> {
        if self.congestion.any(&batch) {
            // Wait for an uncongested notice without spinning; the caller retries.
            std::thread::sleep(timeout.min(Duration::from_millis(1)));
            return Err(batch);
        }
        self.sender.send_timeout(RemoteBatch::Data(batch, self.streams.clone()), timeout).map_err(|e| match e
            .into_inner()
        {
            RemoteBatch::Data(b, _) => b,
            RemoteBatch::Control(_) => Vec::new(),
        })
    }

    fn load(&self) -> (usize, usize) {
        (self.sender.len(), self.sender.capacity())
    }
}

/// The peer workers' sinks.
pub(crate) struct Peers {
    pub senders: HashMap<u32, PeerSender<RemoteBatch>>,
    pub streams: Arc<StreamIndex>,
    pub congestion: Arc<Congestion>,
}

impl RemoteSinks for Peers {
    fn sink(&self, worker: u32) -> Box<dyn RemoteSink> {
        match self.senders.get(&worker) {
            Some(sender) => Box::new(PeerSink {
                sender: sender.clone(),
                streams: self.streams.clone(),
                congestion: self.congestion.clone(),
            }),
            None => Box::new(Nowhere),
        }
    }

    fn load(&self, worker: u32) -> f64 {
        self.senders
            .get(&worker)
            .map_or(1.0, |s| (s.len() as f64 / s.capacity().max(1) as f64).clamp(0.0, 1.0))
    }
}

/// A sink for a worker with no connection (never used by a correct plan): holds everything.
struct Nowhere;

impl RemoteSink for Nowhere {
    fn try_send(&self, batch: Batch) -> Result<(), Batch> {
        Err(batch)
    }
    fn send_timeout(&self, batch: Batch, timeout: Duration) -> Result<(), Batch> {
        std::thread::sleep(timeout);
        Err(batch)
    }
    fn load(&self) -> (usize, usize) {
        (1, 1)
    }
}

/// The transport's id of worker `w`.
pub(crate) fn worker_id(w: u32) -> WorkerId {
    WorkerId(w)
}
