//! Shared by the integration tests: a test batch type, a recording `Inbound` with an optional gate,
//! configuration helpers and deadline-bounded waits.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use squall_api::{TaskId, Value};
use squall_transport::{Inbound, Link, Outgoing, PeerEvent, Transport, TransportConfig, WorkerId};
use squall_wire::{BatchWriter, WireError, WireMessage, WireTuple};

/// How long any awaited condition may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(20);
pub const TOPOLOGY: &str = "transport-test-1-1700000000";
pub const PLAN: u64 = 0x0515_7a11;

/// A batch of messages, encoded one `push` each.
pub struct TestBatch(pub Vec<WireMessage>);

impl Outgoing for TestBatch {
    fn encode(&self, writer: &mut BatchWriter<'_>) -> Result<(), WireError> {
        self.0.iter().try_for_each(|m| writer.push(m))
    }
    fn messages(&self) -> usize {
        self.0.len()
    }
}

/// A tuple naming its sender and sequence number, so content and order can be checked exactly.
pub fn tuple(from: u32, seq: u64) -> WireMessage {
    WireMessage::Tuple(WireTuple {
        target_task: TaskId(seq as i32 % 7),
        stream: (seq % 3) as u32,
        source_task: TaskId(from as i32),
        anchors: [(seq, seq.wrapping_mul(0x9e37_79b9_7f4a_7c15))].into_iter().collect(),
        values: vec![Value::from(seq as i64), Value::from(format!("from {from} #{seq}")), Value::from(0.5)]
            .into(),
    })
}

/// `batches` batches of `per_batch` tuples, numbered from `first`.
pub fn batches(from: u32, first: u64, batches: u64, per_batch: u64) -> Vec<TestBatch> {
    (0..batches)
        .map(|b| {
            let start = first + b * per_batch;
            TestBatch((start..start + per_batch).map(|s| tuple(from, s)).collect())
        })
        .collect()
}

/// The messages `batches` would produce, in order.
pub fn expected(from: u32, first: u64, count: u64) -> Vec<WireMessage> {
    (first..first + count).map(|s| tuple(from, s)).collect()
}

/// A peer event, reduced to what tests compare.
#[derive(Clone, Debug)]
pub struct Ev {
    pub peer: Option<WorkerId>,
    pub kind: &'static str,
    pub link: Link,
    pub reason: String,
    pub protocol: bool,
}

#[derive(Default)]
pub struct State {
    pub received: BTreeMap<WorkerId, Vec<WireMessage>>,
    pub events: Vec<Ev>,
    pub deliveries_started: usize,
}

impl State {
    pub fn from(&self, w: u32) -> &[WireMessage] {
        self.received.get(&WorkerId(w)).map_or(&[], Vec::as_slice)
    }
    pub fn count(&self, kind: &str, link: Link) -> usize {
        self.events.iter().filter(|e| e.kind == kind && e.link == link).count()
    }
}

/// Records deliveries and events. With a closed gate, `deliver` blocks until the gate opens.
pub struct Recorder {
    state: Mutex<State>,
    changed: Condvar,
    gate_open: Mutex<bool>,
    gate: Condvar,
}

impl Recorder {
    pub fn new() -> Arc<Self> {
        Self::with_gate(true)
    }

    pub fn with_gate(open: bool) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::default(),
            changed: Condvar::new(),
            gate_open: Mutex::new(open),
            gate: Condvar::new(),
        })
    }

    pub fn open_gate(&self) {
        *self.gate_open.lock().unwrap() = true;
        self.gate.notify_all();
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    /// Waits until `cond` holds, failing the test after [`DEADLINE`].
    pub fn wait(&self, what: &str, cond: impl Fn(&State) -> bool) -> MutexGuard<'_, State> {
        let deadline = Instant::now() + DEADLINE;
        let mut state = self.state.lock().unwrap();
        while !cond(&state) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "timed out waiting for {what}; events: {:#?}", state.events);
            state = self.changed.wait_timeout(state, left).unwrap().0;
        }
        state
    }
}

impl Recorder {
    /// Waits until `cond` holds, as [`wait`](Self::wait), without keeping the lock.
    pub fn until(&self, what: &str, cond: impl Fn(&State) -> bool) {
        drop(self.wait(what, cond));
    }
}

impl Inbound for Recorder {
    fn deliver(&self, from: WorkerId, messages: &mut Vec<WireMessage>) {
        {
            self.state.lock().unwrap().deliveries_started += 1;
            self.changed.notify_all();
        }
        let mut open = self.gate_open.lock().unwrap();
        while !*open {
            open = self.gate.wait(open).unwrap();
        }
        drop(open);
        self.state.lock().unwrap().received.entry(from).or_default().append(messages);
        self.changed.notify_all();
    }

    fn peer_event(&self, peer: Option<WorkerId>, event: PeerEvent) {
        let link = event.link();
        let (kind, reason, protocol) = match event {
            PeerEvent::Connected { .. } => ("connected", String::new(), false),
            PeerEvent::Disconnected { reason, .. } => {
                ("disconnected", reason.to_string(), reason.is_protocol_error())
            }
            PeerEvent::Rejected { reason, .. } => {
                ("rejected", reason.to_string(), reason.is_protocol_error())
            }
            _ => ("other", String::new(), false),
        };
        self.state.lock().unwrap().events.push(Ev { peer, kind, link, reason, protocol });
        self.changed.notify_all();
    }
}

/// A configuration with test-friendly timings.
pub fn config(me: u32, peers: &[(u32, SocketAddr)]) -> TransportConfig {
    let mut c = TransportConfig::new(WorkerId(me), TOPOLOGY, PLAN);
    c.peers = peers.iter().map(|&(w, a)| (WorkerId(w), a)).collect();
    c.reconnect_min = Duration::from_millis(10);
    c.reconnect_max = Duration::from_millis(200);
    c.heartbeat_every = Duration::from_millis(100);
    c.peer_timeout = Duration::from_secs(5);
    c
}

pub fn listener() -> TcpListener {
    TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0")
}

/// Binds `addr` again after its previous owner shut down, retrying while the port is briefly busy.
pub fn rebind(addr: SocketAddr) -> TcpListener {
    let deadline = Instant::now() + DEADLINE;
    loop {
        match TcpListener::bind(addr) {
            Ok(l) => return l,
            Err(_) if Instant::now() < deadline => std::thread::park_timeout(Duration::from_millis(5)),
            Err(e) => panic!("rebinding {addr}: {e}"),
        }
    }
}

pub fn start(config: TransportConfig, listener: TcpListener, inbound: Arc<Recorder>) -> Transport<TestBatch> {
    Transport::start(config, listener, inbound).expect("transport starts")
}

/// Polls `cond` (for counters, which have no notification) until it holds or the deadline passes.
pub fn eventually(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + DEADLINE;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::park_timeout(Duration::from_millis(5));
    }
}
