//! Credentials and profiles in the formats other tools read.

pub mod aws_config;
pub mod env;
pub mod gcloud;
pub mod shell;
