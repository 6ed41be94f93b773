//! How Kumo's pages are drawn on Linux: without WebKit's accelerated compositing. A list,
//! a few panels and a search field need no GPU layers; with them, each page held its
//! layers' buffers in the web process (under Mesa's software GL, tens of MB a page:
//! 237 MB of web process against 119 MB without, measured on the demo).

use tauri::{Runtime, WebviewWindow};

/// Turns accelerated compositing off for `window`'s page.
#[cfg_attr(not(target_os = "linux"), allow(unused_variables))]
pub fn without_compositing<R: Runtime>(window: &WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    {
        let label = window.label().to_owned();
        let set = window.with_webview(|webview| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = webview.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
        if let Err(e) = set {
            tracing::warn!(window = %label, "could not turn accelerated compositing off: {e}");
        }
    }
}
