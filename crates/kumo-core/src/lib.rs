//! Kumo's engine. Everything the CLI and the desktop app do is decided here; they only
//! parse input, call into this crate and render what it returns.

pub mod autostart;
pub mod aws;
pub mod azure;
pub mod browser;
pub mod cache;
pub mod config;
pub mod context;
pub mod doctor;
pub mod environment;
pub mod export;
pub mod feedback;
mod fsutil;
pub mod gcp;
pub mod http;
pub mod identity;
pub mod inventory;
pub mod launch;
pub mod lock;
pub mod loopback;
pub mod onboarding;
pub mod paths;
pub mod prefs;
pub mod reminders;
pub mod sessions;
pub mod targets;
pub mod throttle;
pub mod vault;
