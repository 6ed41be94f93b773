//! Any bytes as an issuer's discovery document: accepted or refused with a one-line
//! reason, never a panic.
#![no_main]

use kumo_core::harness::discovery_document;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Err(reason) = discovery_document(body, "https://issuer.example") {
        assert!(!reason.contains('\n'), "a multi-line reason: {reason}");
    }
});
