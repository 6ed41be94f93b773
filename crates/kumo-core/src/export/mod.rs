//! Credentials and profiles in the formats other tools read.

pub mod env;
