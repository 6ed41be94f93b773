//! Any text as the user's AWS config: exporting a block and removing it again gives
//! back the text byte for byte, a second export changes nothing, and nothing panics.
#![no_main]

use std::path::Path;

use kumo_core::harness::{with_block, without_block};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let path = Path::new("config");
    let lines = vec!["# BEGIN KUMO acme".to_owned(), "[profile p]".to_owned(), "# END KUMO acme".to_owned()];
    let Ok(exported) = with_block(text, "acme", &lines, path) else {
        return;
    };
    // A bare `\r` ends a line too, as the editor reads the file.
    let had_block = text
        .split(['\n', '\r'])
        .any(|l| l.trim_end() == "# BEGIN KUMO acme");
    if !had_block {
        assert_eq!(without_block(&exported, "acme", path).unwrap(), text);
    }
    assert_eq!(with_block(&exported, "acme", &lines, path).unwrap(), exported);
});
