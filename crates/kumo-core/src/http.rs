//! The HTTP client for what is not an AWS API (the console federation endpoint, OpenID
//! Connect, Google and Azure APIs): one per process, so connections are reused; rustls;
//! a timeout so no call hangs a command; and no redirects, so a token or a secret goes
//! only to the URL it was meant for.

use std::sync::OnceLock;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::retry::{Retry, Verdict};

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

/// Why a GET of a JSON API failed, in words a user can act on with the service named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GetError {
    #[error("the service cannot be reached")]
    Unreachable,
    #[error("HTTP {0}")]
    Status(u16),
    #[error("an answer that is not the expected JSON")]
    NotJson,
    #[error("an answer larger than 16 MiB, which no listing page is")]
    TooLarge,
}

/// No answer Kumo reads is larger: a listing page, a discovery document or a key set is
/// a few kilobytes; a server that sends more is not read into memory.
pub const MAX_BODY: usize = 16 * 1024 * 1024;

/// The answer's body, read up to [`MAX_BODY`]: [`GetError::TooLarge`] past it,
/// [`GetError::Unreachable`] when the connection failed midway.
pub async fn capped_body(mut response: reqwest::Response) -> Result<Vec<u8>, GetError> {
    if response
        .content_length()
        .is_some_and(|length| length > MAX_BODY as u64)
    {
        return Err(GetError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|_| GetError::Unreachable)? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(GetError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// GETs `url` with a bearer token and parses the JSON answer, retrying 429 and 5xx
/// under the one retry policy (the server's `Retry-After` honoured).
pub async fn get_json<T: DeserializeOwned>(url: &str, bearer: &str) -> Result<T, GetError> {
    let response = Retry::STANDARD
        .run(None, judge, || async {
            let response = client()
                .get(url)
                .bearer_auth(bearer)
                .send()
                .await
                .map_err(|_| (GetError::Unreachable, None))?;
            let status = response.status();
            if status.is_success() {
                Ok(response)
            } else {
                Err((GetError::Status(status.as_u16()), retry_after(&response)))
            }
        })
        .await
        .map_err(|(error, _)| error)?;
    let body = capped_body(response).await?;
    serde_json::from_slice(&body).map_err(|_| GetError::NotJson)
}

/// A failed GET, with the server's `Retry-After`.
fn judge((error, retry_after): &(GetError, Option<Duration>)) -> Verdict {
    match error {
        GetError::Status(status) if *status == 429 || *status >= 500 => Verdict::Throttled {
            retry_after: *retry_after,
        },
        _ => Verdict::Fatal,
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
