//! Messages and a progress bar on stderr, so stdout stays for results.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};
use kumo_core::access::Feedback;

pub struct Terminal {
    bar: Option<ProgressBar>,
}

impl Terminal {
    pub fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::hidden();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} accounts")
                    .expect("the template is valid")
                    .progress_chars("=> "),
            );
            bar
        });
        Self { bar }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Feedback for Terminal {
    fn say(&self, message: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{message}")),
            None => eprintln!("{message}"),
        }
    }

    fn progress(&self, done: usize, total: usize) {
        if let Some(bar) = &self.bar {
            if bar.is_hidden() {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                bar.set_message("discovering");
            }
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    }
}
