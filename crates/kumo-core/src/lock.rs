//! Cross-process single flight: an exclusive advisory lock on a file per org. The OS
//! releases it when the holder exits or dies, so a killed process never wedges others.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[error("cannot take the lock {path}: {source}; check that the directory is writable")]
pub struct LockError {
    path: PathBuf,
    source: std::io::Error,
}

/// Held while alive; dropping it releases the lock.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

impl FileLock {
    /// Blocks until this process holds the lock at `path` (created if missing).
    pub fn acquire(path: &Path) -> Result<Self, LockError> {
        let err = |source| LockError {
            path: path.to_owned(),
            source,
        };
        if let Some(dir) = path.parent() {
            crate::fsutil::private_dir(dir).map_err(err)?;
        }
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).write(true);
        // Never through a symlink another process put in the lock's place.
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options
                .mode(0o600)
                .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
        }
        let file = options.open(path).map_err(err)?;
        file.lock().map_err(err)?;
        Ok(Self { _file: file })
    }

    /// [`FileLock::acquire`] on a blocking thread, so the wait never holds a tokio worker.
    pub async fn acquire_async(path: PathBuf) -> Result<Self, LockError> {
        match tokio::task::spawn_blocking(move || Self::acquire(&path)).await {
            Ok(result) => result,
            Err(join) => std::panic::resume_unwind(join.into_panic()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn one_holder_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = Arc::new(dir.path().join("org.lock"));
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (path, inside, most) = (path.clone(), inside.clone(), most.clone());
                std::thread::spawn(move || {
                    let _lock = FileLock::acquire(&path).unwrap();
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    inside.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(most.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_lock_in_a_missing_directory_creates_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/org.lock");
        drop(FileLock::acquire(&path).unwrap());
        assert!(path.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_lock_is_private_and_never_taken_through_a_symlink() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kumo/org.lock");
        drop(FileLock::acquire(&path).unwrap());
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            (mode(&path), mode(&dir.path().join("kumo"))),
            (0o600, 0o700)
        );
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let planted = dir.path().join("kumo/other.lock");
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        assert!(FileLock::acquire(&planted).is_err());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    }
}
