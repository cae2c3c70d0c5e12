//! Batches from other workers: decoded messages become runtime messages and go to the queues of
//! their executors (or their overflow); congestion notices update the per-task flags.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use squall_api::{MessageId, Tuple};
use squall_transport::{Inbound, PeerEvent, WorkerId};
use squall_wire::WireMessage;

use super::remote::Congestion;
use crate::acker::{AckerInput, AckerOutput};
use crate::message::{Batch, Message};
use crate::shared::Shared;

/// The runtime's receiving side of the transport.
pub(crate) struct WorkerInbound {
    /// Set once this worker's executors exist; frames arriving earlier wait for it.
    pub shared: OnceLock<Arc<Shared>>,
    pub congestion: Arc<Congestion>,
}

impl WorkerInbound {
    fn shared(&self) -> Option<&Arc<Shared>> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(s) = self.shared.get() {
                return Some(s);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// The executor-addressed form of one wire message, or `None` for control traffic and messages
/// for tasks this worker does not run (a stale sender; the tuple times out and is replayed).
fn convert(shared: &Shared, m: WireMessage, congestion: &Congestion) -> Option<(usize, Message)> {
    let plan = &shared.plan;
    let (task, msg) = match m {
        WireMessage::Tuple(t) => {
            let stream = plan.streams.get(usize::try_from(t.stream).ok()?)?;
            let id: MessageId = t.anchors.into_iter().collect();
            (
                t.target_task,
                Message::Tuple {
                    target: t.target_task,
                    tuple: Tuple::new(stream.schema, t.source_task, t.values, id),
                },
            )
        }
        WireMessage::AckInit { acker_task, root, value, spout_task } => (
            acker_task,
            Message::ToAcker { acker: acker_task, input: AckerInput::Init { root, value, spout_task } },
        ),
        WireMessage::Ack { acker_task, root, value } => {
            (acker_task, Message::ToAcker { acker: acker_task, input: AckerInput::Ack { root, value } })
        }
        WireMessage::Fail { acker_task, root } => {
            (acker_task, Message::ToAcker { acker: acker_task, input: AckerInput::Fail { root } })
        }
        WireMessage::ResetTimeout { acker_task, root } => {
            (acker_task, Message::ToAcker { acker: acker_task, input: AckerInput::ResetTimeout { root } })
        }
        WireMessage::Acked { spout_task, root, complete_latency_ms } => (
            spout_task,
            Message::ToSpout(AckerOutput::Acked { spout_task, root, latency_ms: complete_latency_ms }),
        ),
        WireMessage::Failed { spout_task, root } => {
            (spout_task, Message::ToSpout(AckerOutput::Failed { spout_task, root }))
        }
        WireMessage::TimeoutReset { spout_task, root } => {
            (spout_task, Message::ToSpout(AckerOutput::TimeoutReset { spout_task, root }))
        }
        WireMessage::Backpressure { congested, uncongested, .. } => {
            for t in congested {
                congestion.set(t, true);
            }
            for t in uncongested {
                congestion.set(t, false);
            }
            return None;
        }
        _ => return None,
    };
    let p = plan.placement(task)?;
    shared.local[p.executor].then_some((p.executor, msg))
}

impl Inbound for WorkerInbound {
    fn deliver(&self, from: WorkerId, messages: &mut Vec<WireMessage>) {
        let Some(shared) = self.shared() else { return };
        // Most frames address a few executors: a short list beats a map.
        let mut groups: Vec<(usize, Batch)> = Vec::new();
        for m in messages.drain(..) {
            let Some((executor, msg)) = convert(shared, m, &self.congestion) else { continue };
            match groups.iter_mut().find(|(e, _)| *e == executor) {
                Some((_, batch)) => batch.push(msg),
                None => groups.push((executor, vec![msg])),
            }
        }
        for (executor, batch) in groups {
            shared.signals[executor].deliver_remote(batch);
        }
        let _ = from;
    }

    fn peer_event(&self, peer: Option<WorkerId>, event: PeerEvent) {
        match &event {
            PeerEvent::Connected { .. } => tracing::debug!(?peer, ?event, "peer connected"),
            _ => tracing::debug!(?peer, ?event, "peer connection"),
        }
    }
}
