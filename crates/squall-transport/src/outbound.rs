//! One peer's outbound link: the writer thread (connect, handshake, drain the queue into frames,
//! heartbeats, reconnect with backoff) and, per connection, a watcher thread reading the reverse
//! direction (the peer's hello, then its heartbeats) so that a peer that closes or falls silent is
//! noticed even while we have nothing to write.

use std::io::Write;
use std::net::{Shutdown as Both, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::thread;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use crossbeam_channel::{Receiver, Sender, select};
use squall_wire::{BatchWriter, FrameHead, WireError};
use tracing::{debug, error, info, warn};

use crate::conn::{Fill, FrameReader, check_hello, is_heartbeat};
use crate::shutdown::Registration;
use crate::stats::{PeerCounters, bump};
use crate::transport::Shared;
use crate::{Link, Outgoing, PeerEvent, TransportError, WorkerId};

/// Longest wait for a TCP connect, whatever `peer_timeout` says (bounds shutdown too).
const CONNECT_TIMEOUT_MAX: Duration = Duration::from_secs(2);

/// The writer thread of one peer.
pub(crate) struct Writer<O> {
    pub(crate) peer: WorkerId,
    pub(crate) addr: SocketAddr,
    pub(crate) queue: Receiver<O>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) counters: Arc<PeerCounters>,
}

/// An established connection.
struct Conn {
    stream: TcpStream,
    reader: FrameReader,
    _registration: Registration,
}

/// Frames encoded into the write buffer but not yet written.
#[derive(Default)]
struct InFlight {
    frames: u64,
    messages: u64,
}

impl<O: Outgoing> Writer<O> {
    /// Runs until shutdown: connects, pumps, reconnects.
    pub(crate) fn run(self) {
        let cfg = &self.shared.config;
        let mut delay: Option<Duration> = None;
        let mut ever_connected = false;
        let mut refusals = 0u64;
        loop {
            if let Some(d) = delay
                && self.shared.shutdown.wait(d)
            {
                return;
            }
            if self.shared.shutdown.is_set() {
                return;
            }
            let conn = match self.establish() {
                Ok(conn) => conn,
                Err(TransportError::Shutdown) => return,
                Err(reason) => {
                    if self.shared.shutdown.is_set() {
                        return;
                    }
                    self.refused(reason, refusals == 0);
                    refusals += 1;
                    let next = delay.map_or(cfg.reconnect_min, |d| d.saturating_mul(2));
                    delay = Some(next.clamp(cfg.reconnect_min, cfg.reconnect_max));
                    continue;
                }
            };
            bump(&self.counters.connects, 1);
            if ever_connected {
                bump(&self.counters.reconnects, 1);
            }
            ever_connected = true;
            refusals = 0;
            self.counters.connected.store(true, Relaxed);
            info!(peer = self.peer.0, addr = %self.addr, "connected to peer");
            self.shared
                .event(Some(self.peer), PeerEvent::Connected { link: Link::Outbound, addr: self.addr });

            let reason = self.pump(conn);

            self.counters.connected.store(false, Relaxed);
            if matches!(reason, TransportError::Shutdown) || self.shared.shutdown.is_set() {
                return;
            }
            bump(&self.counters.disconnects, 1);
            if !matches!(reason, TransportError::Closed) {
                bump(&self.counters.errors, 1);
            }
            warn!(peer = self.peer.0, addr = %self.addr, error = %reason, "outbound connection lost; reconnecting");
            self.shared.event(
                Some(self.peer),
                PeerEvent::Disconnected { link: Link::Outbound, addr: self.addr, reason },
            );
            delay = Some(cfg.reconnect_min);
        }
    }

    /// Accounts for a failed attempt: a refused handshake is an event, a failed connect only a
    /// count. Only the first failure in a row logs above DEBUG.
    fn refused(&self, reason: TransportError, first: bool) {
        if reason.is_protocol_error() {
            bump(&self.counters.rejected, 1);
            bump(&self.counters.errors, 1);
            if first {
                warn!(peer = self.peer.0, addr = %self.addr, error = %reason, "handshake with peer refused; retrying with backoff");
            } else {
                debug!(peer = self.peer.0, addr = %self.addr, error = %reason, "handshake with peer refused again");
            }
            self.shared.event(
                Some(self.peer),
                PeerEvent::Rejected { link: Link::Outbound, addr: self.addr, reason },
            );
        } else {
            bump(&self.counters.connect_failures, 1);
            debug!(peer = self.peer.0, addr = %self.addr, error = %reason, "connecting to peer failed");
        }
    }

    /// Connects and exchanges hellos.
    fn establish(&self) -> Result<Conn, TransportError> {
        let cfg = &self.shared.config;
        let connect = |e| TransportError::Connect { addr: self.addr, source: e };
        let timeout = cfg.peer_timeout.min(CONNECT_TIMEOUT_MAX);
        let stream = TcpStream::connect_timeout(&self.addr, timeout).map_err(connect)?;
        let registration = self.shared.sockets.register(&stream)?.ok_or(TransportError::Shutdown)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(cfg.read_tick()))?;
        (&stream).write_all(&self.shared.hello_frame)?;
        bump(&self.counters.bytes_sent, self.shared.hello_frame.len() as u64);
        let mut reader = FrameReader::new(stream.try_clone()?, cfg.limits);
        let theirs = reader.read_hello(cfg.peer_timeout, || self.shared.shutdown.is_set())?;
        let found = check_hello(&self.shared.hello, &theirs)?;
        if found != self.peer {
            return Err(TransportError::WrongWorker { expected: self.peer, found: found.0 });
        }
        Ok(Conn { stream, reader, _registration: registration })
    }

    /// Drains the queue into the connection until it fails or shutdown; returns why it ended.
    fn pump(&self, conn: Conn) -> TransportError {
        let Conn { stream, reader, _registration } = conn;
        let (dead_tx, dead_rx) = crossbeam_channel::bounded(1);
        let watcher = {
            let shared = Arc::clone(&self.shared);
            let counters = Arc::clone(&self.counters);
            thread::Builder::new()
                .name(format!("squall-watch-{}", self.peer.0))
                .spawn(move || watch(reader, &shared, &counters, &dead_tx))
        };
        let watcher = match watcher {
            Ok(w) => w,
            Err(e) => {
                let _ = stream.shutdown(Both::Both);
                return TransportError::Spawn { what: "watcher", source: e };
            }
        };
        let reason = self.write_loop(&stream, &dead_rx);
        let _ = stream.shutdown(Both::Both);
        if watcher.join().is_err() {
            error!(peer = self.peer.0, "watcher thread panicked");
        }
        reason
    }

    fn write_loop(&self, stream: &TcpStream, dead: &Receiver<TransportError>) -> TransportError {
        let cfg = &self.shared.config;
        let mut out = BytesMut::with_capacity(cfg.max_frame_coalesce_bytes + (64 << 10));
        let mut last_write = Instant::now();
        loop {
            let idle = (last_write + cfg.heartbeat_every).saturating_duration_since(Instant::now());
            let mut in_flight = InFlight::default();
            select! {
                recv(self.queue) -> batch => {
                    let Ok(batch) = batch else { return TransportError::Shutdown };
                    self.encode(batch, &mut out, &mut in_flight);
                    while out.len() < cfg.max_frame_coalesce_bytes {
                        match self.queue.try_recv() {
                            Ok(batch) => self.encode(batch, &mut out, &mut in_flight),
                            Err(_) => break,
                        }
                    }
                }
                recv(dead) -> reason => return reason.unwrap_or(TransportError::Closed),
                recv(self.shared.shutdown.channel()) -> _ => return TransportError::Shutdown,
                default(idle) => {
                    out.extend_from_slice(&self.shared.heartbeat_frame);
                    bump(&self.counters.heartbeats_sent, 1);
                }
            }
            if out.is_empty() {
                continue;
            }
            if let Err(e) = (&*stream).write_all(&out) {
                bump(&self.counters.dropped_batches, in_flight.frames);
                bump(&self.counters.dropped_messages, in_flight.messages);
                if in_flight.frames > 0 {
                    warn!(
                        peer = self.peer.0,
                        batches = in_flight.frames,
                        messages = in_flight.messages,
                        "batches lost in a failed write; tracked tuples will be replayed by their spouts"
                    );
                }
                // Prefer the watcher's diagnosis (EOF, silence) over the write's EPIPE.
                return dead.try_recv().unwrap_or(TransportError::Io(e));
            }
            bump(&self.counters.frames_sent, in_flight.frames);
            bump(&self.counters.messages_sent, in_flight.messages);
            bump(&self.counters.bytes_sent, out.len() as u64);
            out.clear();
            if out.capacity() > 4 * cfg.max_frame_coalesce_bytes.max(1 << 20) {
                // A huge batch passed: give its memory back.
                out = BytesMut::with_capacity(cfg.max_frame_coalesce_bytes + (64 << 10));
            }
            last_write = Instant::now();
        }
    }

    /// Encodes one batch as one frame at the end of `out`; an unencodable batch is dropped.
    fn encode(&self, batch: O, out: &mut BytesMut, in_flight: &mut InFlight) {
        let mut writer = BatchWriter::new(out, &self.shared.config.limits);
        match batch.encode(&mut writer) {
            Ok(()) if writer.is_empty() => {}
            Ok(()) => {
                in_flight.messages += writer.messages() as u64;
                in_flight.frames += 1;
                writer.finish();
            }
            Err(e) => {
                drop(writer);
                bump(&self.counters.errors, 1);
                bump(&self.counters.dropped_batches, 1);
                bump(&self.counters.dropped_messages, batch.messages() as u64);
                error!(peer = self.peer.0, messages = batch.messages(), error = %e,
                    "batch cannot be encoded into one frame; dropped");
            }
        }
    }
}

/// Reads the reverse direction of an outbound connection until it fails; reports why on `dead`
/// and shuts the socket down, which fails the writer's next (or current) write.
fn watch(mut reader: FrameReader, shared: &Shared, counters: &PeerCounters, dead: &Sender<TransportError>) {
    let timeout = shared.config.peer_timeout;
    let mut scratch = Vec::new();
    let reason = 'conn: loop {
        if shared.shutdown.is_set() {
            break TransportError::Shutdown;
        }
        match reader.fill() {
            Err(e) => break TransportError::Io(e),
            Ok(Fill::Eof) => break reader.eof_reason(),
            Ok(Fill::Data(n)) => bump(&counters.bytes_received, n as u64),
            Ok(Fill::Idle) => {}
        }
        loop {
            match reader.next_frame(&mut scratch) {
                Ok(None) => break,
                Ok(Some(FrameHead::Hello(_))) => break 'conn WireError::DuplicateHello.into(),
                Ok(Some(FrameHead::Batch { messages })) if is_heartbeat(&scratch, messages) => {
                    bump(&counters.heartbeats_received, 1);
                    scratch.clear();
                }
                Ok(Some(FrameHead::Batch { messages })) => {
                    break 'conn TransportError::UnexpectedData(messages);
                }
                Err(e) => break 'conn e.into(),
            }
        }
        if let Err(silent) = reader.check_silence(timeout) {
            break silent;
        }
    };
    let _ = dead.try_send(reason);
    let _ = reader.stream().shutdown(Both::Both);
}
