// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

//! The Kumo desktop app: a thin shell. Commands call kumo-core and return metadata only.

use kumo_core::doctor::{self, DoctorReport};
use kumo_core::environment::Environment;
use kumo_core::vault;

/// The facts `kumo doctor` prints. Runs off the UI thread: the keychain probe can block.
#[tauri::command]
async fn doctor() -> Result<DoctorReport, String> {
    tracing::info!("doctor report requested by the UI");
    tokio::task::spawn_blocking(|| {
        let env = Environment::from_process();
        doctor::diagnose(&env, vault::os_store(vault::SERVICE).as_ref())
    })
    .await
    .map_err(|e| format!("the checks stopped unexpectedly: {e}"))
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KUMO_LOG")
                .unwrap_or_else(|_| "kumo_app=info,kumo_core=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![doctor])
        .run(tauri::generate_context!())?;
    Ok(())
}
