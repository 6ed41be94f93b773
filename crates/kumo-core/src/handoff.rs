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

#[derive(Debug, thiserror::Error)]
pub enum HandoffError {
    #[error("the browser did not open the console within {} seconds; run the command again", .0.as_secs())]
    Timeout(Duration),
    #[error("the local console hand-off failed: {0}")]
    Io(#[from] std::io::Error),
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
            let asked = tokio::time::timeout_at(deadline, request_path(&mut stream))
                .await
                .ok()
                .and_then(Result::ok);
            if asked.as_deref() == Some(self.path.as_str()) {
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
            let _ = stream
                .write_all(
                    b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                )
                .await;
        }
    }
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
