//! The HTTP client for what is not an AWS API (the console federation endpoint, OpenID
//! Connect, Google and Azure APIs): one per process, so connections are reused; rustls;
//! a timeout so no call hangs a command; and no redirects, so a token or a secret goes
//! only to the URL it was meant for.

use std::sync::OnceLock;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::throttle::Backoff;

pub fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client with a timeout builds")
    })
}

/// Tries of one request while the service throttles (429) or fails (5xx).
const ATTEMPTS: u32 = 6;
/// The longest `Retry-After` honoured; a longer one is answered as a failure.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// Why a GET of a JSON API failed, in words a user can act on with the service named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GetError {
    #[error("the service cannot be reached")]
    Unreachable,
    #[error("HTTP {0}")]
    Status(u16),
    #[error("an answer that is not the expected JSON")]
    NotJson,
}

/// GETs `url` with a bearer token and parses the JSON answer, retrying 429 and 5xx with
/// jittered exponential backoff (or the server's `Retry-After`, when it gives one).
pub async fn get_json<T: DeserializeOwned>(
    url: &str,
    bearer: &str,
) -> Result<T, GetError> {
    let mut attempt = 0;
    loop {
        let response = client()
            .get(url)
            .bearer_auth(bearer)
            .send()
            .await
            .map_err(|_| GetError::Unreachable)?;
        let status = response.status();
        if status.is_success() {
            return response.json().await.map_err(|_| GetError::NotJson);
        }
        let retryable = status.as_u16() == 429 || status.is_server_error();
        if !retryable || attempt + 1 >= ATTEMPTS {
            return Err(GetError::Status(status.as_u16()));
        }
        let wait = retry_after(&response).unwrap_or_else(|| Backoff::DEFAULT.delay(attempt));
        if wait > MAX_RETRY_AFTER {
            return Err(GetError::Status(status.as_u16()));
        }
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}

fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let seconds: u64 = response
        .headers()
        .get("retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds))
}
