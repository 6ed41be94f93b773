//! The HTTP client for what is not an AWS API (the console federation endpoint, OpenID
//! Connect, Google APIs): rustls, and a timeout so no call hangs a command.

use std::time::Duration;

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client with a timeout builds")
}
