//! [`Transport`]: starts the acceptor and one writer per peer, hands out [`PeerSender`]s, and stops
//! everything.

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use crossbeam_channel::Sender;
use squall_wire::{Hello, WireMessage, encode_batch, encode_hello};
use tracing::warn;

use crate::listener::accept_loop;
use crate::outbound::Writer;
use crate::shutdown::{Shutdown, Sockets, Threads, Trigger, shutdown_pair};
use crate::stats::Registry;
use crate::{
    Inbound, Outgoing, PeerEvent, PeerSender, TransportConfig, TransportError, TransportStats, WorkerId,
};

/// How long [`Transport::shutdown`] waits for its threads before leaving stragglers detached (only
/// a `deliver` call that does not return can hold one up).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// What every transport thread shares.
pub(crate) struct Shared {
    pub(crate) config: TransportConfig,
    pub(crate) hello: Hello,
    pub(crate) hello_frame: Vec<u8>,
    pub(crate) heartbeat_frame: Vec<u8>,
    pub(crate) inbound: Arc<dyn Inbound>,
    pub(crate) sockets: Arc<Sockets>,
    pub(crate) threads: Threads,
    pub(crate) registry: Registry,
    pub(crate) shutdown: Shutdown,
    /// Inbound reader threads alive, against `max_inbound_connections`.
    pub(crate) live_readers: AtomicUsize,
}

impl Shared {
    pub(crate) fn event(&self, peer: Option<WorkerId>, event: PeerEvent) {
        if !self.shutdown.is_set() {
            self.inbound.peer_event(peer, event);
        }
    }
}

/// One worker's network endpoint: a listener accepting peers' connections (one reader thread
/// each) and one outbound connection per configured peer (one writer thread each, fed by a bounded
/// queue). See the crate documentation for the threading model and failure behaviour.
pub struct Transport<O: Outgoing> {
    shared: Arc<Shared>,
    trigger: Trigger,
    senders: BTreeMap<WorkerId, Sender<O>>,
    local_addr: SocketAddr,
    stopped: bool,
    _outgoing: PhantomData<fn(O)>,
}

impl<O: Outgoing> Transport<O> {
    /// Starts serving on `listener` (already bound, on any port) and connecting to every peer of
    /// `config`. Returns once the threads are running; connections come up in the background
    /// (watch [`Inbound::peer_event`] or [`PeerSender::is_connected`]).
    ///
    /// # Errors
    /// [`TransportError::Config`] for an invalid configuration, [`TransportError::Listener`] if the
    /// listener cannot be made non-blocking or has no address, [`TransportError::Spawn`] if a
    /// thread cannot be started (whatever started is stopped again).
    pub fn start(
        config: TransportConfig,
        listener: TcpListener,
        inbound: Arc<dyn Inbound>,
    ) -> Result<Self, TransportError> {
        config.validate()?;
        let local_addr = listener.local_addr().map_err(TransportError::Listener)?;
        listener.set_nonblocking(true).map_err(TransportError::Listener)?;
        let hello = Hello::new(config.topology_id.as_str(), config.me.hello_text(), config.plan_fingerprint);
        let mut buf = BytesMut::new();
        encode_hello(&mut buf, &hello, &config.limits)
            .map_err(|e| TransportError::Config(format!("the hello does not fit a frame: {e}")))?;
        let hello_frame = buf.split().to_vec();
        encode_batch(&mut buf, &[WireMessage::Heartbeat], &config.limits)
            .map_err(|e| TransportError::Config(format!("a heartbeat does not fit a frame: {e}")))?;
        let heartbeat_frame = buf.to_vec();
        let (trigger, shutdown) = shutdown_pair();
        let shared = Arc::new(Shared {
            config,
            hello,
            hello_frame,
            heartbeat_frame,
            inbound,
            sockets: Arc::new(Sockets::default()),
            threads: Threads::new(),
            registry: Registry::default(),
            shutdown,
            live_readers: AtomicUsize::new(0),
        });
        let mut transport = Transport {
            shared: Arc::clone(&shared),
            trigger,
            senders: BTreeMap::new(),
            local_addr,
            stopped: false,
            _outgoing: PhantomData,
        };
        let spawn = |what: &'static str, name: String, f: Box<dyn FnOnce() + Send>| {
            shared.threads.spawn(name, f).map(drop).map_err(|e| TransportError::Spawn { what, source: e })
        };
        let acceptor = Arc::clone(&shared);
        spawn(
            "acceptor",
            format!("squall-accept-{}", local_addr.port()),
            Box::new(move || accept_loop(listener, acceptor)),
        )?;
        for &(peer, addr) in &shared.config.peers {
            let (tx, rx) = crossbeam_channel::bounded(shared.config.queue_batches);
            let writer = Writer {
                peer,
                addr,
                queue: rx,
                shared: Arc::clone(&shared),
                counters: shared.registry.peer(peer),
            };
            spawn("writer", format!("squall-send-{}", peer.0), Box::new(move || writer.run()))?;
            transport.senders.insert(peer, tx);
        }
        Ok(transport)
    }

    /// A handle for sending to `peer`; `None` if `peer` is not among the configured peers.
    pub fn sender(&self, peer: WorkerId) -> Option<PeerSender<O>> {
        let tx = self.senders.get(&peer)?;
        Some(PeerSender { peer, tx: tx.clone(), counters: self.shared.registry.peer(peer) })
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// This worker's id.
    pub fn me(&self) -> WorkerId {
        self.shared.config.me
    }

    /// A snapshot of every peer's counters and queue.
    pub fn stats(&self) -> TransportStats {
        let queues = self
            .senders
            .iter()
            .map(|(&w, tx)| (w, (tx.len(), tx.capacity().unwrap_or(usize::MAX))))
            .collect();
        self.shared.registry.snapshot(&queues)
    }

    /// Stops: closes the listener and every connection, drops queued batches, and joins every
    /// thread. Takes at most a few seconds (a connect in progress times out within 2 s); a
    /// `deliver` call that does not return within 5 s leaves its thread detached, with a warning.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        self.trigger.fire();
        self.shared.sockets.close_all();
        let running = self.shared.threads.join_all(Instant::now() + SHUTDOWN_GRACE);
        if running > 0 {
            warn!(threads = running, "transport threads still running after shutdown; left detached");
        }
    }
}

impl<O: Outgoing> Drop for Transport<O> {
    fn drop(&mut self) {
        self.stop();
    }
}

impl<O: Outgoing> std::fmt::Debug for Transport<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("me", &self.shared.config.me)
            .field("local_addr", &self.local_addr)
            .field("peers", &self.senders.keys().collect::<Vec<_>>())
            .finish()
    }
}
