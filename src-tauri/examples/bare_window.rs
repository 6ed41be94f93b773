//! A bare Tauri window showing a one-line page: the baseline against which
//! benches/app.rs reports the app's memory and launch time.

fn main() -> anyhow::Result<()> {
    let mut context = tauri::generate_context!();
    context.config_mut().app.windows.clear();
    tauri::Builder::default()
        .register_uri_scheme_protocol("bare", |_context, _request| {
            tauri::http::Response::builder()
                .header("content-type", "text/html")
                .body(b"<!doctype html><title>bare</title><p>bare</p>".to_vec())
                .expect("a static response builds")
        })
        .setup(|app| {
            tauri::WebviewWindowBuilder::new(
                app,
                "bare",
                tauri::WebviewUrl::CustomProtocol("bare://localhost/".parse()?),
            )
            .title("bare")
            .inner_size(960.0, 640.0)
            .build()?;
            Ok(())
        })
        .run(context)?;
    Ok(())
}
