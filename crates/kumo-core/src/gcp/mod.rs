//! Google Cloud: the projects the signed-in identity can see, from Cloud Resource
//! Manager v3 `projects:search`, cached like the AWS listing.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::cache::{self, CacheError};
use crate::config::GcpConfig;
use crate::context::Context;
use crate::environment::Environment;
use crate::http::{GetError, get_json};
use crate::identity::oidc;
use crate::untrusted;

const DEFAULT_ENDPOINT: &str = "https://cloudresourcemanager.googleapis.com";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: String,
    pub name: String,
    /// The project's labels, searchable like its name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

impl Project {
    /// The project as far as it is well-formed: an id outside Google's alphabet drops
    /// it, a name that is not printable becomes the id, unprintable labels are left out.
    pub fn checked(mut self, source: &str) -> Option<Self> {
        if !untrusted::keep_id(
            untrusted::gcp_project_id,
            "the project id",
            source,
            &self.id,
        ) {
            return None;
        }
        untrusted::keep_name(&mut self.name, &self.id, "the project name", source);
        untrusted::retain_printable(&mut self.labels, source);
        Some(self)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GcpError {
    #[error("Google Cloud refused the project listing ({0})")]
    Unauthorized(u16),
    #[error("listing Google Cloud projects failed: {0}")]
    Failed(String),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchPage {
    #[serde(default)]
    projects: Vec<SearchProject>,
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchProject {
    project_id: String,
    display_name: Option<String>,
    state: Option<String>,
    #[serde(default)]
    labels: Option<BTreeMap<String, String>>,
}

/// Every active project, following `nextPageToken`.
pub async fn list_projects(
    config: &GcpConfig,
    access_token: &str,
) -> Result<Vec<Project>, GcpError> {
    let endpoint = config
        .endpoint
        .as_ref()
        .map_or(DEFAULT_ENDPOINT, |e| e.as_str())
        .trim_end_matches('/')
        .to_owned();
    let mut projects = Vec::new();
    let mut page_token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let mut url = url::Url::parse(&format!("{endpoint}/v3/projects:search"))
            .map_err(|e| GcpError::Failed(format!("the endpoint is not a URL ({e})")))?;
        url.query_pairs_mut().append_pair("pageSize", "500");
        if let Some(token) = &page_token {
            url.query_pairs_mut().append_pair("pageToken", token);
        }
        let page: SearchPage = match get_json(url.as_str(), access_token).await {
            Ok(page) => page,
            Err(GetError::Status(status @ (401 | 403))) => {
                return Err(GcpError::Unauthorized(status));
            }
            Err(GetError::Unreachable) => {
                return Err(GcpError::Failed(
                    "Cloud Resource Manager cannot be reached".into(),
                ));
            }
            Err(GetError::NotJson) => {
                return Err(GcpError::Failed(
                    "an answer that is not a project list".into(),
                ));
            }
            Err(e) => return Err(GcpError::Failed(e.to_string())),
        };
        projects.extend(usable_projects(page.projects));
        match page.next_page_token.filter(|t| !t.is_empty()) {
            Some(token) => page_token = Some(token),
            None => return Ok(projects),
        }
    }
    Err(GcpError::Failed(format!(
        "its nextPageToken never ends (over {MAX_PAGES} pages)"
    )))
}

/// More pages than any organisation has (500 projects each): a page-token loop ends
/// here.
const MAX_PAGES: usize = 1000;

/// The projects of a search page a person can open: active and well-formed.
fn usable_projects(projects: Vec<SearchProject>) -> impl Iterator<Item = Project> {
    projects
        .into_iter()
        .filter(|p| p.state.as_deref().is_none_or(|s| s == "ACTIVE"))
        .filter_map(|p| {
            Project {
                name: p.display_name.unwrap_or_else(|| p.project_id.clone()),
                id: p.project_id,
                labels: p.labels.unwrap_or_default(),
            }
            .checked("Google Cloud")
        })
}

/// One Resource Manager search page as the listing takes it, for the fuzz target:
/// `None` when it is not such a page.
pub fn projects_page(body: &[u8]) -> Option<(Vec<Project>, Option<String>)> {
    let page: SearchPage = serde_json::from_slice(body).ok()?;
    let next = page.next_page_token.filter(|t| !t.is_empty());
    Some((usable_projects(page.projects).collect(), next))
}

fn cache_path(env: &Environment) -> PathBuf {
    cache::file(env, "gcp.json")
}

/// Why the projects could not be listed again.
#[derive(Debug, thiserror::Error)]
pub enum RelistError {
    #[error(transparent)]
    Identity(#[from] crate::identity::oidc::IdentityError),
    #[error(transparent)]
    Gcp(#[from] GcpError),
    #[error(transparent)]
    Cache(#[from] CacheError),
}

/// Lists the projects again with the identity's access token (renewed if due) and saves
/// them as the cache.
pub async fn relist(ctx: &Context, gcp: &GcpConfig) -> Result<Vec<Project>, RelistError> {
    let identity = oidc::configured(ctx.config.identity.as_ref(), &ctx.config_path)?;
    let (token, _) = oidc::access_token(identity, &ctx.env, ctx.store.as_ref()).await?;
    let projects = list_projects(gcp, &token).await?;
    cache::write(&cache_path(&ctx.env), &projects)?;
    Ok(projects)
}

/// The cached projects; `None` when there are none to be read.
pub fn load_cache(env: &Environment) -> Option<Vec<Project>> {
    let path = cache_path(env);
    let projects: Vec<Project> = cache::read(&path).ok().flatten()?;
    let source = path.display().to_string();
    Some(
        projects
            .into_iter()
            .filter_map(|p| p.checked(&source))
            .collect(),
    )
}

/// The console of a project, signed in as `email` (Google picks the account by it).
pub fn console_url(project_id: &str, email: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("project", project_id)
        .append_pair("authuser", email)
        .finish();
    format!("https://console.cloud.google.com/home/dashboard?{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_console_url_names_project_and_account() {
        assert_eq!(
            console_url("acme-prod", "dev@acme.com"),
            "https://console.cloud.google.com/home/dashboard?project=acme-prod&authuser=dev%40acme.com"
        );
    }
}
