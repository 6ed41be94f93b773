//! Any bytes as an Azure Resource Manager page of subscriptions: a page or nothing, and
//! every subscription taken from it well-formed, never a panic.
#![no_main]

use kumo_core::harness::{azure_subscription_id, name, subscriptions_page};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Some((subscriptions, _next)) = subscriptions_page(body) {
        for s in subscriptions {
            assert!(azure_subscription_id(&s.id), "{:?}", s.id);
            assert!(name(&s.name), "{:?}", s.name);
            assert!(s.tags.iter().all(|(k, v)| name(k) && name(v)));
        }
    }
});
