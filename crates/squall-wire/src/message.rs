//! [`WireMessage`]: what a batch frame carries: tuples, acker traffic and control messages.
//! Byte layouts are in FORMAT.md, "Messages".

use bytes::{BufMut, BytesMut};
use smallvec::SmallVec;
use smol_str::SmolStr;
use squall_api::{MessageId, TaskId, Value, Values};

use crate::WireError;
use crate::limits::cost;
use crate::reader::{Reader, Result as ReadResult};
use crate::value::{decode_value, encode_value, put_str};
use crate::varint;

/// Message tags. Stable within a format version.
pub(crate) mod tag {
    pub(crate) const TUPLE: u8 = 0x01;
    pub(crate) const ACK_INIT: u8 = 0x02;
    pub(crate) const ACK: u8 = 0x03;
    pub(crate) const FAIL: u8 = 0x04;
    pub(crate) const RESET_TIMEOUT: u8 = 0x05;
    pub(crate) const ACKED: u8 = 0x06;
    pub(crate) const FAILED: u8 = 0x07;
    pub(crate) const TIMEOUT_RESET: u8 = 0x08;
    pub(crate) const BACKPRESSURE: u8 = 0x09;
    pub(crate) const LOAD: u8 = 0x0a;
    pub(crate) const HEARTBEAT: u8 = 0x0b;
}

/// A tuple's (root, edge) pairs: its [`MessageId`] as it travels. One pair stays inline.
pub type Anchors = SmallVec<[(u64, u64); 1]>;

/// A tuple addressed to one task, as decoded from a batch.
#[derive(Clone, Debug, PartialEq)]
pub struct WireTuple {
    /// The task that is to execute it.
    pub target_task: TaskId,
    /// The stream, as an index into the plan's stream table.
    pub stream: u32,
    /// The task that emitted it.
    pub source_task: TaskId,
    /// Its (root, edge) pairs; empty when untracked. Kept in the order sent.
    pub anchors: Anchors,
    /// Its values.
    pub values: Values,
}

impl WireTuple {
    /// A borrowed view, for encoding.
    pub fn as_ref(&self) -> TupleRef<'_> {
        TupleRef {
            target_task: self.target_task,
            stream: self.stream,
            source_task: self.source_task,
            anchors: &self.anchors,
            values: &self.values,
        }
    }

    /// The anchors as a [`MessageId`]. Pairs with the same root are XOR-merged, as
    /// [`MessageId::xor_edge`] does; that merge is linear per pair, so this is quadratic in the
    /// number of anchors (fine for the usual handful).
    pub fn message_id(&self) -> MessageId {
        let mut id = MessageId::untracked();
        for &(root, edge) in &self.anchors {
            id.xor_edge(root, edge);
        }
        id
    }
}

/// A tuple to encode, borrowing its anchors and values from the emitter so that nothing is cloned
/// on the send path: pass `message_id.anchors()` and the tuple's values.
#[derive(Clone, Copy, Debug)]
pub struct TupleRef<'a> {
    /// The task that is to execute it.
    pub target_task: TaskId,
    /// The stream, as an index into the plan's stream table.
    pub stream: u32,
    /// The task that emitted it.
    pub source_task: TaskId,
    /// Its (root, edge) pairs; empty when untracked.
    pub anchors: &'a [(u64, u64)],
    /// Its values.
    pub values: &'a [Value],
}

/// One message inside a batch frame. Task ids are topology-wide; `root` and `value` are the acker's
/// 64-bit ids (storm-model.md §3).
#[derive(Clone, Debug, PartialEq)]
pub enum WireMessage {
    /// A data tuple.
    Tuple(WireTuple),
    /// `__ack_init`: a spout task started tracking `root`, whose tuples' edges XOR to `value`.
    AckInit {
        /// The acker task owning `root`.
        acker_task: TaskId,
        /// The tree's root id.
        root: u64,
        /// XOR of the edge ids sent.
        value: u64,
        /// The spout task to notify on completion.
        spout_task: TaskId,
    },
    /// `__ack_ack`: a bolt acked a tuple of `root`'s tree.
    Ack {
        /// The acker task owning `root`.
        acker_task: TaskId,
        /// The tree's root id.
        root: u64,
        /// The tuple's edge XOR its children's edges.
        value: u64,
    },
    /// `__ack_fail`: a bolt failed a tuple of `root`'s tree.
    Fail {
        /// The acker task owning `root`.
        acker_task: TaskId,
        /// The tree's root id.
        root: u64,
    },
    /// `__ack_reset_timeout`: a bolt asked to restart `root`'s timeout.
    ResetTimeout {
        /// The acker task owning `root`.
        acker_task: TaskId,
        /// The tree's root id.
        root: u64,
    },
    /// The acker's `__ack_ack` to a spout: `root`'s tree completed.
    Acked {
        /// The spout task that emitted `root`.
        spout_task: TaskId,
        /// The tree's root id.
        root: u64,
        /// Milliseconds from the acker's first record of the root to completion.
        complete_latency_ms: u64,
    },
    /// The acker's `__ack_fail` to a spout: `root`'s tree failed.
    Failed {
        /// The spout task that emitted `root`.
        spout_task: TaskId,
        /// The tree's root id.
        root: u64,
    },
    /// The acker's `__ack_reset_timeout` to a spout: restart `root`'s timeout.
    TimeoutReset {
        /// The spout task that emitted `root`.
        spout_task: TaskId,
        /// The tree's root id.
        root: u64,
    },
    /// A worker's backpressure status (storm-model.md §7.3): tasks whose queues overflowed and
    /// tasks that drained since the last status.
    Backpressure {
        /// The sending worker's id.
        worker: SmolStr,
        /// Tasks senders must stop sending to.
        congested: Vec<TaskId>,
        /// Tasks senders may send to again.
        uncongested: Vec<TaskId>,
    },
    /// A worker's receive-queue fill ratios, for load-aware shuffle (storm-model.md §2.3).
    Load {
        /// The sending worker's id.
        worker: SmolStr,
        /// (task, fill ratio in 0..=1); sent bit-exact.
        loads: Vec<(TaskId, f32)>,
    },
    /// Keeps an idle connection observably alive.
    Heartbeat,
}

impl WireMessage {
    /// The task this message is for, if it is for one: a tuple's target, the acker of acker inputs,
    /// the spout of acker outputs. `None` for worker-level control messages.
    pub fn target_task(&self) -> Option<TaskId> {
        match self {
            WireMessage::Tuple(t) => Some(t.target_task),
            WireMessage::AckInit { acker_task, .. }
            | WireMessage::Ack { acker_task, .. }
            | WireMessage::Fail { acker_task, .. }
            | WireMessage::ResetTimeout { acker_task, .. } => Some(*acker_task),
            WireMessage::Acked { spout_task, .. }
            | WireMessage::Failed { spout_task, .. }
            | WireMessage::TimeoutReset { spout_task, .. } => Some(*spout_task),
            WireMessage::Backpressure { .. } | WireMessage::Load { .. } | WireMessage::Heartbeat => None,
        }
    }
}

#[inline]
fn put_task(dst: &mut BytesMut, task: TaskId) {
    varint::put(dst, u64::from(varint::zigzag32(task.0)));
}

fn put_tasks(dst: &mut BytesMut, tasks: &[TaskId]) {
    varint::put(dst, tasks.len() as u64);
    for &t in tasks {
        put_task(dst, t);
    }
}

fn put_task_root(dst: &mut BytesMut, tag: u8, task: TaskId, root: u64) {
    dst.put_u8(tag);
    put_task(dst, task);
    dst.put_u64_le(root);
}

/// Appends a tuple message; returns its decode cost. On error `dst` may hold part of it.
#[inline]
pub(crate) fn encode_tuple(
    dst: &mut BytesMut,
    t: &TupleRef<'_>,
    max_depth: usize,
) -> Result<usize, WireError> {
    dst.put_u8(tag::TUPLE);
    put_task(dst, t.target_task);
    varint::put(dst, u64::from(t.stream));
    put_task(dst, t.source_task);
    varint::put(dst, t.anchors.len() as u64);
    for &(root, edge) in t.anchors {
        dst.put_u64_le(root);
        dst.put_u64_le(edge);
    }
    varint::put(dst, t.values.len() as u64);
    let mut charged = cost::MESSAGE + t.anchors.len() * cost::ANCHOR + t.values.len() * cost::VALUE;
    for v in t.values {
        charged += encode_value(dst, v, 0, max_depth)?;
    }
    Ok(charged)
}

/// Appends any message; returns its decode cost. On error `dst` may hold part of it.
pub(crate) fn encode_message(
    dst: &mut BytesMut,
    m: &WireMessage,
    max_depth: usize,
) -> Result<usize, WireError> {
    match m {
        WireMessage::Tuple(t) => return encode_tuple(dst, &t.as_ref(), max_depth),
        WireMessage::AckInit { acker_task, root, value, spout_task } => {
            put_task_root(dst, tag::ACK_INIT, *acker_task, *root);
            dst.put_u64_le(*value);
            put_task(dst, *spout_task);
        }
        WireMessage::Ack { acker_task, root, value } => {
            put_task_root(dst, tag::ACK, *acker_task, *root);
            dst.put_u64_le(*value);
        }
        WireMessage::Fail { acker_task, root } => put_task_root(dst, tag::FAIL, *acker_task, *root),
        WireMessage::ResetTimeout { acker_task, root } => {
            put_task_root(dst, tag::RESET_TIMEOUT, *acker_task, *root)
        }
        WireMessage::Acked { spout_task, root, complete_latency_ms } => {
            put_task_root(dst, tag::ACKED, *spout_task, *root);
            varint::put(dst, *complete_latency_ms);
        }
        WireMessage::Failed { spout_task, root } => put_task_root(dst, tag::FAILED, *spout_task, *root),
        WireMessage::TimeoutReset { spout_task, root } => {
            put_task_root(dst, tag::TIMEOUT_RESET, *spout_task, *root)
        }
        WireMessage::Backpressure { worker, congested, uncongested } => {
            dst.put_u8(tag::BACKPRESSURE);
            put_str(dst, worker);
            put_tasks(dst, congested);
            put_tasks(dst, uncongested);
            return Ok(cost::MESSAGE + (congested.len() + uncongested.len()) * cost::TASK);
        }
        WireMessage::Load { worker, loads } => {
            dst.put_u8(tag::LOAD);
            put_str(dst, worker);
            varint::put(dst, loads.len() as u64);
            for &(task, load) in loads {
                put_task(dst, task);
                dst.put_u32_le(load.to_bits());
            }
            return Ok(cost::MESSAGE + loads.len() * cost::LOAD);
        }
        WireMessage::Heartbeat => dst.put_u8(tag::HEARTBEAT),
    }
    Ok(cost::MESSAGE)
}

fn decode_tasks(r: &mut Reader<'_>, what: &'static str) -> ReadResult<Vec<TaskId>> {
    let n = r.count(what, 1, cost::TASK)?;
    let mut tasks = Vec::with_capacity(n);
    for _ in 0..n {
        tasks.push(r.task(what)?);
    }
    Ok(tasks)
}

/// Reads a tuple's fields into `slot`, which becomes a [`WireMessage::Tuple`]. Anchors and values
/// are pushed where they will stay: building the tuple on the stack and moving it into the batch
/// cost a 136-byte copy (with a store-forwarding stall) per tuple.
#[inline(always)]
fn decode_tuple_into(r: &mut Reader<'_>, max_depth: usize, slot: &mut WireMessage) -> ReadResult<()> {
    let target_task = r.task("tuple target task")?;
    let stream = r.varint_u32("tuple stream")?;
    let source_task = r.task("tuple source task")?;
    let n_anchors = r.count("tuple anchors", 16, cost::ANCHOR)?;
    // `Anchors::new` and `Values::default` rather than `with_capacity`: those are out-of-line calls
    // that showed in profiles, and the usual one anchor and up to two values live inline anyway.
    *slot = WireMessage::Tuple(WireTuple {
        target_task,
        stream,
        source_task,
        anchors: Anchors::new(),
        values: Values::default(),
    });
    let WireMessage::Tuple(t) = slot else {
        return Ok(());
    };
    if n_anchors > 1 {
        t.anchors.reserve_exact(n_anchors);
    }
    for _ in 0..n_anchors {
        let root = r.u64_le("anchor root")?;
        let edge = r.u64_le("anchor edge")?;
        t.anchors.push((root, edge));
    }
    let n = r.count("tuple values", 1, cost::VALUE)?;
    if n > 2 {
        t.values = Values::with_capacity(n);
    }
    for _ in 0..n {
        t.values.push(decode_value(r, 0, max_depth)?);
    }
    Ok(())
}

/// Reads one message and appends it to `batch`.
#[inline]
pub(crate) fn decode_message_onto(
    r: &mut Reader<'_>,
    max_depth: usize,
    batch: &mut Vec<WireMessage>,
) -> ReadResult<()> {
    r.charge(cost::MESSAGE)?;
    let tag = r.u8("message tag")?;
    if tag != tag::TUPLE {
        batch.push(decode_control(r, tag)?);
        return Ok(());
    }
    // Decode in place; the placeholder is overwritten (and popped by the caller on error).
    batch.push(WireMessage::Heartbeat);
    match batch.last_mut() {
        Some(slot) => decode_tuple_into(r, max_depth, slot),
        None => Ok(()),
    }
}

/// Reads a message other than a tuple, whose tag was `tag`.
#[inline(always)]
fn decode_control(r: &mut Reader<'_>, tag: u8) -> ReadResult<WireMessage> {
    Ok(match tag {
        tag::ACK_INIT => WireMessage::AckInit {
            acker_task: r.task("acker task")?,
            root: r.u64_le("root id")?,
            value: r.u64_le("ack value")?,
            spout_task: r.task("spout task")?,
        },
        tag::ACK => WireMessage::Ack {
            acker_task: r.task("acker task")?,
            root: r.u64_le("root id")?,
            value: r.u64_le("ack value")?,
        },
        tag::FAIL => WireMessage::Fail { acker_task: r.task("acker task")?, root: r.u64_le("root id")? },
        tag::RESET_TIMEOUT => {
            WireMessage::ResetTimeout { acker_task: r.task("acker task")?, root: r.u64_le("root id")? }
        }
        tag::ACKED => WireMessage::Acked {
            spout_task: r.task("spout task")?,
            root: r.u64_le("root id")?,
            complete_latency_ms: r.varint("complete latency")?,
        },
        tag::FAILED => WireMessage::Failed { spout_task: r.task("spout task")?, root: r.u64_le("root id")? },
        tag::TIMEOUT_RESET => {
            WireMessage::TimeoutReset { spout_task: r.task("spout task")?, root: r.u64_le("root id")? }
        }
        tag::BACKPRESSURE => WireMessage::Backpressure {
            worker: r.str("worker id")?,
            congested: decode_tasks(r, "congested tasks")?,
            uncongested: decode_tasks(r, "uncongested tasks")?,
        },
        tag::LOAD => {
            let worker = r.str("worker id")?;
            let n = r.count("task loads", 5, cost::LOAD)?;
            let mut loads = Vec::with_capacity(n);
            for _ in 0..n {
                let task = r.task("load task")?;
                loads.push((task, f32::from_bits(r.u32_le("load ratio")?)));
            }
            WireMessage::Load { worker, loads }
        }
        tag::HEARTBEAT => WireMessage::Heartbeat,
        other => return Err(r.fail(WireError::UnknownMessageTag(other))),
    })
}
