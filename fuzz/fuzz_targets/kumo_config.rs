//! Any text as Kumo's config file: parsed into a config or a one-line error, never a panic.
#![no_main]

use std::path::Path;

use kumo_core::harness::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(e) = Config::parse(text, Path::new("config.toml")) {
        assert!(!e.to_string().contains('\n'), "a multi-line error: {e}");
    }
});
