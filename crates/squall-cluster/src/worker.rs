//! The worker process: what a process started by a supervisor does when the user's code submits
//! its topology. It runs its share of the executors, talks to its peers through the transport, and
//! reports to its supervisor until told to stop; then the process exits.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use crossbeam_channel::{RecvTimeoutError, unbounded};
use squall_api::{Config, Topology};
use squall_runtime::RunOptions;
use squall_runtime::worker::{Worker, WorkerSetup};

use crate::control::{Lines, ToSupervisor, ToWorker, send};
use crate::spec::WorkerSpec;

/// How often a worker reports progress.
pub const HEARTBEAT: Duration = Duration::from_millis(100);
/// How often it reports statistics unasked.
const STATS_EVERY: u32 = 10;

/// Runs this process as worker `spec.index` of `topology` and exits the process when done:
/// status 0 after an orderly stop, 1 when its executors failed, 2 when its supervisor went away.
pub fn run_worker(spec: &WorkerSpec, topology: Topology, config: &Config, options: RunOptions) -> ! {
    let code = match serve(spec, topology, config, options) {
        Ok(()) => 0,
        Err(Exit::Failed(cause)) => {
            tracing::error!(worker = spec.index, "{cause}");
            1
        }
        Err(Exit::Orphaned(cause)) => {
            tracing::error!(worker = spec.index, "stopping: {cause}");
            2
        }
    };
    std::process::exit(code)
}

enum Exit {
    Failed(String),
    Orphaned(String),
}

fn retry<T>(what: &str, limit: Duration, mut f: impl FnMut() -> std::io::Result<T>) -> Result<T, Exit> {
    let deadline = Instant::now() + limit;
    loop {
        match f() {
            Ok(v) => return Ok(v),
            Err(e) if Instant::now() >= deadline => return Err(Exit::Orphaned(format!("{what}: {e}"))),
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

fn serve(spec: &WorkerSpec, topology: Topology, config: &Config, options: RunOptions) -> Result<(), Exit> {
    let me = spec.index;
    let mut control =
        retry("cannot reach the supervisor", Duration::from_secs(10), || TcpStream::connect(spec.control))?;
    let _ = control.set_nodelay(true);
    send(&mut control, &ToSupervisor::Hello { worker: me, pid: std::process::id() })
        .map_err(|e| Exit::Orphaned(e.to_string()))?;
    let addr: SocketAddr =
        *spec.addrs.get(me as usize).ok_or_else(|| Exit::Failed("no address for me".into()))?;
    // A restarted worker takes over its predecessor's port; give the old socket time to close.
    let listener =
        retry(&format!("cannot listen on {addr}"), Duration::from_secs(10), || TcpListener::bind(addr))?;
    let setup =
        WorkerSetup { me, addrs: spec.addrs.clone(), listener, topology_id: spec.topology_id.clone() };
    let worker = Worker::start(&spec.topology, topology, config, options, setup).map_err(|e| {
        let cause = e.to_string();
        let _ = send(&mut control, &ToSupervisor::Failed { cause: cause.clone() });
        Exit::Failed(cause)
    })?;
    let (tx, rx) = unbounded::<Option<ToWorker>>();
    let reader = control.try_clone().map_err(|e| Exit::Orphaned(e.to_string()))?;
    std::thread::Builder::new()
        .name("squall-control".into())
        .spawn(move || {
            let mut lines = Lines::new(reader);
            while let Ok(Some(cmd)) = lines.read::<ToWorker>() {
                if tx.send(Some(cmd)).is_err() {
                    return;
                }
            }
            let _ = tx.send(None);
        })
        .map_err(|e| Exit::Failed(e.to_string()))?;
    let mut beats = 0u32;
    loop {
        match rx.recv_timeout(HEARTBEAT) {
            Ok(Some(ToWorker::Activate(on))) => {
                if on {
                    worker.running().activate()
                } else {
                    worker.running().deactivate()
                }
            }
            Ok(Some(ToWorker::Stats(seq))) => {
                let stats = worker.running().stats();
                let msg = ToSupervisor::Stats { seq, tasks: stats.tasks, executors: stats.executors };
                send(&mut control, &msg).map_err(|e| Exit::Orphaned(e.to_string()))?;
            }
            Ok(Some(ToWorker::Stop(wait_ms))) => {
                let result = worker.kill(Duration::from_millis(wait_ms));
                let msg = match result {
                    Ok(stats) => ToSupervisor::Stopped { tasks: stats.tasks, executors: stats.executors },
                    Err(e) => ToSupervisor::Failed { cause: e.to_string() },
                };
                let _ = send(&mut control, &msg);
                return Ok(());
            }
            Ok(None) | Err(RecvTimeoutError::Disconnected) => {
                let _ = worker.kill(Duration::ZERO);
                return Err(Exit::Orphaned("the supervisor closed the control connection".into()));
            }
            Err(RecvTimeoutError::Timeout) => {
                if let Some(failure) = worker.running().failure() {
                    let cause = failure.to_string();
                    let stats = worker.running().stats();
                    let _ = send(
                        &mut control,
                        &ToSupervisor::Stats { seq: 0, tasks: stats.tasks, executors: stats.executors },
                    );
                    let _ = send(&mut control, &ToSupervisor::Failed { cause: cause.clone() });
                    let _ = worker.kill(Duration::ZERO);
                    return Err(Exit::Failed(cause));
                }
                send(&mut control, &ToSupervisor::Heartbeat { progress: worker.progress() })
                    .map_err(|e| Exit::Orphaned(e.to_string()))?;
                beats += 1;
                if beats.is_multiple_of(STATS_EVERY) {
                    let stats = worker.running().stats();
                    let msg = ToSupervisor::Stats { seq: 0, tasks: stats.tasks, executors: stats.executors };
                    send(&mut control, &msg).map_err(|e| Exit::Orphaned(e.to_string()))?;
                }
            }
        }
    }
}
