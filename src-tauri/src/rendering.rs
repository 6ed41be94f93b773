//! How Kumo's pages are drawn on Linux: without WebKit's accelerated compositing. A list,
//! a few panels and a search field need no GPU layers; with them, each page kept its
//! layers' buffers in the web process (under Mesa's software GL, tens of MB: on the demo
//! the web process measured 237 MB by PSS with compositing, 127 MB without).
//!
//! Set as the process starts, through WebKitGTK's own switch, so every page (the main
//! window's and the palette's, which share one web process) is made that way; turning the
//! policy off on a page already loading made WebKit re-create its drawing mid-flight.

/// WebKitGTK's switch, read when its first web view is made.
const DISABLE_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
/// Set by a person who wants the GPU layers back.
const FORCE_COMPOSITING: &str = "WEBKIT_FORCE_COMPOSITING_MODE";

/// Whether Kumo turns compositing off, given which variables are set: not when the
/// person chose either way through WebKit's own switches.
fn turns_compositing_off(is_set: impl Fn(&str) -> bool) -> bool {
    !is_set(DISABLE_COMPOSITING) && !is_set(FORCE_COMPOSITING)
}

/// Turns accelerated compositing off for this process's pages, unless the person chose
/// otherwise. Call first in `main`, before any thread starts.
pub fn without_compositing() {
    if cfg!(target_os = "linux") && turns_compositing_off(|name| std::env::var_os(name).is_some()) {
        // SAFETY: called at the top of `main`, before any other thread exists, so no
        // thread can be reading the environment while it changes.
        unsafe { std::env::set_var(DISABLE_COMPOSITING, "1") };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compositing_goes_off_when_the_person_set_neither_switch() {
        assert!(turns_compositing_off(|_| false));
    }

    #[test]
    fn a_person_who_forces_compositing_keeps_it() {
        assert!(!turns_compositing_off(|name| name == FORCE_COMPOSITING));
    }

    #[test]
    fn a_person_who_set_the_switch_themselves_keeps_their_value() {
        assert!(!turns_compositing_off(|name| name == DISABLE_COMPOSITING));
    }
}
