//! The loopback endpoint of `kumo exec --server`, in the container-credentials format
//! the AWS SDKs and CLI read (`AWS_CONTAINER_CREDENTIALS_FULL_URI`): the child asks it
//! for credentials whenever its own are near their end, so a run longer than any one
//! set of credentials never holds an expired one. It binds 127.0.0.1 only, answers only
//! requests bearing its random token (`AWS_CONTAINER_AUTHORIZATION_TOKEN`) on its random
//! path, and stops with the child.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use zeroize::Zeroizing;

use crate::aws::session::RoleCredentials;
use crate::loopback::random_token;

/// The document an SDK expects from the endpoint.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Document<'a> {
    access_key_id: &'a str,
    secret_access_key: &'a str,
    token: &'a str,
    /// RFC 3339, UTC.
    expiration: String,
}

/// A bound endpoint, not yet serving.
pub struct CredentialServer {
    listener: TcpListener,
    uri: String,
    token: Zeroizing<String>,
}

impl std::fmt::Debug for CredentialServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialServer")
            .field("uri", &self.uri)
            .finish_non_exhaustive()
    }
}

impl CredentialServer {
    /// Binds 127.0.0.1 on a free port, never another interface.
    pub async fn bind() -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = listener.local_addr()?.port();
        Ok(Self {
            listener,
            uri: format!("http://127.0.0.1:{port}/{}", random_token()),
            token: Zeroizing::new(random_token()),
        })
    }

    /// For `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// For `AWS_CONTAINER_AUTHORIZATION_TOKEN`. Secret.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Serves credentials until `stop` completes, asking `requests` for them on each
    /// authorized request: whoever holds the other end fetches them (the access layer,
    /// through the guard and the record), so the server itself holds no state but its
    /// token.
    pub async fn serve(
        self,
        requests: mpsc::Sender<Wanted>,
        stop: impl Future<Output = ()> + Send + 'static,
    ) {
        let path = self.uri[self.uri.rfind('/').unwrap_or_default()..].to_owned();
        let served = Arc::new(Served {
            token: self.token,
            requests,
        });
        let router = Router::new()
            .route(&path, get(answer))
            .fallback(|| async { StatusCode::NOT_FOUND })
            .with_state(served);
        if let Err(e) = axum::serve(self.listener, router)
            .with_graceful_shutdown(stop)
            .await
        {
            tracing::warn!("the credential endpoint stopped: {e}");
        }
    }
}

/// One authorized request's wish for credentials, with where to send them (or why there
/// are none).
pub type Wanted = oneshot::Sender<Result<RoleCredentials, String>>;

struct Served {
    token: Zeroizing<String>,
    requests: mpsc::Sender<Wanted>,
}

async fn answer(State(served): State<Arc<Served>>, headers: HeaderMap) -> Response {
    let presented = headers
        .get(header::AUTHORIZATION)
        .map(|value| value.as_bytes())
        .unwrap_or_default();
    if !constant_time_eq(presented, served.token.as_bytes()) {
        tracing::warn!("refused a request to the credential endpoint without its token");
        return (
            StatusCode::UNAUTHORIZED,
            "a valid authorization token is required",
        )
            .into_response();
    }
    let (reply, answered) = oneshot::channel();
    let fetched = match served.requests.send(reply).await {
        Ok(()) => answered
            .await
            .unwrap_or_else(|_| Err("Kumo is stopping".to_owned())),
        Err(_) => Err("Kumo is stopping".to_owned()),
    };
    match fetched {
        Ok(credentials) => {
            let document = Document {
                access_key_id: &credentials.access_key_id,
                secret_access_key: &credentials.secret_access_key,
                token: &credentials.session_token,
                expiration: crate::access::rfc3339(credentials.expires_at),
            };
            let body = Zeroizing::new(serde_json::to_string(&document).unwrap_or_default());
            (
                [
                    (header::CONTENT_TYPE, "application/json"),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                body.as_str().to_owned(),
            )
                .into_response()
        }
        Err(message) => {
            tracing::warn!("the credential endpoint has no credentials to give: {message}");
            (StatusCode::SERVICE_UNAVAILABLE, message).into_response()
        }
    }
}

/// Compares in time independent of where the inputs differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials() -> RoleCredentials {
        RoleCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "secret".into(),
            session_token: "session".into(),
            expires_at: 1_800_000_000,
        }
    }

    async fn serving() -> (String, String, tokio::sync::oneshot::Sender<()>) {
        let server = CredentialServer::bind().await.unwrap();
        let (uri, token) = (server.uri().to_owned(), server.token().to_owned());
        let (stop, stopped) = oneshot::channel::<()>();
        let (requests, mut wanted) = mpsc::channel::<Wanted>(1);
        tokio::spawn(async move {
            while let Some(reply) = wanted.recv().await {
                let _ = reply.send(Ok(credentials()));
            }
        });
        tokio::spawn(server.serve(requests, async move {
            let _ = stopped.await;
        }));
        (uri, token, stop)
    }

    async fn get(uri: &str, token: Option<&str>) -> (u16, String) {
        let mut request = reqwest::Client::new().get(uri);
        if let Some(token) = token {
            request = request.header("Authorization", token);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    #[tokio::test]
    async fn the_endpoint_is_on_loopback_with_a_random_path() {
        let (uri, _, _stop) = serving().await;
        let url = url::Url::parse(&uri).unwrap();
        assert_eq!(url.host_str(), Some("127.0.0.1"));
        assert_eq!(url.path().len(), 1 + 43);
    }

    #[tokio::test]
    async fn a_request_with_the_token_gets_the_container_credentials_document() {
        let (uri, token, _stop) = serving().await;
        let (status, body) = get(&uri, Some(&token)).await;
        assert_eq!(status, 200);
        assert_eq!(
            body,
            r#"{"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"secret","Token":"session","Expiration":"2027-01-15T08:00:00Z"}"#
        );
    }

    #[tokio::test]
    async fn a_request_without_the_token_or_with_another_is_refused() {
        let (uri, _, _stop) = serving().await;
        assert_eq!(get(&uri, None).await.0, 401);
        assert_eq!(get(&uri, Some("guess")).await.0, 401);
    }

    #[tokio::test]
    async fn another_path_is_not_found_even_with_the_token() {
        let (uri, token, _stop) = serving().await;
        let elsewhere = format!("{}/other", &uri[..uri.rfind('/').unwrap()]);
        assert_eq!(get(&elsewhere, Some(&token)).await.0, 404);
    }

    #[tokio::test]
    async fn the_endpoint_stops_listening_when_told() {
        let (uri, token, stop) = serving().await;
        stop.send(()).unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert!(
            reqwest::Client::new()
                .get(&uri)
                .header("Authorization", token)
                .send()
                .await
                .is_err()
        );
    }
}
