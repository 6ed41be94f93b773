//! Any bytes as a Resource Manager search page: a page or nothing, and every project
//! taken from it well-formed, never a panic.
#![no_main]

use kumo_core::harness::{gcp_project_id, name, projects_page};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Some((projects, _next)) = projects_page(body) {
        for p in projects {
            assert!(gcp_project_id(&p.id), "{:?}", p.id);
            assert!(name(&p.name), "{:?}", p.name);
            assert!(p.labels.iter().all(|(k, v)| name(k) && name(v)));
        }
    }
});
