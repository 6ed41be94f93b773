//! Golden files: an output compared byte for byte with the file that records it under
//! `tests/golden/`. `KUMO_BLESS=1` writes the files anew, for a change meant to alter
//! the output; the diff then shows in review.

use std::path::PathBuf;

pub fn assert_golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("KUMO_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no golden file {}: run with KUMO_BLESS=1 to record it",
            path.display()
        )
    });
    assert_eq!(actual, expected, "differs from {}", path.display());
}
