pub mod webdriver;

use kumo_fake::{FakeServer, Options};

/// The fake with `options`, and a home whose config points at every service of it
/// (with what `extra` makes of the fake appended).
pub async fn fake_and_home(
    options: &Options,
    extra: fn(&FakeServer) -> String,
) -> (FakeServer, tempfile::TempDir) {
    let fake = FakeServer::start(options.clone()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        format!(
            "{}{}",
            kumo_fake::demo::kumo_config(fake.base_url(), options),
            extra(&fake)
        ),
    )
    .unwrap();
    (fake, home)
}

/// Nothing more in the config.
pub fn nothing(_: &FakeServer) -> String {
    String::new()
}
