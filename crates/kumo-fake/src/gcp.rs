//! Google Cloud Resource Manager v3 `projects:search`: the projects the signed-in user
//! can see, paginated with `pageToken`/`pageSize`, behind the identity's access token.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::Engine;
use serde_json::json;

use crate::gate::gate;
use crate::state::{Operation, Shared};
use crate::wire::{self, Protocol};

/// A project of the fake's Google Cloud organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GcpProject {
    pub project_id: String,
    pub display_name: String,
    pub number: String,
    /// Left out of the answer when empty, as Resource Manager does.
    pub labels: BTreeMap<String, String>,
}

/// `n` projects, named and numbered deterministically.
pub fn generated_projects(n: usize) -> Vec<GcpProject> {
    (0..n)
        .map(|i| GcpProject {
            project_id: format!("acme-project-{i:03}"),
            display_name: format!("Acme Project {i}"),
            number: format!("{}", 400_000_000_000u64 + i as u64),
            labels: BTreeMap::from([
                ("env".into(), ["prod", "dev", "test"][i % 3].into()),
                (
                    "team".into(),
                    ["payments", "search", "identity"][i / 3 % 3].into(),
                ),
            ]),
        })
        .collect()
}

const DEFAULT_PAGE: usize = 50;
const MAX_PAGE: usize = 500;

fn google_error(status: StatusCode, message: &str, reason: &str) -> Response {
    wire::json(
        status,
        json!({"error": {"code": status.as_u16(), "message": message, "status": reason}}),
    )
}

pub async fn search_projects(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = gate(&shared, Operation::SearchProjects, Protocol::Page).await {
        return r;
    }
    if !shared.google_token_is_valid(wire::header(&headers, "authorization")) {
        return google_error(
            StatusCode::UNAUTHORIZED,
            "Request had invalid authentication credentials.",
            "UNAUTHENTICATED",
        );
    }
    let size = match params.get("pageSize").map(|s| s.parse::<usize>()) {
        None => DEFAULT_PAGE,
        Some(Ok(n)) if n >= 1 => n.min(MAX_PAGE),
        Some(_) => {
            return google_error(
                StatusCode::BAD_REQUEST,
                "Invalid pageSize",
                "INVALID_ARGUMENT",
            );
        }
    };
    let offset = match params.get("pageToken").filter(|t| !t.is_empty()) {
        None => 0,
        Some(token) => match base64::engine::general_purpose::STANDARD
            .decode(token)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.strip_prefix("projects|").and_then(|n| n.parse().ok()))
        {
            Some(n) => n,
            None => {
                return google_error(
                    StatusCode::BAD_REQUEST,
                    "Invalid page token",
                    "INVALID_ARGUMENT",
                );
            }
        },
    };
    let projects = &shared.options.gcp_projects;
    let end = (offset + size).min(projects.len());
    let page: Vec<_> = projects
        .get(offset.min(end)..end)
        .unwrap_or_default()
        .iter()
        .map(|p| {
            let mut project = json!({
                "name": format!("projects/{}", p.number),
                "parent": "organizations/123456789",
                "projectId": p.project_id,
                "state": "ACTIVE",
                "displayName": p.display_name,
            });
            if !p.labels.is_empty() {
                project["labels"] = json!(p.labels);
            }
            project
        })
        .collect();
    let mut answer = json!({ "projects": page });
    if end < projects.len() {
        answer["nextPageToken"] =
            json!(base64::engine::general_purpose::STANDARD.encode(format!("projects|{end}")));
    }
    wire::json(StatusCode::OK, answer)
}
