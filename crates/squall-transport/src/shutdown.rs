//! Stopping: the [`Shutdown`] value every thread holds, the registry of open sockets that shutdown
//! closes (so no thread stays blocked in a read or write), and the set of threads it waits for.

use std::collections::HashMap;
use std::io;
use std::net::{Shutdown as Both, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use crate::stats::PeerCounters;

/// Never sent: channels of it only ever disconnect, which wakes every receiver at once.
pub(crate) enum Never {}

/// The shutdown signal, passed down to every thread (mini-redis style). Cheap to check; threads
/// waiting on a channel select on [`Shutdown::channel`] and wake when it disconnects.
#[derive(Clone)]
pub(crate) struct Shutdown {
    flag: Arc<AtomicBool>,
    rx: Receiver<Never>,
}

/// The one handle that fires a [`Shutdown`].
pub(crate) struct Trigger {
    flag: Arc<AtomicBool>,
    tx: Option<Sender<Never>>,
}

pub(crate) fn shutdown_pair() -> (Trigger, Shutdown) {
    let (tx, rx) = crossbeam_channel::bounded(0);
    let flag = Arc::new(AtomicBool::new(false));
    (Trigger { flag: Arc::clone(&flag), tx: Some(tx) }, Shutdown { flag, rx })
}

impl Trigger {
    pub(crate) fn fire(&mut self) {
        self.flag.store(true, Ordering::SeqCst);
        self.tx = None;
    }
}

impl Shutdown {
    pub(crate) fn is_set(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    /// Waits up to `d`; returns true if shutdown fired meanwhile.
    pub(crate) fn wait(&self, d: Duration) -> bool {
        match self.rx.recv_timeout(d) {
            Ok(never) => match never {},
            Err(RecvTimeoutError::Timeout) => self.is_set(),
            Err(RecvTimeoutError::Disconnected) => true,
        }
    }

    /// A channel that disconnects on shutdown, for `select!`.
    pub(crate) fn channel(&self) -> &Receiver<Never> {
        &self.rx
    }
}

/// How a registered socket is used, for the periodic reverse heartbeats.
pub(crate) enum Role {
    /// Anything that needs no reverse heartbeat (outbound, or inbound before its handshake).
    Plain,
    /// An established inbound connection from the peer with these counters: the acceptor thread
    /// writes heartbeats on it.
    InboundEstablished(Arc<PeerCounters>),
}

/// Every open socket, so that shutdown can `shutdown(2)` them and wake blocked reads and writes.
#[derive(Default)]
pub(crate) struct Sockets {
    next: AtomicU64,
    closed: AtomicBool,
    open: Mutex<HashMap<u64, (TcpStream, Role)>>,
}

/// Removes its socket from the registry when dropped.
pub(crate) struct Registration {
    sockets: Arc<Sockets>,
    id: u64,
}

impl Sockets {
    fn lock(&self) -> MutexGuard<'_, HashMap<u64, (TcpStream, Role)>> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a clone of `stream`; `None` once shutdown has closed the registry.
    pub(crate) fn register(self: &Arc<Self>, stream: &TcpStream) -> io::Result<Option<Registration>> {
        let clone = stream.try_clone()?;
        let mut open = self.lock();
        if self.closed.load(Ordering::SeqCst) {
            return Ok(None);
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        open.insert(id, (clone, Role::Plain));
        Ok(Some(Registration { sockets: Arc::clone(self), id }))
    }

    /// Shuts every socket down and refuses new registrations.
    pub(crate) fn close_all(&self) {
        let open = {
            let mut open = self.lock();
            self.closed.store(true, Ordering::SeqCst);
            std::mem::take(&mut *open)
        };
        for (stream, _) in open.values() {
            let _ = stream.shutdown(Both::Both);
        }
    }

    /// Calls `f` on every established inbound socket; a socket for which `f` fails is shut down
    /// (its reader then sees the error and reports it).
    pub(crate) fn for_each_inbound(&self, mut f: impl FnMut(&TcpStream, &PeerCounters) -> io::Result<()>) {
        let open = self.lock();
        for (stream, role) in open.values() {
            if let Role::InboundEstablished(counters) = role
                && f(stream, counters).is_err()
            {
                let _ = stream.shutdown(Both::Both);
            }
        }
    }
}

impl Registration {
    pub(crate) fn set_role(&self, role: Role) {
        if let Some(entry) = self.sockets.lock().get_mut(&self.id) {
            entry.1 = role;
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.sockets.lock().remove(&self.id);
    }
}

/// The transport's threads: spawned with a token whose drop marks the thread finished, so that
/// shutdown can wait for all of them with one deadline.
pub(crate) struct Threads {
    token: Mutex<Option<Sender<Never>>>,
    done: Receiver<Never>,
    handles: Mutex<Vec<JoinHandle<()>>>,
}

impl Threads {
    pub(crate) fn new() -> Self {
        let (tx, rx) = crossbeam_channel::bounded(0);
        Self { token: Mutex::new(Some(tx)), done: rx, handles: Mutex::new(Vec::new()) }
    }

    /// Spawns a named thread. `Ok(false)` if shutdown already began (the closure is dropped).
    pub(crate) fn spawn(&self, name: String, f: impl FnOnce() + Send + 'static) -> io::Result<bool> {
        let token = match &*self.token.lock().unwrap_or_else(|p| p.into_inner()) {
            Some(tx) => tx.clone(),
            None => return Ok(false),
        };
        let handle = thread::Builder::new().name(name).spawn(move || {
            let _token = token;
            f();
        })?;
        let mut handles = self.handles.lock().unwrap_or_else(|p| p.into_inner());
        handles.retain(|h| !h.is_finished());
        handles.push(handle);
        Ok(true)
    }

    /// Waits until every thread ended or `deadline` passed; joins those that ended. Returns how
    /// many are still running (left detached).
    pub(crate) fn join_all(&self, deadline: Instant) -> usize {
        drop(self.token.lock().unwrap_or_else(|p| p.into_inner()).take());
        let all_ended = match self.done.recv_deadline(deadline) {
            Ok(never) => match never {},
            Err(e) => e == RecvTimeoutError::Disconnected,
        };
        let handles = std::mem::take(&mut *self.handles.lock().unwrap_or_else(|p| p.into_inner()));
        let mut running = 0;
        for h in handles {
            // Once every token is dropped, each thread is past its closure: joining is immediate.
            if all_ended || h.is_finished() {
                if h.join().is_err() {
                    tracing::error!("a transport thread panicked");
                }
            } else {
                running += 1;
            }
        }
        running
    }
}
