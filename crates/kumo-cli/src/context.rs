//! What every command starts from (kumo-core's context), and the runtime for its async
//! work.

pub use kumo_core::context::Context;

pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}
