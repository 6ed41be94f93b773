//! The AWS access portal (`sso`): accounts and roles of the signed-in user, role
//! credentials, and logout. Every call carries the bearer token in `x-amz-sso_bearer_token`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;

use crate::gate::gate;
use crate::state::{ALNUM, Minted, Operation, Shared, UPPER_ALNUM, epoch_millis};
use crate::wire::{self, AwsError, Protocol};

const TOKEN_HEADER: &str = "x-amz-sso_bearer_token";
const DEFAULT_PAGE: usize = 20;
const MAX_PAGE: usize = 100;

type S = State<Arc<Shared>>;
type Params = Query<HashMap<String, String>>;

fn error(status: u16, shape: &str, message: &str) -> AwsError {
    AwsError::new(Protocol::Portal, status, shape, message)
}

/// Gate, then the bearer token: a missing, unknown, expired or revoked token is a 401.
async fn admit(shared: &Shared, op: Operation, headers: &HeaderMap) -> Result<String, Response> {
    gate(shared, op, Protocol::Portal).await?;
    match wire::header(headers, TOKEN_HEADER) {
        Some(token) if shared.token_is_valid(token) => Ok(token.to_owned()),
        _ => Err(error(
            401,
            "UnauthorizedException",
            "Session token not found or invalid",
        )
        .into_response()),
    }
}

/// Reads `max_result` (1..=100) and `next_token` (opaque; bound to one listing).
fn page_window(
    params: &HashMap<String, String>,
    listing: &str,
) -> Result<(usize, usize), AwsError> {
    let size = match params.get("max_result") {
        None => DEFAULT_PAGE,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
            _ => {
                return Err(error(
                    400,
                    "InvalidRequestException",
                    "max_result must be between 1 and 100",
                ));
            }
        },
    };
    let offset = match params.get("next_token") {
        None => 0,
        Some(token) => decode_next_token(token, listing)
            .ok_or_else(|| error(400, "InvalidRequestException", "Invalid next token"))?,
    };
    Ok((offset, size))
}

fn encode_next_token(listing: &str, offset: usize) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{listing}|{offset}"))
}

fn decode_next_token(token: &str, listing: &str) -> Option<usize> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(token)
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (l, offset) = text.rsplit_once('|')?;
    (l == listing).then(|| offset.parse().ok())?
}

fn next_token(listing: &str, end: usize, total: usize) -> serde_json::Value {
    if end < total {
        json!(encode_next_token(listing, end))
    } else {
        serde_json::Value::Null
    }
}

pub async fn list_accounts(
    State(shared): S,
    headers: HeaderMap,
    Query(params): Params,
) -> Response {
    if let Err(r) = admit(&shared, Operation::ListAccounts, &headers).await {
        return r;
    }
    let (offset, size) = match page_window(&params, "accounts") {
        Ok(w) => w,
        Err(e) => return e.into_response(),
    };
    let accounts = &shared.options.directory.accounts;
    let end = (offset + size).min(accounts.len());
    let page: Vec<_> = accounts
        .get(offset.min(end)..end)
        .unwrap_or_default()
        .iter()
        .map(|a| json!({"accountId": a.id, "accountName": a.name, "emailAddress": a.email}))
        .collect();
    wire::json(
        StatusCode::OK,
        json!({"nextToken": next_token("accounts", end, accounts.len()), "accountList": page}),
    )
}

pub async fn list_account_roles(
    State(shared): S,
    headers: HeaderMap,
    Query(params): Params,
) -> Response {
    if let Err(r) = admit(&shared, Operation::ListAccountRoles, &headers).await {
        return r;
    }
    let Some(account_id) = params.get("account_id") else {
        return error(400, "InvalidRequestException", "account_id is required").into_response();
    };
    let listing = format!("roles:{account_id}");
    let (offset, size) = match page_window(&params, &listing) {
        Ok(w) => w,
        Err(e) => return e.into_response(),
    };
    let Some(account) = shared.options.directory.account(account_id) else {
        return error(404, "ResourceNotFoundException", "Account not found").into_response();
    };
    let end = (offset + size).min(account.roles.len());
    let page: Vec<_> = account
        .roles
        .get(offset.min(end)..end)
        .unwrap_or_default()
        .iter()
        .map(|r| json!({"roleName": r, "accountId": account.id}))
        .collect();
    wire::json(
        StatusCode::OK,
        json!({"nextToken": next_token(&listing, end, account.roles.len()), "roleList": page}),
    )
}

pub async fn get_role_credentials(
    State(shared): S,
    headers: HeaderMap,
    Query(params): Params,
) -> Response {
    if let Err(r) = admit(&shared, Operation::GetRoleCredentials, &headers).await {
        return r;
    }
    let (Some(account_id), Some(role_name)) = (params.get("account_id"), params.get("role_name"))
    else {
        return error(
            400,
            "InvalidRequestException",
            "account_id and role_name are required",
        )
        .into_response();
    };
    let assigned = shared
        .options
        .directory
        .account(account_id)
        .is_some_and(|a| a.roles.iter().any(|r| r == role_name));
    if !assigned {
        return error(403, "ForbiddenException", "No access").into_response();
    }
    let access_key_id = shared.token("ASIA", 16, UPPER_ALNUM);
    let minted = Minted {
        account_id: account_id.clone(),
        role_name: role_name.clone(),
        secret_access_key: shared.token("", 40, ALNUM),
        session_token: shared.token("IQoJb3JpZ2luX2VjE", 380, ALNUM),
        expires_at: shared.now() + shared.options.credential_lifetime,
    };
    let body = json!({"roleCredentials": {
        "accessKeyId": access_key_id,
        "secretAccessKey": minted.secret_access_key,
        "sessionToken": minted.session_token,
        "expiration": epoch_millis(minted.expires_at),
    }});
    shared.issued().credentials.insert(access_key_id, minted);
    wire::json(StatusCode::OK, body)
}

/// Ends the portal session: the access token, and the refresh token issued with it.
pub async fn logout(State(shared): S, headers: HeaderMap) -> Response {
    let token = match admit(&shared, Operation::Logout, &headers).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    shared.revoke_access_token(&token);
    (StatusCode::OK, "").into_response()
}

impl Shared {
    pub fn revoke_access_token(&self, token: &str) {
        let mut issued = self.issued();
        let refresh = issued.access_tokens.get_mut(token).and_then(|t| {
            t.revoked = true;
            t.refresh_token.clone()
        });
        if let Some(r) = refresh.and_then(|r| issued.refresh_tokens.get_mut(&r)) {
            r.revoked = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_tokens_are_bound_to_their_listing() {
        let token = encode_next_token("roles:1", 40);
        assert_eq!(decode_next_token(&token, "roles:1"), Some(40));
        assert_eq!(decode_next_token(&token, "roles:2"), None);
        assert_eq!(decode_next_token("garbage", "roles:1"), None);
    }
}
