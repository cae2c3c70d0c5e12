//! Ctrl-C: the first SIGINT (or SIGTERM, SIGHUP) asks the run to shut down cleanly; a second one
//! exits at once.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, sync_channel};

use anyhow::Context;

static RECEIVED: AtomicUsize = AtomicUsize::new(0);

/// Installs the SIGINT handler and returns the channel the first interrupt arrives on.
///
/// # Errors
/// The handler could not be installed (one is installed already, or the OS refused).
pub fn install() -> anyhow::Result<Receiver<()>> {
    let (tx, rx) = sync_channel(1);
    ctrlc::set_handler(move || {
        if RECEIVED.fetch_add(1, Ordering::SeqCst) == 0 {
            let _ = tx.try_send(());
        } else {
            let _ =
                writeln!(std::io::stderr(), "squall: interrupted again; exiting without a clean shutdown");
            std::process::exit(i32::from(crate::exit::INTERRUPTED));
        }
    })
    .context("cannot install the Ctrl-C handler")?;
    Ok(rx)
}
