//! Any text as an ID token: its declared algorithm read as a short printable word or
//! not at all, never a panic.
#![no_main]

use kumo_core::harness::{declared_algorithm, name};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|token: &str| {
    if let Some(alg) = declared_algorithm(token) {
        assert!(alg.chars().count() <= 16 && name(&alg), "{alg:?}");
    }
});
