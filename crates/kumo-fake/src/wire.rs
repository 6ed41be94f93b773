//! How each service shapes its answers and errors on the wire.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// Which service answers, since each phrases errors its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// IAM Identity Center OIDC: restJson1, body `{"error","error_description"}`.
    Oidc,
    /// The access portal: restJson1, body `{"message"}`.
    Portal,
    /// STS: awsQuery, an XML `ErrorResponse`.
    Sts,
    /// Browser-facing pages (authorize, device verification, federation): plain text.
    Page,
}

/// An error as an AWS service sends it.
#[derive(Debug, Clone)]
pub struct AwsError {
    pub protocol: Protocol,
    pub status: StatusCode,
    /// The error shape, sent in `x-amzn-ErrorType` (and as the STS `Code`).
    pub shape: String,
    /// The OAuth error code the OIDC service puts in its `error` field.
    pub code: String,
    pub message: String,
}

impl AwsError {
    pub fn new(protocol: Protocol, status: u16, shape: &str, message: &str) -> Self {
        Self {
            protocol,
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            shape: shape.into(),
            code: oauth_code(shape),
            message: message.into(),
        }
    }

    /// An OIDC error with its status taken from the service model.
    pub fn oidc(shape: &str, message: &str) -> Self {
        let status = match shape {
            "InvalidClientException" => 401,
            "InternalServerException" => 500,
            _ => 400,
        };
        Self::new(Protocol::Oidc, status, shape, message)
    }

    pub fn with_code(mut self, code: &str) -> Self {
        self.code = code.into();
        self
    }

    pub fn throttled(protocol: Protocol) -> Self {
        Self::new(protocol, 429, "TooManyRequestsException", "Rate exceeded")
    }

    pub fn internal(protocol: Protocol, status: u16) -> Self {
        Self::new(
            protocol,
            status,
            "InternalServerException",
            "An internal error occurred; try again",
        )
    }
}

/// `AuthorizationPendingException` → `authorization_pending`.
fn oauth_code(shape: &str) -> String {
    let base = shape.strip_suffix("Exception").unwrap_or(shape);
    let mut out = String::with_capacity(base.len() + 4);
    for (i, c) in base.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

impl IntoResponse for AwsError {
    fn into_response(self) -> Response {
        let request_id = request_id();
        let (content_type, body) = match self.protocol {
            Protocol::Oidc => (
                "application/json",
                serde_json::json!({"error": self.code, "error_description": self.message})
                    .to_string(),
            ),
            Protocol::Portal => (
                "application/json",
                serde_json::json!({"message": self.message}).to_string(),
            ),
            Protocol::Sts => (
                "text/xml",
                format!(
                    "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>{}</Type>\n    <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n",
                    if self.status.is_server_error() {
                        "Receiver"
                    } else {
                        "Sender"
                    },
                    xml_escape(&self.shape),
                    xml_escape(&self.message),
                ),
            ),
            Protocol::Page => (
                "text/plain; charset=utf-8",
                format!("{}: {}\n", self.shape, self.message),
            ),
        };
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        if self.protocol != Protocol::Page
            && let Ok(v) = HeaderValue::from_str(&self.shape)
        {
            headers.insert("x-amzn-ErrorType", v);
        }
        if let Ok(v) = HeaderValue::from_str(&request_id) {
            headers.insert("x-amzn-RequestId", v);
        }
        response
    }
}

pub fn request_id() -> String {
    let bytes: [u8; 16] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

pub fn json(status: StatusCode, value: serde_json::Value) -> Response {
    let mut response = (status, value.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(v) = HeaderValue::from_str(&request_id()) {
        response.headers_mut().insert("x-amzn-RequestId", v);
    }
    response
}

/// Parses a restJson1 request body, answering malformed input as the services do.
pub fn parse_body<T: DeserializeOwned>(protocol: Protocol, body: &[u8]) -> Result<T, AwsError> {
    let body = if body.is_empty() {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| match protocol {
        Protocol::Oidc => AwsError::oidc(
            "InvalidRequestException",
            &format!("Invalid request body: {e}"),
        ),
        _ => AwsError::new(
            protocol,
            400,
            "InvalidRequestException",
            &format!("Invalid request body: {e}"),
        ),
    })
}

pub fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The authorize endpoint's answer (RFC 6749 §4.1.2): back to the client's redirect URI
/// with the code, or the error, and the client's `state`.
pub fn authorization_redirect(
    mut target: url::Url,
    outcome: Result<&str, &str>,
    state: Option<&str>,
) -> Response {
    {
        let mut pairs = target.query_pairs_mut();
        match outcome {
            Ok(code) => pairs.append_pair("code", code),
            Err(error) => pairs.append_pair("error", error),
        };
        if let Some(state) = state {
            pairs.append_pair("state", state);
        }
    }
    (StatusCode::FOUND, [(header::LOCATION, target.to_string())]).into_response()
}

pub fn html_page(status: StatusCode, title: &str, message: &str) -> Response {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{t}</title></head><body><h1>{t}</h1><p>{m}</p></body></html>",
        t = xml_escape(title),
        m = xml_escape(message)
    );
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oauth_codes_follow_the_shape_names() {
        assert_eq!(
            oauth_code("AuthorizationPendingException"),
            "authorization_pending"
        );
        assert_eq!(oauth_code("SlowDownException"), "slow_down");
        assert_eq!(oauth_code("InvalidGrantException"), "invalid_grant");
    }
}
