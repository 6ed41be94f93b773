//! Any bytes as a token endpoint's answer (the identity's, Entra's): tokens or nothing,
//! a lifetime within a day whatever the server claims, never a panic.
#![no_main]

use kumo_core::harness::{MAX_EXPIRES_IN, token_answer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Some(tokens) = token_answer(body) {
        assert!(tokens.expires_in.is_none_or(|s| s <= MAX_EXPIRES_IN));
    }
});
