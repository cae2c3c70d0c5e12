//! The inbound side: the acceptor thread (accepts connections, spawns a reader per connection,
//! writes the reverse heartbeats) and the reader thread of each connection (hello, then frames
//! decoded into one reused vector and handed to [`Inbound::deliver`](crate::Inbound::deliver)).

use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use squall_wire::{FrameHead, WireError, WireMessage};
use tracing::{debug, info, warn};

use crate::conn::{Fill, FrameReader, check_hello, is_heartbeat};
use crate::shutdown::Role;
use crate::stats::{PeerCounters, bump};
use crate::transport::Shared;
use crate::{Link, PeerEvent, TransportError, WorkerId};

/// How often the acceptor polls the listener (it is non-blocking) when no connection is waiting.
const ACCEPT_TICK: Duration = Duration::from_millis(20);
/// Deliver once this many messages are decoded, even if more complete frames are buffered, so
/// that decoded memory per connection stays bounded.
const DELIVER_AT: usize = 4096;

/// Runs the acceptor until shutdown. The listener must be non-blocking.
pub(crate) fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let hb_every = shared.config.heartbeat_every;
    let mut next_heartbeat = Instant::now() + hb_every;
    while !shared.shutdown.is_set() {
        loop {
            match listener.accept() {
                Ok((stream, addr)) => {
                    if shared.live_readers.load(Ordering::SeqCst) >= shared.config.max_inbound_connections {
                        bump(&shared.registry.refused_connections, 1);
                        warn!(%addr, limit = shared.config.max_inbound_connections,
                            "too many inbound connections; closing the new one");
                        drop(stream);
                    } else {
                        spawn_reader(&shared, stream, addr);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    // Out of descriptors and the like: count, and wait a tick before retrying.
                    bump(&shared.registry.accept_errors, 1);
                    warn!(error = %e, "accepting a connection failed");
                    break;
                }
            }
        }
        if Instant::now() >= next_heartbeat {
            let frame = &shared.heartbeat_frame;
            shared.sockets.for_each_inbound(|mut s, counters| {
                s.write_all(frame)?;
                bump(&counters.heartbeats_sent, 1);
                bump(&counters.bytes_sent, frame.len() as u64);
                Ok(())
            });
            next_heartbeat = Instant::now() + hb_every;
        }
        let until_heartbeat = next_heartbeat.saturating_duration_since(Instant::now());
        if shared.shutdown.wait(ACCEPT_TICK.min(until_heartbeat)) {
            break;
        }
    }
}

/// Counts a live reader thread for as long as it lives.
struct LiveReader(Arc<Shared>);

impl Drop for LiveReader {
    fn drop(&mut self) {
        self.0.live_readers.fetch_sub(1, Ordering::SeqCst);
    }
}

fn spawn_reader(shared: &Arc<Shared>, stream: TcpStream, addr: SocketAddr) {
    let name = format!("squall-recv-{addr}");
    shared.live_readers.fetch_add(1, Ordering::SeqCst);
    let live = LiveReader(Arc::clone(shared));
    match shared.threads.spawn(name, move || read_connection(&live.0, stream, addr)) {
        Ok(_) => {}
        Err(e) => {
            bump(&shared.registry.accept_errors, 1);
            warn!(%addr, error = %e, "could not spawn a reader thread; connection dropped");
        }
    }
}

/// Reads one inbound connection until it ends.
fn read_connection(shared: &Shared, stream: TcpStream, addr: SocketAddr) {
    let cfg = &shared.config;
    let registration = match shared.sockets.register(&stream) {
        Ok(Some(r)) => r,
        Ok(None) => return,
        Err(e) => {
            bump(&shared.registry.anonymous_errors, 1);
            warn!(%addr, error = %e, "could not set up an inbound connection");
            return;
        }
    };
    let setup = stream
        .set_nonblocking(false)
        .and_then(|()| stream.set_nodelay(true))
        .and_then(|()| stream.set_read_timeout(Some(cfg.read_tick())))
        .and_then(|()| stream.set_write_timeout(Some(cfg.heartbeat_every.max(Duration::from_millis(100)))));
    if let Err(e) = setup {
        bump(&shared.registry.anonymous_errors, 1);
        warn!(%addr, error = %e, "could not set up an inbound connection");
        return;
    }
    let mut reader = FrameReader::new(stream, cfg.limits);

    let peer = match handshake(shared, &mut reader) {
        Ok(peer) => peer,
        Err((_, TransportError::Shutdown)) => return,
        Err((peer, reason)) => {
            if shared.shutdown.is_set() {
                return;
            }
            match peer {
                Some((_, ref counters)) => {
                    bump(&counters.rejected, 1);
                    bump(&counters.errors, 1);
                }
                None => {
                    bump(&shared.registry.anonymous_connections, 1);
                    bump(&shared.registry.anonymous_errors, 1);
                }
            }
            warn!(%addr, peer = peer.as_ref().map(|p| p.0.0), error = %reason, "inbound connection refused");
            shared.event(peer.map(|p| p.0), PeerEvent::Rejected { link: Link::Inbound, addr, reason });
            return;
        }
    };
    let (worker, counters) = peer;
    bump(&counters.inbound_connections, 1);
    registration.set_role(Role::InboundEstablished(Arc::clone(&counters)));
    info!(peer = worker.0, %addr, "peer connected to us");
    shared.event(Some(worker), PeerEvent::Connected { link: Link::Inbound, addr });

    let reason = receive(shared, &mut reader, worker, &counters);
    drop(registration);
    if matches!(reason, TransportError::Shutdown) || shared.shutdown.is_set() {
        return;
    }
    bump(&counters.disconnects, 1);
    if !matches!(reason, TransportError::Closed) {
        bump(&counters.errors, 1);
        warn!(peer = worker.0, %addr, error = %reason, "inbound connection closed on error");
    } else {
        debug!(peer = worker.0, %addr, "peer closed its connection to us");
    }
    shared.event(Some(worker), PeerEvent::Disconnected { link: Link::Inbound, addr, reason });
}

type Identified = (WorkerId, Arc<PeerCounters>);

/// Reads the peer's hello, answers with ours (even on a mismatch, so the peer can tell why), then
/// checks it. The error carries the peer if its hello named a valid worker.
fn handshake(
    shared: &Shared,
    reader: &mut FrameReader,
) -> Result<Identified, (Option<Identified>, TransportError)> {
    let theirs =
        reader.read_hello(shared.config.peer_timeout, || shared.shutdown.is_set()).map_err(|e| (None, e))?;
    let named = WorkerId::from_hello_text(&theirs.worker_id).map(|w| (w, shared.registry.peer(w)));
    let reply = reader.stream().write_all(&shared.hello_frame);
    if let Some((_, counters)) = &named {
        bump(&counters.bytes_sent, shared.hello_frame.len() as u64);
    }
    reply.map_err(|e| (named.clone(), e.into()))?;
    match check_hello(&shared.hello, &theirs) {
        Ok(_) => named.ok_or((None, TransportError::BadWorkerId(theirs.worker_id.to_string()))),
        Err(e) => Err((named, e)),
    }
}

/// The established connection's read loop; returns why it ended.
fn receive(
    shared: &Shared,
    reader: &mut FrameReader,
    worker: WorkerId,
    counters: &PeerCounters,
) -> TransportError {
    let timeout = shared.config.peer_timeout;
    let mut messages: Vec<WireMessage> = Vec::new();
    loop {
        if shared.shutdown.is_set() {
            return TransportError::Shutdown;
        }
        let eof = match reader.fill() {
            Err(e) => return TransportError::Io(e),
            Ok(Fill::Eof) => true,
            Ok(Fill::Data(n)) => {
                bump(&counters.bytes_received, n as u64);
                false
            }
            Ok(Fill::Idle) => false,
        };
        // Decode every complete frame; deliver what decoded before any error, then close.
        let failed = loop {
            match reader.next_frame(&mut messages) {
                Ok(None) => break None,
                Ok(Some(FrameHead::Hello(_))) => break Some(WireError::DuplicateHello.into()),
                Ok(Some(FrameHead::Batch { messages: n })) => {
                    if is_heartbeat(&messages, n) {
                        messages.pop();
                        bump(&counters.heartbeats_received, 1);
                    } else {
                        bump(&counters.frames_received, 1);
                        bump(&counters.messages_received, n as u64);
                    }
                    if messages.len() >= DELIVER_AT {
                        deliver(shared, reader, worker, &mut messages);
                    }
                }
                Err(e) => break Some(TransportError::Wire(e)),
            }
        };
        deliver(shared, reader, worker, &mut messages);
        if let Some(reason) = failed {
            return reason;
        }
        if eof {
            return reader.eof_reason();
        }
        if let Err(silent) = reader.check_silence(timeout) {
            return silent;
        }
    }
}

fn deliver(shared: &Shared, reader: &mut FrameReader, worker: WorkerId, messages: &mut Vec<WireMessage>) {
    if messages.is_empty() {
        return;
    }
    shared.inbound.deliver(worker, messages);
    messages.clear();
    // Time spent in `deliver` is not the peer's silence.
    reader.heard();
}
