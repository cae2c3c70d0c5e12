//! The PID directory handed to a child in the handshake: fresh per task, removed afterwards.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// A directory of our own under the system's temporary directory; removed (with the PID file the
/// child wrote into it) when dropped.
#[derive(Debug)]
pub(crate) struct PidDir {
    path: PathBuf,
}

impl PidDir {
    /// Creates a fresh directory for `task`.
    ///
    /// # Errors
    /// [`Error::PidDir`] when it cannot be created.
    pub fn create(task: i32) -> Result<Self, Error> {
        let base = std::path::absolute(std::env::temp_dir()).unwrap_or_else(|_| std::env::temp_dir());
        let mut last = None;
        for _ in 0..16 {
            let path =
                base.join(format!("squall-pids-{}-{task}-{:016x}", std::process::id(), fastrand::u64(..)));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(Self { path }),
                Err(e) if e.kind() == ErrorKind::AlreadyExists => last = Some(e),
                Err(source) => return Err(Error::PidDir { path, source }),
            }
        }
        let source = last.unwrap_or_else(|| ErrorKind::AlreadyExists.into());
        Err(Error::PidDir { path: base, source })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for PidDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_fresh_absolute_and_removed_with_its_contents() {
        let a = PidDir::create(3).unwrap();
        let b = PidDir::create(3).unwrap();
        assert_ne!(a.path(), b.path());
        assert!(a.path().is_absolute() && a.path().is_dir());
        std::fs::write(a.path().join("4711"), b"").unwrap();
        let path = a.path().to_owned();
        drop(a);
        assert!(!path.exists());
    }
}
