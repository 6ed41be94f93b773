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
    response.json().await.map_err(|_| GetError::NotJson)
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
