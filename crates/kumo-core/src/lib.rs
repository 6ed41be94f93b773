//! Kumo's engine. Everything the CLI and the desktop app do is decided here; they only
//! parse input, call into this crate and render what it returns.

pub mod browser;
pub mod config;
pub mod doctor;
pub mod environment;
pub mod paths;
pub mod vault;
