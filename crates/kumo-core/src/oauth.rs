//! OAuth 2.0 for every browser sign-in. One authorization helper for the identity, each
//! Identity Center org and each Entra tenant: PKCE, an unguessable `state`, and the
//! loopback redirect listener (bound before the browser opens). For the identity and
//! Entra, the `oauth2` crate's client makes the code exchange and the refresh; Identity
//! Center's token calls go through the AWS SDK.

use std::time::Duration;

use oauth2::basic::{BasicErrorResponse, BasicTokenType};
use oauth2::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, DeviceAuthorizationUrl, EndpointNotSet,
    EndpointSet, ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken,
    RequestTokenError, Scope, StandardDeviceAuthorizationResponse, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::browser::Browser;
use crate::feedback::Feedback;
use crate::loopback::{Loopback, LoopbackError, random_token};

/// How long a person has to finish a browser sign-in.
pub const BROWSER_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// A browser authorization in progress: the listener is bound and the PKCE pair and
/// `state` are drawn.
pub struct BrowserAuthorization {
    loopback: Loopback,
    state: String,
    challenge: PkceCodeChallenge,
    verifier: PkceCodeVerifier,
}

/// The browser's answer: the code, and what its exchange must repeat.
pub struct Authorized {
    pub code: String,
    pub redirect_uri: String,
    pub verifier: PkceCodeVerifier,
}

impl BrowserAuthorization {
    /// Binds the loopback listener, so the redirect cannot arrive to nobody.
    pub async fn start() -> Result<Self, LoopbackError> {
        let loopback = Loopback::bind().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        Ok(Self {
            loopback,
            state: random_token(),
            challenge,
            verifier,
        })
    }

    /// `endpoint` asked for a code with PKCE (`response_type`, `client_id`,
    /// `redirect_uri`, `state`, the S256 challenge), then the flow's own `extra`.
    pub fn url(&self, mut endpoint: Url, client_id: &str, extra: &[(&str, &str)]) -> Url {
        endpoint
            .query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", self.loopback.redirect_uri())
            .append_pair("state", &self.state)
            .append_pair("code_challenge", self.challenge.as_str())
            .append_pair("code_challenge_method", "S256")
            .extend_pairs(extra);
        endpoint
    }

    /// Waits for the redirect with this sign-in's `state`; stray local requests are
    /// answered 400 and do not end the wait.
    pub async fn finish(self, timeout: Duration) -> Result<Authorized, LoopbackError> {
        let redirect_uri = self.loopback.redirect_uri().to_owned();
        let code = self.loopback.receive_code(&self.state, timeout).await?;
        Ok(Authorized {
            code,
            redirect_uri,
            verifier: self.verifier,
        })
    }
}

/// The person's side of an authorization: their browser, and where Kumo talks to them.
pub struct Person<'a> {
    /// Open the browser, rather than only print the URL.
    pub open_browser: bool,
    pub browser: &'a dyn Browser,
    pub feedback: &'a dyn Feedback,
}

impl Person<'_> {
    /// Shows the device flow's code and its page, opening the page when the person may
    /// use a browser here (the code is confirmed there, in any browser, on any device).
    pub fn show_code(&self, page: &str, user_code: &str, what: &str) {
        self.feedback
            .say(&format!("To {what}, confirm the code {user_code} at:"));
        if self.open_browser && self.browser.open(page).is_ok() {
            self.feedback
                .say(&format!("  {page} (opened in the browser)"));
        } else {
            self.feedback.say(&format!("  {page}"));
        }
    }

    /// Opens `url` for the person to `what` ("sign in", …), or prints it when the
    /// browser is not to be opened or cannot be.
    pub fn show(&self, url: &str, what: &str) {
        let feedback = self.feedback;
        if !self.open_browser {
            feedback.say(&format!("Open this URL to {what}:\n  {url}"));
            return;
        }
        match self.browser.open(url) {
            Ok(()) => feedback.say(&format!(
                "Opened the browser to {what}. If it did not open, visit:\n  {url}"
            )),
            Err(e) => feedback.say(&format!("{e}\nOpen this URL to {what}:\n  {url}")),
        }
    }
}

/// Why a token request brought no token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token endpoint cannot be reached")]
    Unreachable,
    #[error("an answer that is not a token")]
    NotAToken,
    /// The OAuth `error` code of a refusal (`invalid_grant`, …).
    #[error("{0}")]
    Refused(String),
    /// An OAuth error answer that is no verdict on the grant (`server_error`,
    /// `temporarily_unavailable`, a throttle): try again later.
    #[error("{0}")]
    Unavailable(String),
    /// The device flow named a verification page Kumo will not open or show.
    #[error("the verification page is refused: {0}")]
    UnsafePage(String),
}

/// The OpenID Connect ID token, when the token endpoint sends one.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdTokenField {
    pub id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenField {}

type Answer = StandardTokenResponse<IdTokenField, BasicTokenType>;

type Client = oauth2::Client<
    BasicErrorResponse,
    Answer,
    oauth2::basic::BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    oauth2::basic::BasicRevocationErrorResponse,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// A token endpoint's answer.
pub struct Tokens {
    pub access_token: String,
    /// Seconds the access token lives, when the endpoint says.
    pub expires_in: Option<i64>,
    pub refresh_token: Option<String>,
    pub id_token: Option<String>,
}

/// An OAuth client of one token endpoint. The client authenticates in the request body
/// (as Google and Entra's public clients expect); `scope` is sent with every request
/// when given (Entra's v2 endpoint needs it).
pub struct TokenClient {
    client: Client,
    scope: Option<String>,
}

impl TokenClient {
    pub fn new(
        token_endpoint: &str,
        client_id: &str,
        client_secret: Option<&str>,
        scope: Option<&str>,
    ) -> Result<Self, TokenError> {
        let token_url =
            TokenUrl::new(token_endpoint.to_owned()).map_err(|_| TokenError::Unreachable)?;
        let mut client = oauth2::Client::new(ClientId::new(client_id.to_owned()))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(token_url);
        if let Some(secret) = client_secret {
            client = client.set_client_secret(ClientSecret::new(secret.to_owned()));
        }
        Ok(Self {
            client,
            scope: scope.map(str::to_owned),
        })
    }

    /// Exchanges the browser's code for tokens.
    pub async fn exchange(&self, authorized: Authorized) -> Result<Tokens, TokenError> {
        let redirect =
            RedirectUrl::new(authorized.redirect_uri).map_err(|_| TokenError::Unreachable)?;
        let mut request = self
            .client
            .exchange_code(AuthorizationCode::new(authorized.code))
            .set_redirect_uri(std::borrow::Cow::Owned(redirect))
            .set_pkce_verifier(authorized.verifier);
        if let Some(scope) = &self.scope {
            request = request.add_extra_param("scope", scope.clone());
        }
        tokens(request.request_async(crate::http::client()).await)
    }

    /// Signs in by the device flow (RFC 8628) at `device_endpoint`: the code is shown to
    /// the person (the verification page opened when they may use a browser here), and
    /// the token endpoint is polled at the interval the server asks, slowing down when it
    /// says so, until the code is approved, refused or expires.
    pub async fn device(
        &self,
        device_endpoint: &str,
        scopes: &[&str],
        person: &Person<'_>,
        what: &str,
    ) -> Result<Tokens, TokenError> {
        let url = DeviceAuthorizationUrl::new(device_endpoint.to_owned())
            .map_err(|_| TokenError::Unreachable)?;
        let client = self.client.clone().set_device_authorization_url(url);
        let details: StandardDeviceAuthorizationResponse = client
            .exchange_device_code()
            .add_scopes(scopes.iter().map(|s| Scope::new((*s).to_owned())))
            .request_async(crate::http::client())
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(refusal) => {
                    TokenError::Refused(refusal.error().to_string())
                }
                RequestTokenError::Request(_) => TokenError::Unreachable,
                _ => TokenError::NotAToken,
            })?;
        let user_code = details.user_code().secret();
        let page = details.verification_uri_complete().map_or_else(
            || details.verification_uri().to_string(),
            |c| c.secret().clone(),
        );
        // The server chose this page: only an https one (http to this machine) is shown.
        let page = crate::untrusted::server_url(&page).map_err(TokenError::UnsafePage)?;
        person.show_code(page.as_str(), user_code, what);
        let mut poll = client.exchange_device_access_token(&details);
        if let Some(scope) = &self.scope {
            poll = poll.add_extra_param("scope", scope.clone());
        }
        let answer = poll
            .request_async(crate::http::client(), tokio::time::sleep, None)
            .await;
        match answer {
            Ok(answer) => Ok(tokens_of(&answer)),
            Err(RequestTokenError::ServerResponse(refusal)) => {
                Err(TokenError::Refused(refusal.error().to_string()))
            }
            Err(RequestTokenError::Request(_)) => Err(TokenError::Unreachable),
            Err(_) => Err(TokenError::NotAToken),
        }
    }

    /// Renews the access token with a refresh token.
    pub async fn refresh(&self, refresh_token: &str) -> Result<Tokens, TokenError> {
        let refresh_token = RefreshToken::new(refresh_token.to_owned());
        let mut request = self.client.exchange_refresh_token(&refresh_token);
        if let Some(scope) = &self.scope {
            request = request.add_extra_param("scope", scope.clone());
        }
        tokens(request.request_async(crate::http::client()).await)
    }
}

/// Revokes a refresh token at an RFC 7009 endpoint, the client authenticating in the
/// body as for its token requests. By hand rather than through the oauth2 crate, which
/// refuses any revocation URL but https, and the loopback stand-ins are http.
pub async fn revoke(
    endpoint: &str,
    client_id: &str,
    client_secret: Option<&str>,
    refresh_token: &str,
) -> Result<(), TokenError> {
    let mut form = vec![
        ("token", refresh_token),
        ("token_type_hint", "refresh_token"),
        ("client_id", client_id),
    ];
    if let Some(secret) = client_secret {
        form.push(("client_secret", secret));
    }
    let response = crate::http::client()
        .post(endpoint)
        .form(&form)
        .send()
        .await
        .map_err(|_| TokenError::Unreachable)?;
    match response.status() {
        status if status.is_success() => Ok(()),
        status => Err(TokenError::Refused(format!("HTTP {}", status.as_u16()))),
    }
}

/// One part of a JWT (0: the header, 1: the claims) as JSON, decoded and not verified:
/// for what may be read before, or without, a signature check.
pub fn jwt_segment(token: &str, index: usize) -> Option<serde_json::Value> {
    use base64::Engine;
    let part = token.split('.').nth(index)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A token endpoint's answer as Kumo takes it, for the fuzz target: the tokens, or
/// `None` when the body is not a token answer.
pub fn token_answer(body: &[u8]) -> Option<Tokens> {
    serde_json::from_slice::<Answer>(body)
        .ok()
        .map(|answer| tokens_of(&answer))
}

/// The longest access-token lifetime believed, in seconds.
pub const MAX_EXPIRES_IN: i64 = 24 * 3600;

fn tokens_of(answer: &Answer) -> Tokens {
    Tokens {
        access_token: answer.access_token().secret().clone(),
        // No access token lives longer than a day; a server saying otherwise is not
        // believed, and no time arithmetic overflows on what it said.
        expires_in: answer.expires_in().map(|d| {
            i64::try_from(d.as_secs())
                .unwrap_or(i64::MAX)
                .min(MAX_EXPIRES_IN)
        }),
        refresh_token: answer.refresh_token().map(|t| t.secret().clone()),
        id_token: answer.extra_fields().id_token.clone(),
    }
}

fn tokens<E: std::error::Error>(
    answer: Result<Answer, RequestTokenError<E, BasicErrorResponse>>,
) -> Result<Tokens, TokenError> {
    match answer {
        Ok(answer) => Ok(tokens_of(&answer)),
        Err(RequestTokenError::ServerResponse(answer)) => Err(error_answer(answer.error())),
        Err(RequestTokenError::Request(_)) => Err(TokenError::Unreachable),
        Err(RequestTokenError::Parse(..) | RequestTokenError::Other(_)) => {
            Err(TokenError::NotAToken)
        }
    }
}

/// An OAuth error answer: a refusal of the grant or the client (the session is over),
/// or anything else (a server error in JSON, a throttle), which says nothing of it.
fn error_answer(code: &oauth2::basic::BasicErrorResponseType) -> TokenError {
    use oauth2::basic::BasicErrorResponseType as Code;
    match code {
        Code::InvalidGrant | Code::InvalidClient | Code::UnauthorizedClient => {
            TokenError::Refused(code.to_string())
        }
        Code::Extension(other) if other == "interaction_required" => {
            TokenError::Refused(code.to_string())
        }
        _ => TokenError::Unavailable(code.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth2::basic::BasicErrorResponseType;

    #[tokio::test]
    async fn the_authorization_url_asks_for_a_code_with_pkce_state_and_the_flows_own_parameters() {
        let authorization = BrowserAuthorization::start().await.unwrap();
        let endpoint = Url::parse("https://issuer.example/authorize?tenant=1").unwrap();
        let url = authorization.url(endpoint, "client-1", &[("scope", "openid")]);
        let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let keys: Vec<&str> = query.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "tenant",
                "response_type",
                "client_id",
                "redirect_uri",
                "state",
                "code_challenge",
                "code_challenge_method",
                "scope"
            ]
        );
        let value = |k: &str| query.iter().find(|(key, _)| key == k).unwrap().1.clone();
        assert_eq!(value("code_challenge_method"), "S256");
        assert_eq!(value("state"), authorization.state);
        assert!(value("redirect_uri").starts_with("http://127.0.0.1:"));
    }

    #[test]
    fn a_refusal_keeps_its_oauth_error_code() {
        let refusal: Result<Answer, RequestTokenError<std::io::Error, BasicErrorResponse>> =
            Err(RequestTokenError::ServerResponse(BasicErrorResponse::new(
                BasicErrorResponseType::InvalidGrant,
                None,
                None,
            )));
        assert_eq!(
            tokens(refusal).err(),
            Some(TokenError::Refused("invalid_grant".into()))
        );
    }

    #[test]
    fn a_server_error_in_json_is_no_verdict_on_the_grant() {
        let outage: Result<Answer, RequestTokenError<std::io::Error, BasicErrorResponse>> =
            Err(RequestTokenError::ServerResponse(BasicErrorResponse::new(
                BasicErrorResponseType::Extension("temporarily_unavailable".into()),
                None,
                None,
            )));
        assert_eq!(
            tokens(outage).err(),
            Some(TokenError::Unavailable("temporarily_unavailable".into()))
        );
    }

    #[test]
    fn an_answer_that_is_not_a_token_says_so() {
        let garbage: Result<Answer, RequestTokenError<std::io::Error, BasicErrorResponse>> =
            Err(RequestTokenError::Other("not JSON".into()));
        assert_eq!(tokens(garbage).err(), Some(TokenError::NotAToken));
    }
}
