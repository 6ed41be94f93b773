//! The loopback redirect listener of a browser sign-in (RFC 8252): bound to 127.0.0.1
//! on a free port before the browser opens, it answers stray requests 400 and keeps
//! waiting until the redirect with the sign-in's `state` arrives, answers the browser
//! with a page, and gives up after a timeout.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

pub const CALLBACK_PATH: &str = "/oauth/callback";
/// Bigger request heads are not a browser redirect; refuse rather than buffer them.
const MAX_HEAD_BYTES: usize = 16 * 1024;
const READ_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum LoopbackError {
    #[error("no answer from the browser sign-in within {} minutes; run the command again", .0.as_secs() / 60)]
    Timeout(Duration),
    #[error("the browser answered for a different sign-in (state mismatch); run the command again")]
    StateMismatch,
    #[error("the sign-in was refused in the browser ({0})")]
    Refused(String),
    #[error("the browser's redirect was not understood ({0}); run the command again")]
    Malformed(String),
    #[error("the local sign-in listener failed: {0}")]
    Io(#[from] std::io::Error),
}

/// An unguessable value for a sign-in's `state` or `nonce`: 32 random bytes, base64url.
pub fn random_token() -> String {
    let raw: [u8; 32] = rand::random();
    base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, raw)
}

pub struct Loopback {
    listener: TcpListener,
    redirect_uri: String,
}

impl Loopback {
    /// Binds 127.0.0.1 on a free port: never another interface.
    pub async fn bind() -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = listener.local_addr()?.port();
        Ok(Self {
            listener,
            redirect_uri: format!("http://127.0.0.1:{port}{CALLBACK_PATH}"),
        })
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits for the browser's redirect with `state`, and returns the authorization code
    /// it carries. Any other local request (a stray connection, a wrong `state`, a
    /// malformed one) gets a 400 and the wait goes on, so it cannot end the sign-in; only
    /// the matching redirect or the timeout does.
    pub async fn receive_code(
        self,
        state: &str,
        timeout: Duration,
    ) -> Result<String, LoopbackError> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let (mut stream, _) = tokio::time::timeout_at(deadline, self.listener.accept())
                .await
                .map_err(|_| LoopbackError::Timeout(timeout))??;
            let outcome = match tokio::time::timeout(READ_TIMEOUT, read_target(&mut stream)).await {
                Ok(Ok(target)) => parse_callback(&target, state),
                Ok(Err(e)) => Err(e),
                Err(_) => Err(LoopbackError::Malformed(
                    "the request did not arrive".into(),
                )),
            };
            let (status, title, message) = match &outcome {
                Ok(_) => (
                    "200 OK",
                    "Signed in",
                    "Kumo is signed in. You can close this tab.",
                ),
                Err(LoopbackError::Refused(_)) => (
                    "200 OK",
                    "Sign-in refused",
                    "The sign-in was refused. Return to Kumo to try again.",
                ),
                Err(_) => (
                    "400 Bad Request",
                    "Sign-in failed",
                    "This sign-in answer was not expected. Return to Kumo and try again.",
                ),
            };
            // The browser's page is a courtesy; the outcome stands even if it cannot be sent.
            let _ = respond(&mut stream, status, title, message).await;
            match outcome {
                Ok(code) => return Ok(code),
                Err(refused @ LoopbackError::Refused(_)) => return Err(refused),
                Err(stray) => {
                    tracing::warn!("ignored a local request to the sign-in listener: {stray}")
                }
            }
        }
    }
}

/// Reads the request head and returns the request target of a GET.
async fn read_target(stream: &mut TcpStream) -> Result<String, LoopbackError> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
        if head.len() > MAX_HEAD_BYTES {
            return Err(LoopbackError::Malformed("request too large".into()));
        }
    }
    let head = String::from_utf8_lossy(&head);
    let line = head.lines().next().unwrap_or_default();
    let mut parts = line.split(' ');
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) => Ok(target.to_owned()),
        _ => Err(LoopbackError::Malformed("not a GET request".into())),
    }
}

fn parse_callback(target: &str, expected_state: &str) -> Result<String, LoopbackError> {
    let url = Url::parse(&format!("http://127.0.0.1{target}"))
        .map_err(|e| LoopbackError::Malformed(e.to_string()))?;
    if url.path() != CALLBACK_PATH {
        return Err(LoopbackError::Malformed(format!(
            "unexpected path {}",
            url.path()
        )));
    }
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    if param("state").as_deref() != Some(expected_state) {
        return Err(LoopbackError::StateMismatch);
    }
    if let Some(error) = param("error") {
        return Err(LoopbackError::Refused(error));
    }
    param("code")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| LoopbackError::Malformed("no code in the redirect".into()))
}

async fn respond(
    stream: &mut TcpStream,
    status: &str,
    title: &str,
    message: &str,
) -> std::io::Result<()> {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Kumo: {title}</title></head>\
         <body style=\"font-family:system-ui,sans-serif;margin:3rem\"><h1>{title}</h1><p>{message}</p></body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// A GET of `uri` on this machine as a browser sends it, and the whole raw answer: what
/// the tests of the local listeners ask them.
#[cfg(test)]
pub(crate) async fn raw_get(uri: &str) -> String {
    let url = Url::parse(uri).unwrap();
    let mut stream = TcpStream::connect(("127.0.0.1", url.port().unwrap()))
        .await
        .unwrap();
    let target = &uri[url[..url::Position::BeforePath].len()..];
    stream
        .write_all(format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}

#[cfg(test)]
mod tests {
    use super::raw_get as get;
    use super::*;

    #[tokio::test]
    async fn the_listener_binds_loopback_only() {
        let loopback = Loopback::bind().await.unwrap();
        assert!(loopback.listener.local_addr().unwrap().ip().is_loopback());
        assert!(loopback.redirect_uri().starts_with("http://127.0.0.1:"));
        assert!(loopback.redirect_uri().ends_with("/oauth/callback"));
    }

    #[tokio::test]
    async fn a_redirect_with_the_right_state_yields_the_code() {
        let loopback = Loopback::bind().await.unwrap();
        let uri = format!("{}?code=abc&state=s1", loopback.redirect_uri());
        let browser = tokio::spawn(async move { get(&uri).await });
        let code = loopback
            .receive_code("s1", Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(code, "abc");
        assert!(browser.await.unwrap().starts_with("HTTP/1.1 200 OK"));
    }

    #[tokio::test]
    async fn a_stray_request_gets_a_400_and_the_sign_in_goes_on() {
        let loopback = Loopback::bind().await.unwrap();
        let base = loopback.redirect_uri().to_owned();
        let browser = tokio::spawn(async move {
            let wrong_state = get(&format!("{base}?code=evil&state=other")).await;
            let wrong_path = get(&base.replace("/oauth/callback", "/favicon.ico")).await;
            let right = get(&format!("{base}?code=abc&state=s1")).await;
            (wrong_state, wrong_path, right)
        });
        let code = loopback
            .receive_code("s1", Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(code, "abc");
        let (wrong_state, wrong_path, right) = browser.await.unwrap();
        assert!(wrong_state.starts_with("HTTP/1.1 400"), "{wrong_state}");
        assert!(wrong_path.starts_with("HTTP/1.1 400"), "{wrong_path}");
        assert!(right.starts_with("HTTP/1.1 200 OK"), "{right}");
    }

    #[tokio::test(start_paused = true)]
    async fn only_stray_requests_end_in_the_timeout() {
        let loopback = Loopback::bind().await.unwrap();
        let uri = format!("{}?code=abc&state=other", loopback.redirect_uri());
        tokio::spawn(async move { get(&uri).await });
        let err = loopback
            .receive_code("s1", Duration::from_secs(60))
            .await
            .unwrap_err();
        assert!(matches!(err, LoopbackError::Timeout(_)), "{err}");
    }

    #[tokio::test]
    async fn an_error_redirect_is_a_refusal() {
        let loopback = Loopback::bind().await.unwrap();
        let uri = format!("{}?error=access_denied&state=s1", loopback.redirect_uri());
        tokio::spawn(async move { get(&uri).await });
        let err = loopback
            .receive_code("s1", Duration::from_secs(5))
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the sign-in was refused in the browser (access_denied)"
        );
    }

    #[tokio::test]
    async fn only_one_request_is_taken() {
        let loopback = Loopback::bind().await.unwrap();
        let uri = format!("{}?code=abc&state=s1", loopback.redirect_uri());
        let first = uri.clone();
        tokio::spawn(async move { get(&first).await });
        loopback
            .receive_code("s1", Duration::from_secs(5))
            .await
            .unwrap();
        let port = Url::parse(&uri).unwrap().port().unwrap();
        assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn nobody_coming_back_times_out() {
        let loopback = Loopback::bind().await.unwrap();
        let err = loopback
            .receive_code("s1", Duration::from_secs(300))
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "no answer from the browser sign-in within 5 minutes; run the command again"
        );
    }
}
