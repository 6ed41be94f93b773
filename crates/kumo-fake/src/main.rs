//! `kumo-fake`: run the stand-in cloud on its own, e.g. for a demo or a benchmark.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use kumo_fake::{Directory, FakeServer, Options};

/// Loopback stand-ins for AWS IAM Identity Center (OIDC and portal), the console
/// federation endpoint and STS, speaking their wire formats.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// How many AWS accounts the signed-in user can see.
    #[arg(long, default_value_t = 20)]
    accounts: usize,
    /// How many roles the user has in each account.
    #[arg(long, default_value_t = 2)]
    roles: usize,
    /// Requests per second allowed across the portal operations (0: unlimited); above
    /// it the fake answers 429 TooManyRequestsException.
    #[arg(long, default_value_t = 0.0)]
    tps: f64,
    /// Added to every answer.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// The share (0 to 1) of API requests answered with a 500.
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Approve device authorizations after this many pending polls, without a visit to
    /// the verification page.
    #[arg(long)]
    auto_approve_after: Option<u32>,
    /// Lifetime of access tokens, in seconds.
    #[arg(long, default_value_t = 3600)]
    token_lifetime: u64,
    /// Lifetime of role credentials, in seconds.
    #[arg(long, default_value_t = 3600)]
    credential_lifetime: u64,
    /// The port to listen on, on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Seed for generated tokens and the random share of errors.
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    anyhow::ensure!(
        (0.0..=1.0).contains(&args.error_rate),
        "--error-rate must be between 0 and 1"
    );
    anyhow::ensure!(args.tps >= 0.0, "--tps must not be negative");
    let options = Options {
        directory: Directory::generated(args.accounts, args.roles),
        tps: (args.tps > 0.0).then_some(args.tps),
        latency: Duration::from_millis(args.latency_ms),
        server_error_rate: args.error_rate,
        seed: args.seed,
        auto_approve_after_polls: args.auto_approve_after,
        access_token_lifetime: Duration::from_secs(args.token_lifetime),
        credential_lifetime: Duration::from_secs(args.credential_lifetime),
        ..Options::default()
    };
    let server =
        FakeServer::start_on(SocketAddr::from(([127, 0, 0, 1], args.port)), options).await?;
    let url = server.base_url();
    // The first line is the base URL alone, for scripts that start the fake.
    println!("{url}");
    println!(
        "# kumo-fake: {} accounts x {} roles; point the AWS SDKs at it with:",
        args.accounts, args.roles
    );
    println!(
        "export AWS_ENDPOINT_URL_SSO_OIDC={url} AWS_ENDPOINT_URL_SSO={url} AWS_ENDPOINT_URL_STS={url} KUMO_FEDERATION_URL={url}/federation"
    );
    tokio::signal::ctrl_c().await?;
    Ok(())
}
