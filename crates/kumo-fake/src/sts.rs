//! STS `GetCallerIdentity` (awsQuery, SigV4-signed): answers for the role credentials
//! the portal minted, after checking the request's signature with their secret key.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::gate::gate;
use crate::state::{Minted, Operation, Shared};
use crate::wire::{self, AwsError, Protocol, xml_escape};

fn error(status: u16, code: &str, message: &str) -> AwsError {
    AwsError::new(Protocol::Sts, status, code, message)
}

pub async fn sts(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    if params.get("Action").map(String::as_str) != Some("GetCallerIdentity") {
        return error(
            400,
            "InvalidAction",
            "Only GetCallerIdentity is implemented",
        )
        .into_response();
    }
    if let Err(r) = gate(&shared, Operation::GetCallerIdentity, Protocol::Sts).await {
        return r;
    }
    let minted = match authenticate(&shared, &method, &uri, &headers, &body) {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let user = &shared.options.directory.user;
    let role_hash = hex(&Sha256::digest(format!(
        "{}/{}",
        minted.account_id, minted.role_name
    )));
    let role_id: String = role_hash[..17].to_uppercase();
    let body = format!(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <GetCallerIdentityResult>\n    <Arn>arn:aws:sts::{account}:assumed-role/AWSReservedSSO_{role}_{suffix}/{user}</Arn>\n    <UserId>AROA{role_id}:{user}</UserId>\n    <Account>{account}</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n",
        account = xml_escape(&minted.account_id),
        role = xml_escape(&minted.role_name),
        suffix = &role_hash[..16],
        user = xml_escape(user),
        request_id = wire::request_id(),
    );
    let mut response = (StatusCode::OK, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"));
    response
}

/// The credentials a SigV4-signed request was made with, if the fake minted them, they
/// are current, and the signature is right.
fn authenticate(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Minted, AwsError> {
    let missing = || {
        error(
            403,
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        )
    };
    let auth = wire::header(headers, "authorization").ok_or_else(missing)?;
    let auth = auth.strip_prefix("AWS4-HMAC-SHA256 ").ok_or_else(missing)?;
    let fields: HashMap<&str, &str> = auth
        .split(',')
        .filter_map(|part| part.trim().split_once('='))
        .collect();
    let (Some(credential), Some(signed_headers), Some(signature)) = (
        fields.get("Credential"),
        fields.get("SignedHeaders"),
        fields.get("Signature"),
    ) else {
        return Err(missing());
    };
    let mut scope = credential.splitn(2, '/');
    let access_key_id = scope.next().unwrap_or_default();
    let scope = scope.next().unwrap_or_default();
    let invalid = || {
        error(
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        )
    };
    let minted = shared
        .issued()
        .credentials
        .get(access_key_id)
        .cloned()
        .ok_or_else(invalid)?;
    if wire::header(headers, "x-amz-security-token") != Some(minted.session_token.as_str()) {
        return Err(invalid());
    }
    if minted.expires_at <= shared.now() {
        return Err(error(
            400,
            "ExpiredToken",
            "The security token included in the request is expired",
        ));
    }
    let amz_date = wire::header(headers, "x-amz-date").unwrap_or_default();
    let expected = sigv4_signature(
        &minted.secret_access_key,
        method,
        uri,
        headers,
        signed_headers,
        body,
        amz_date,
        scope,
    );
    if expected.as_deref() != Some(*signature) {
        return Err(error(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        ));
    }
    Ok(minted)
}

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SigV4 signature of a request, or `None` when its scope is malformed.
#[allow(clippy::too_many_arguments)]
fn sigv4_signature(
    secret: &str,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    signed_headers: &str,
    body: &[u8],
    amz_date: &str,
    scope: &str,
) -> Option<String> {
    let parts: Vec<&str> = scope.split('/').collect();
    let [date, region, service, "aws4_request"] = parts[..] else {
        return None;
    };
    let canonical_headers: String = signed_headers
        .split(';')
        .map(|name| {
            let values: Vec<String> = headers
                .get_all(name)
                .iter()
                .map(|v| {
                    String::from_utf8_lossy(v.as_bytes())
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            format!("{name}:{}\n", values.join(","))
        })
        .collect();
    let payload_hash = wire::header(headers, "x-amz-content-sha256")
        .map(str::to_owned)
        .unwrap_or_else(|| hex(&Sha256::digest(body)));
    let mut query: Vec<&str> = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|s| !s.is_empty())
        .collect();
    query.sort_unstable();
    let canonical_request = format!(
        "{method}\n{}\n{}\n{canonical_headers}\n{signed_headers}\n{payload_hash}",
        uri.path(),
        query.join("&"),
    );
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let key = [date, region, service, "aws4_request"]
        .iter()
        .fold(format!("AWS4{secret}").into_bytes(), |key, part| {
            hmac(&key, part.as_bytes())
        });
    Some(hex(&hmac(&key, string_to_sign.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of AWS's SigV4 documentation ("GET https://iam.amazonaws.com/
    /// ?Action=ListUsers&Version=2010-05-08").
    #[test]
    fn sigv4_matches_the_documented_example() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8"
                .parse()
                .unwrap(),
        );
        headers.insert("host", "iam.amazonaws.com".parse().unwrap());
        headers.insert("x-amz-date", "20150830T123600Z".parse().unwrap());
        let uri: Uri = "/?Action=ListUsers&Version=2010-05-08".parse().unwrap();
        let signature = sigv4_signature(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            &Method::GET,
            &uri,
            &headers,
            "content-type;host;x-amz-date",
            b"",
            "20150830T123600Z",
            "20150830/us-east-1/iam/aws4_request",
        );
        assert_eq!(
            signature.as_deref(),
            Some("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
        );
    }
}
