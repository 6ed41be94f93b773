//! Kumo's engine. Everything the CLI and the desktop app do is decided here; they only
//! parse input, call [`access`] (the one door) and render what it returns.

pub mod access;

mod audit;
mod aws;
mod azure;
mod blocking;
mod browser;
mod cache;
mod clock;
mod config;
mod context;
mod credential_server;
mod doctor;
mod duration;
mod environment;
#[cfg(unix)]
mod exec;
mod export;
mod feedback;
mod fsutil;
mod gcp;
#[cfg(test)]
mod golden;
mod guard;
mod handoff;
mod hex;
mod http;
mod identity;
mod launch;
mod lock;
mod loopback;
mod oauth;
mod onboarding;
mod overrides;
mod paths;
mod prefs;
mod reminders;
mod renewals;
mod retry;
mod sessions;
mod settings;
mod target;
mod untrusted;
mod vault;

/// What the fuzz targets (fuzz/) and the app's benchmark drive directly: the config
/// parser, the AWS config block editor, the parsers of server answers Kumo owns (ARM
/// and Resource Manager pages, the discovery document, an ID token's header) with the
/// checks of what arrives, and writing a listing cache of any size. Not for front ends,
/// which go through [`access`].
#[doc(hidden)]
pub mod harness {
    pub use crate::azure::subscriptions_page;
    pub use crate::cache::{Account, OrgCache, save as save_aws_listing};
    pub use crate::config::Config;
    pub use crate::environment::Environment;
    pub use crate::export::aws_config::{with_block, without_block};
    pub use crate::gcp::projects_page;
    pub use crate::identity::oidc::{declared_algorithm, discovery_document};
    pub use crate::oauth::{MAX_EXPIRES_IN, token_answer};
    pub use crate::untrusted::{
        aws_account_id, aws_role_name, azure_subscription_id, gcp_project_id, name,
    };
}
