//! One instance per person: the first binds a socket in the per-user runtime dir; a
//! later launch finds it, asks the first to show its window, and exits.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;

/// The first instance's listener, or `None` when another instance took the request.
pub fn claim(socket: &Path) -> std::io::Result<Option<UnixListener>> {
    if let Ok(mut other) = UnixStream::connect(socket) {
        other.write_all(b"show\n")?;
        return Ok(None);
    }
    // Nobody answers: a socket left by an instance that died.
    let _ = std::fs::remove_file(socket);
    if let Some(dir) = socket.parent() {
        std::fs::create_dir_all(dir)?;
    }
    UnixListener::bind(socket).map(Some)
}

/// Calls `show` for every later launch, on a thread of its own.
pub fn serve(listener: UnixListener, show: impl Fn() + Send + 'static) {
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut line = String::new();
            if BufReader::new(stream).read_line(&mut line).is_ok() && line.trim() == "show" {
                show();
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_claim_defers_to_the_first_and_asks_it_to_show() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("app.sock");
        let first = claim(&socket).unwrap().expect("the first claim wins");
        let (tx, rx) = std::sync::mpsc::channel();
        serve(first, move || tx.send(()).unwrap());
        assert!(claim(&socket).unwrap().is_none());
        rx.recv_timeout(std::time::Duration::from_secs(5))
            .expect("the first instance was asked to show");
    }

    #[test]
    fn a_stale_socket_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("app.sock");
        drop(UnixListener::bind(&socket).unwrap());
        assert!(claim(&socket).unwrap().is_some());
    }
}
