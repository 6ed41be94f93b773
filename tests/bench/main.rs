//! `kumo-bench`: measures what docs/BENCHMARKS.md reports, against an in-process
//! kumo-fake, with the `kumo` binary given (a release build, by `make bench`):
//! discovery under the service's rate limit, `kumo credential-process` from the
//! keychain, `kumo ls` from the cache, and the same work by boto3 and aws-sso-util.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use clap::Parser;
use kumo_fake::{Directory, FakeServer, Operation, Options};

#[derive(Parser)]
struct Args {
    /// The kumo binary to measure.
    #[arg(long)]
    kumo: PathBuf,
    /// A Python with boto3 (and aws-sso-util) for the peers' figures.
    #[arg(long)]
    python: Option<PathBuf>,
    /// aws-sso-util's executable, for the peer discovery figure.
    #[arg(long)]
    aws_sso_util: Option<PathBuf>,
    #[arg(long, default_value_t = 2000)]
    accounts: usize,
    #[arg(long, default_value_t = 3)]
    roles: usize,
    #[arg(long, default_value_t = 20.0)]
    tps: f64,
    #[arg(long, default_value_t = 20)]
    latency_ms: u64,
    /// Runs of each short measurement.
    #[arg(long, default_value_t = 41)]
    runs: usize,
}

struct Bench {
    args: Args,
    fake: FakeServer,
    home: tempfile::TempDir,
    service: String,
}

impl Bench {
    fn kumo(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.args.kumo);
        cmd.args(args);
        self.environment(&mut cmd);
        cmd
    }

    fn environment(&self, cmd: &mut Command) {
        let home = self.home.path();
        cmd.env("HOME", home)
            .env("KUMO_CONFIG", home.join("config.toml"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_RUNTIME_DIR", home.join("run"))
            .env("KUMO_KEYCHAIN_SERVICE", &self.service)
            .env("AWS_CONFIG_FILE", home.join("aws-config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"));
    }
}

async fn output(mut cmd: Command) -> anyhow::Result<Output> {
    let out = tokio::task::spawn_blocking(move || cmd.output()).await??;
    if !out.status.success() {
        bail!("{}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(out)
}

/// Wall time of each of `runs` runs of the command, sorted.
async fn timings(runs: usize, make: impl Fn() -> Command) -> anyhow::Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let cmd = make();
        let started = Instant::now();
        output(cmd).await?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn median(times: &[Duration]) -> Duration {
    times[times.len() / 2]
}

fn p90(times: &[Duration]) -> Duration {
    times[(times.len() * 9 / 10).min(times.len() - 1)]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let fake = FakeServer::start(Options {
        directory: Directory::generated(args.accounts, args.roles),
        tps: Some(args.tps),
        latency: Duration::from_millis(args.latency_ms),
        auto_approve_after_polls: Some(0),
        ..Options::default()
    })
    .await?;
    let home = tempfile::tempdir()?;
    std::fs::write(
        home.path().join("config.toml"),
        format!(
            "[[aws]]\nname = \"bench\"\nstart_url = \"https://bench.awsapps.com/start\"\nregion = \"eu-west-1\"\noidc_endpoint = \"{url}\"\nportal_endpoint = \"{url}\"\nrate_limit = {tps}\n",
            url = fake.base_url(),
            tps = args.tps
        ),
    )?;
    let bench = Bench {
        service: format!("kumo-bench-{}", std::process::id()),
        args,
        fake,
        home,
    };
    let result = run(&bench).await;
    let _ = Command::new("secret-tool")
        .args(["clear", "service", &bench.service])
        .status();
    result
}

async fn run(b: &Bench) -> anyhow::Result<()> {
    let a = &b.args;
    println!(
        "# kumo-bench: {} accounts x {} roles, {} requests/s, {} ms latency",
        a.accounts, a.roles, a.tps, a.latency_ms
    );
    output(b.kumo(&["login", "--device-code", "--no-browser"]))
        .await
        .context("kumo login")?;

    let started = Instant::now();
    let out = output(b.kumo(&["ls", "--refresh", "--json"]))
        .await
        .context("kumo ls --refresh")?;
    let wall = started.elapsed();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let roles = doc["targets"].as_array().map_or(0, Vec::len);
    let calls = b.fake.calls(Operation::ListAccounts) + b.fake.calls(Operation::ListAccountRoles);
    let ideal = calls as f64 / a.tps;
    ensure!(
        roles == a.accounts * a.roles,
        "discovery found {roles} roles, not {}",
        a.accounts * a.roles
    );
    println!("\n## Discovery (kumo ls --refresh)");
    println!(
        "roles: {roles}; calls: {calls}; throttled answers: {}",
        b.fake.throttled()
    );
    println!(
        "wall: {:.1} s; calls / rate: {ideal:.1} s; ratio: {:.3}",
        wall.as_secs_f64(),
        wall.as_secs_f64() / ideal
    );

    // The everyday case: a role that is not privileged (an admin role needs an
    // elevation first, and keeps its credentials out of the kernel keyring).
    let target = doc["targets"]
        .as_array()
        .and_then(|all| all.iter().find(|t| t["privileged"] != true))
        .and_then(|t| t["id"].as_str())
        .context("a role that is not privileged")?
        .to_owned();
    output(b.kumo(&["credential-process", &target])).await?;
    let calls_before = b.fake.calls(Operation::GetRoleCredentials);
    let times = timings(a.runs, || b.kumo(&["credential-process", &target])).await?;
    ensure!(
        b.fake.calls(Operation::GetRoleCredentials) == calls_before,
        "credential-process went to the network"
    );
    println!("\n## kumo credential-process, cached ({} runs)", a.runs);
    println!(
        "median: {}; p90: {}; min: {}",
        ms(median(&times)),
        ms(p90(&times)),
        ms(times[0])
    );

    // `kumo exec TARGET -- true`: the same credentials from the keychain, a child
    // spawned and waited for.
    let times = timings(a.runs, || b.kumo(&["exec", &target, "--", "true"])).await?;
    ensure!(
        b.fake.calls(Operation::GetRoleCredentials) == calls_before,
        "exec went to the network"
    );
    println!("\n## kumo exec TARGET -- true, cached ({} runs)", a.runs);
    println!(
        "median: {}; p90: {}; min: {}",
        ms(median(&times)),
        ms(p90(&times)),
        ms(times[0])
    );

    // `kumo status`: the keychain, the renewal record and the clock, no network; what a
    // shell prompt may ask at every command.
    let calls = || {
        Operation::ALL
            .iter()
            .map(|op| b.fake.calls(*op))
            .sum::<u64>()
    };
    let calls_before = calls();
    let times = timings(a.runs, || b.kumo(&["status"])).await?;
    ensure!(calls() == calls_before, "status went to the network");
    println!("\n## kumo status, signed in ({} runs)", a.runs);
    println!(
        "median: {}; p90: {}; min: {}",
        ms(median(&times)),
        ms(p90(&times)),
        ms(times[0])
    );

    let times = timings(a.runs, || b.kumo(&["ls"])).await?;
    println!(
        "\n## kumo ls from the cache of {roles} roles ({} runs)",
        a.runs
    );
    println!(
        "median: {}; p90: {}; min: {}",
        ms(median(&times)),
        ms(p90(&times)),
        ms(times[0])
    );

    export(b, roles).await?;
    if let Some(python) = &a.python {
        boto3(b, python, &target).await?;
    }
    if let Some(tool) = &a.aws_sso_util {
        aws_sso_util(b, tool).await?;
    }
    Ok(())
}

/// `kumo export aws` of every discovered role into a 10,000-line config of the user's.
async fn export(b: &Bench, roles: usize) -> anyhow::Result<()> {
    let path = b.home.path().join("aws-config");
    let user: String = (0..2500)
        .map(|i| format!("[profile user-{i}]\nregion = us-east-1\n# note {i}\n\n"))
        .collect();
    let runs = b.args.runs.min(21);
    let times = timings(runs, || {
        std::fs::write(&path, &user).expect("the bench writes its config");
        b.kumo(&["export", "aws"])
    })
    .await?;
    let written = std::fs::read_to_string(&path)?;
    ensure!(
        written.starts_with(&user),
        "export changed the user's lines"
    );
    ensure!(
        written.matches("[profile ").count() == 2500 + roles,
        "export wrote the wrong number of profiles"
    );
    println!("\n## kumo export aws: {roles} profiles into a 10,000-line config ({runs} runs)");
    println!("median: {}; p90: {}", ms(median(&times)), ms(p90(&times)));
    let times = timings(runs, || b.kumo(&["export", "aws"])).await?;
    println!(
        "again, nothing to change: median {}; p90: {}",
        ms(median(&times)),
        ms(p90(&times))
    );
    Ok(())
}

/// boto3 resolving the same credentials through a `credential_process` profile that
/// runs kumo: the cost a Python SDK user pays per process.
async fn boto3(b: &Bench, python: &Path, target: &str) -> anyhow::Result<()> {
    std::fs::write(
        b.home.path().join("aws-config"),
        format!(
            "[profile bench]\ncredential_process = {} credential-process {target}\nregion = us-east-1\n",
            b.args.kumo.display()
        ),
    )?;
    let script = "import boto3; boto3.Session(profile_name='bench').get_credentials().get_frozen_credentials()";
    let runs = b.args.runs.min(15);
    let times = timings(runs, || {
        let mut cmd = Command::new(python);
        b.environment(&mut cmd);
        cmd.args(["-c", script]);
        cmd
    })
    .await?;
    println!("\n## boto3 resolving credentials via kumo credential-process ({runs} runs)");
    println!("median: {}; p90: {}", ms(median(&times)), ms(p90(&times)));
    Ok(())
}

/// `aws-sso-util roles` listing the same directory from the same fake, with the access
/// token put where botocore's SSO token cache looks for it.
async fn aws_sso_util(b: &Bench, tool: &Path) -> anyhow::Result<()> {
    let session: serde_json::Value = {
        let out = Command::new("secret-tool")
            .args([
                "lookup",
                "service",
                &b.service,
                "username",
                "aws/bench/session",
            ])
            .output()?;
        serde_json::from_slice(&out.stdout).context("kumo's session in the keychain")?
    };
    let start_url = "https://bench.awsapps.com/start";
    let cache_dir = b.home.path().join(".aws/sso/cache");
    std::fs::create_dir_all(&cache_dir)?;
    let expires = token_cache_time(session["token"]["expires_at"].as_i64().unwrap_or(0));
    let token = serde_json::json!({
        "startUrl": start_url,
        "region": "eu-west-1",
        "accessToken": session["token"]["access_token"],
        "expiresAt": expires,
    });
    let key = sha1_hex(start_url);
    std::fs::write(cache_dir.join(format!("{key}.json")), token.to_string())?;
    let before = b.fake.calls(Operation::ListAccounts) + b.fake.calls(Operation::ListAccountRoles);
    let throttled_before = b.fake.throttled();
    let mut cmd = Command::new(tool);
    b.environment(&mut cmd);
    cmd.args([
        "roles",
        "--sso-start-url",
        start_url,
        "--sso-region",
        "eu-west-1",
    ])
    .env("AWS_ENDPOINT_URL_SSO", b.fake.base_url());
    let started = Instant::now();
    let out = tokio::task::spawn_blocking(move || cmd.output()).await??;
    let wall = started.elapsed();
    let calls =
        b.fake.calls(Operation::ListAccounts) + b.fake.calls(Operation::ListAccountRoles) - before;
    println!("\n## aws-sso-util roles on the same fake");
    if out.status.success() {
        let lines = String::from_utf8_lossy(&out.stdout).lines().count();
        println!(
            "output lines: {lines}; calls: {calls}; throttled answers: {}; wall: {:.1} s",
            b.fake.throttled() - throttled_before,
            wall.as_secs_f64()
        );
    } else {
        println!(
            "failed after {:.1} s ({calls} calls): {}",
            wall.as_secs_f64(),
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        );
    }
    Ok(())
}

/// botocore reads the token cache's `expiresAt` as `%Y-%m-%dT%H:%M:%SZ`.
fn token_cache_time(epoch: i64) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::OffsetDateTime::from_unix_timestamp(epoch)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .format(&format)
        .expect("a UTC time formats")
}

/// The AWS CLI names a token cache file by the SHA-1 of the start URL (legacy config).
fn sha1_hex(text: &str) -> String {
    use sha1::Digest;
    sha1::Sha1::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
