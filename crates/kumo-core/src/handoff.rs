//! Hands the browser a URL that holds a secret (the AWS console's sign-in token) without
//! putting the secret in any process's argv, where `/proc/<pid>/cmdline` shows it for
//! the browser's whole life: the browser is given a one-shot
//! `http://127.0.0.1:<port>/<random>`, which answers its first request with a redirect
//! to the real URL and then stops listening. Stray requests get a 400 and the wait goes
//! on; nothing answers after the timeout.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use zeroize::Zeroizing;

use crate::loopback::random_token;

/// How long the browser has to ask for the page.
pub const TIMEOUT: Duration = Duration::from_secs(60);
/// Bigger request heads are not a browser's GET.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// How long one connection may take to say what it asks.
const READ_TIMEOUT: Duration = Duration::from_secs(2);
const BAD_REQUEST: &[u8] =
    b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
const FORBIDDEN: &[u8] =
    b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

#[derive(Debug, thiserror::Error)]
pub enum HandoffError {
    #[error("the browser did not open the console within {} seconds; run the command again", .0.as_secs())]
    Timeout(Duration),
    #[error("the local console hand-off failed: {0}")]
    Io(#[from] std::io::Error),
    #[error(
        "another user of this machine asked for the console's sign-in page; it was not given, and the console did not open: run the command again"
    )]
    OtherUser,
}

/// A one-shot redirect on 127.0.0.1, bound and waiting for its browser.
pub struct Handoff {
    listener: TcpListener,
    path: String,
    url: String,
}

impl Handoff {
    /// Binds 127.0.0.1 on a free port, at an unguessable path.
    pub async fn bind() -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = listener.local_addr()?.port();
        let path = format!("/{}", random_token());
        Ok(Self {
            url: format!("http://127.0.0.1:{port}{path}"),
            listener,
            path,
        })
    }

    /// What the browser is given: no secret in it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Answers the first GET of the path with a redirect to `target`, then stops
    /// listening.
    pub async fn redirect_once(
        self,
        target: Zeroizing<String>,
        timeout: Duration,
    ) -> Result<(), HandoffError> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let (mut stream, _) = tokio::time::timeout_at(deadline, self.listener.accept())
                .await
                .map_err(|_| HandoffError::Timeout(timeout))??;
            // A connection that says nothing does not hold up the browser's.
            let asked = tokio::time::timeout(READ_TIMEOUT, request_path(&mut stream))
                .await
                .ok()
                .and_then(Result::ok);
            if asked.as_deref() == Some(self.path.as_str()) {
                // Another user of this machine who read the path from the browser's
                // argv gets nothing, and nobody gets it after.
                if !from_this_user(&stream) {
                    let _ = stream.write_all(FORBIDDEN).await;
                    return Err(HandoffError::OtherUser);
                }
                let response = Zeroizing::new(format!(
                    "HTTP/1.1 303 See Other\r\nLocation: {}\r\nCache-Control: no-store\r\n\
                     Referrer-Policy: no-referrer\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    target.as_str()
                ));
                stream.write_all(response.as_bytes()).await?;
                let _ = stream.shutdown().await;
                return Ok(());
            }
            tracing::warn!("ignored a local request to the console hand-off");
            let _ = stream.write_all(BAD_REQUEST).await;
        }
    }
}

/// Whether the other end of a loopback connection is a socket of this user: on Linux,
/// its row in `/proc/net/tcp` names its owner. Elsewhere (no such table) the random
/// path is the only guard.
#[cfg(target_os = "linux")]
fn from_this_user(stream: &tokio::net::TcpStream) -> bool {
    let (Ok(peer), Ok(local)) = (stream.peer_addr(), stream.local_addr()) else {
        return false;
    };
    let me = rustix::process::getuid().as_raw();
    // The peer's socket: its local address is our peer, its remote ours.
    let row = |addr: std::net::SocketAddr| match addr {
        std::net::SocketAddr::V4(v4) => format!(
            "{:08X}:{:04X}",
            u32::from_ne_bytes(v4.ip().octets()),
            v4.port()
        ),
        std::net::SocketAddr::V6(_) => String::new(),
    };
    let (theirs, ours) = (row(peer), row(local));
    let Ok(table) = std::fs::read_to_string("/proc/net/tcp") else {
        return false;
    };
    table.lines().skip(1).any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        fields.len() > 7 && fields[1] == theirs && fields[2] == ours && fields[7] == me.to_string()
    })
}

#[cfg(not(target_os = "linux"))]
fn from_this_user(_stream: &tokio::net::TcpStream) -> bool {
    true
}

/// The path of a GET request's head.
async fn request_path(stream: &mut tokio::net::TcpStream) -> std::io::Result<String> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() <= MAX_HEAD_BYTES {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head);
    let mut parts = head.lines().next().unwrap_or_default().split(' ');
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(path)) => Ok(path.to_owned()),
        _ => Err(std::io::Error::other("not a GET")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loopback::raw_get as get;

    #[tokio::test]
    async fn the_first_request_of_the_path_is_redirected_and_then_nothing_listens() {
        let handoff = Handoff::bind().await.unwrap();
        let url = handoff.url().to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        let serving = tokio::spawn(handoff.redirect_once(
            Zeroizing::new("https://signin.example/federation?SigninToken=s3cret".into()),
            TIMEOUT,
        ));
        let stray = get(&url.replace(url::Url::parse(&url).unwrap().path(), "/guess")).await;
        assert!(stray.starts_with("HTTP/1.1 400 "), "{stray}");
        let answer = get(&url).await;
        assert!(answer.starts_with("HTTP/1.1 303 See Other\r\n"), "{answer}");
        assert!(
            answer
                .contains("\r\nLocation: https://signin.example/federation?SigninToken=s3cret\r\n")
        );
        serving.await.unwrap().unwrap();
        let port = url::Url::parse(&url).unwrap().port().unwrap();
        assert!(
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_err()
        );
    }

    /// Needs root, as CI runs the tests, to ask as another user; elsewhere it says so
    /// and checks only that this user's own request is served.
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn another_user_who_knows_the_path_gets_nothing_and_ends_the_hand_off() {
        let handoff = Handoff::bind().await.unwrap();
        let url = handoff.url().to_owned();
        let serving = tokio::spawn(handoff.redirect_once(
            Zeroizing::new("https://signin.example/?SigninToken=s3cret".into()),
            TIMEOUT,
        ));
        if !rustix::process::getuid().is_root() {
            eprintln!("not root: another user's request cannot be made here");
            assert!(get(&url).await.starts_with("HTTP/1.1 303 "));
            return;
        }
        let parsed = url::Url::parse(&url).unwrap();
        let script = format!(
            "exec 3<>/dev/tcp/127.0.0.1/{}; printf 'GET {} HTTP/1.1\\r\\n\\r\\n' >&3; cat <&3",
            parsed.port().unwrap(),
            parsed.path()
        );
        let answer = tokio::task::spawn_blocking(move || {
            use std::os::unix::process::CommandExt;
            std::process::Command::new("bash")
                .args(["-c", &script])
                .uid(65534)
                .gid(65534)
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        let answer = String::from_utf8_lossy(&answer.stdout);
        assert!(answer.starts_with("HTTP/1.1 403 "), "{answer}");
        assert!(!answer.contains("s3cret"));
        assert!(matches!(
            serving.await.unwrap(),
            Err(HandoffError::OtherUser)
        ));
    }

    #[tokio::test]
    async fn a_browser_that_never_comes_is_a_timeout() {
        let handoff = Handoff::bind().await.unwrap();
        let outcome = handoff
            .redirect_once(
                Zeroizing::new("https://x.test/".into()),
                Duration::from_millis(50),
            )
            .await;
        assert!(matches!(outcome, Err(HandoffError::Timeout(_))));
    }
}
