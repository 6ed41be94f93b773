//! The AWS console federation endpoint (`signin.aws.amazon.com/federation`):
//! `getSigninToken` turns role credentials into a sign-in token, `login` spends it and
//! redirects to the console page named by `Destination`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use url::Url;

use crate::gate::gate;
use crate::state::{ALNUM, ConsoleLogin, Operation, Shared, SigninToken};
use crate::wire::{self, AwsError, Protocol};

const SIGNIN_TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

fn bad(status: u16, message: &str) -> Response {
    AwsError::new(Protocol::Page, status, "BadRequest", message).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Session {
    session_id: String,
    session_key: String,
    session_token: String,
}

/// Parameters come in the query (GET) or a form body (POST), as the real endpoint takes.
pub async fn federation(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let mut params: HashMap<String, String> = HashMap::new();
    let sources = [query.unwrap_or_default().into_bytes(), body.to_vec()];
    for source in &sources {
        params.extend(url::form_urlencoded::parse(source).into_owned());
    }
    match params.get("Action").map(String::as_str) {
        Some("getSigninToken") => get_signin_token(&shared, &params).await,
        Some("login") => login(&shared, &params).await,
        _ => bad(400, "Action must be getSigninToken or login"),
    }
}

async fn get_signin_token(shared: &Shared, params: &HashMap<String, String>) -> Response {
    if let Err(r) = gate(shared, Operation::GetSigninToken, Protocol::Page).await {
        return r;
    }
    let session_duration = match params.get("SessionDuration").map(|d| d.parse::<u32>()) {
        None => None,
        Some(Ok(seconds @ 900..=43200)) => Some(seconds),
        Some(_) => return bad(400, "SessionDuration must be between 900 and 43200 seconds"),
    };
    let Some(session) = params
        .get("Session")
        .and_then(|s| serde_json::from_str::<Session>(s).ok())
    else {
        return bad(
            400,
            "Session must be JSON with sessionId, sessionKey and sessionToken",
        );
    };
    let now = shared.now();
    let valid = shared
        .issued()
        .credentials
        .get(&session.session_id)
        .is_some_and(|m| {
            m.secret_access_key == session.session_key
                && m.session_token == session.session_token
                && m.expires_at > now
        });
    if !valid {
        return bad(401, "The credentials are invalid or expired");
    }
    let token = shared.token("", 400, ALNUM);
    shared.issued().signin_tokens.insert(
        token.clone(),
        SigninToken {
            access_key_id: session.session_id,
            expires_at: now + SIGNIN_TOKEN_LIFETIME,
            session_duration,
        },
    );
    wire::json(StatusCode::OK, json!({ "SigninToken": token }))
}

async fn login(shared: &Shared, params: &HashMap<String, String>) -> Response {
    if let Err(r) = gate(shared, Operation::ConsoleLogin, Protocol::Page).await {
        return r;
    }
    let (Some(token), Some(destination)) = (params.get("SigninToken"), params.get("Destination"))
    else {
        return bad(400, "SigninToken and Destination are required");
    };
    if Url::parse(destination).is_err() {
        return bad(400, "Destination is not a URL");
    }
    let now = shared.now();
    let mut issued = shared.issued();
    let minted = issued
        .signin_tokens
        .get(token)
        .filter(|t| t.expires_at > now)
        .and_then(|t| {
            let credentials = issued.credentials.get(&t.access_key_id)?;
            Some((credentials.clone(), t.session_duration))
        });
    let Some((minted, session_duration)) = minted else {
        return bad(400, "The sign-in token is invalid or expired");
    };
    issued.console_logins.push(ConsoleLogin {
        account_id: minted.account_id,
        role_name: minted.role_name,
        issuer: params.get("Issuer").cloned(),
        destination: destination.clone(),
        session_duration,
    });
    (StatusCode::FOUND, [(header::LOCATION, destination.clone())]).into_response()
}
