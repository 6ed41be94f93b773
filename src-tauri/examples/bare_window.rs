//! A bare Tauri window showing an empty page: the baseline against which
//! benches/app.rs reports the app's memory.

fn main() -> anyhow::Result<()> {
    let mut context = tauri::generate_context!();
    context.config_mut().app.windows.clear();
    tauri::Builder::default()
        .setup(|app| {
            tauri::WebviewWindowBuilder::new(
                app,
                "bare",
                tauri::WebviewUrl::External("about:blank".parse()?),
            )
            .title("bare")
            .inner_size(960.0, 640.0)
            .build()?;
            Ok(())
        })
        .run(context)?;
    Ok(())
}
