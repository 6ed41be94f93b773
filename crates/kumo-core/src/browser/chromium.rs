//! The Chromium family (Chrome, Chromium, Brave, Edge, Vivaldi): a profile directory per
//! context keeps each console's sign-in apart.

use std::path::{Path, PathBuf};

use super::launcher::BrowserContext;

/// The directory of a profile: a readable, filesystem-safe name per key.
pub fn profile_dir(data_dir: &Path, key: &str) -> PathBuf {
    let safe: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    data_dir.join("browser-profiles").join(safe)
}

/// The argv that opens `url` with `program`, in the context's own profile when given.
pub fn argv(
    program: &str,
    url: &str,
    context: Option<&BrowserContext>,
    data_dir: &Path,
) -> Vec<String> {
    let mut argv = vec![program.to_owned()];
    if let Some(context) = context {
        argv.extend([
            format!(
                "--user-data-dir={}",
                profile_dir(data_dir, &context.key).display()
            ),
            "--no-first-run".to_owned(),
            "--no-default-browser-check".to_owned(),
        ]);
    }
    // Nothing after `--` is a switch, whatever the URL holds.
    argv.extend(["--".to_owned(), url.to_owned()]);
    argv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_context_gets_a_profile_directory_of_its_own() {
        let context = BrowserContext {
            key: "aws:acme/123456789012/Admin".into(),
            label: "acme payments-prod Admin".into(),
        };
        assert_eq!(
            argv(
                "google-chrome",
                "https://x.test/",
                Some(&context),
                Path::new("/d/kumo")
            ),
            [
                "google-chrome",
                "--user-data-dir=/d/kumo/browser-profiles/aws_acme_123456789012_Admin",
                "--no-first-run",
                "--no-default-browser-check",
                "--",
                "https://x.test/"
            ]
        );
    }

    #[test]
    fn without_a_context_the_url_is_the_only_argument_after_the_switches_end() {
        assert_eq!(
            argv("microsoft-edge", "--evil", None, Path::new("/d")),
            ["microsoft-edge", "--", "--evil"]
        );
    }
}
