//! A world for end-to-end tests: a kumo-fake, a throwaway home with a config pointing at
//! it, a keychain namespace of its own (removed afterwards), and the `kumo` binary.

#![allow(dead_code)] // each test file uses its own part of it

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use kumo_fake::{Directory, FakeServer, Options};

const BROWSER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/browser.sh");
pub const GUARD_OFF: &str = "[guard]\nenabled = false\n\n";

pub struct World {
    pub fake: FakeServer,
    pub home: tempfile::TempDir,
    pub service: String,
    pub started: std::time::SystemTime,
}

impl World {
    pub async fn new(options: Options) -> Self {
        Self::with_org_settings(options, "").await
    }

    pub async fn with_org_settings(options: Options, extra: &str) -> Self {
        let fake = FakeServer::start(options).await.unwrap();
        let home = tempfile::tempdir().unwrap();
        // The guard is the subject of tests/guard.rs only: elsewhere an admin role opens
        // without an elevation, as before the guard.
        let config = format!(
            "{GUARD_OFF}[[aws]]\nname = \"acme\"\nstart_url = \"https://acme.awsapps.com/start\"\nregion = \"eu-west-1\"\noidc_endpoint = \"{url}\"\nportal_endpoint = \"{url}\"\n{extra}",
            url = fake.base_url()
        );
        std::fs::write(home.path().join("config.toml"), config).unwrap();
        let service = format!("kumo-e2e-{}-{}", std::process::id(), rand_suffix());
        Self {
            fake,
            home,
            service,
            started: std::time::SystemTime::now(),
        }
    }

    pub fn browser_log(&self) -> PathBuf {
        self.home.path().join("browser.log")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kumo"));
        cmd.args(args);
        self.environment(&mut cmd);
        cmd
    }

    /// The world's environment: its home, config, cache, keychain namespace and browser.
    pub fn environment(&self, cmd: &mut Command) {
        let home = self.home.path();
        cmd.env("HOME", home)
            .env("KUMO_CONFIG", home.join("config.toml"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_RUNTIME_DIR", home.join("run"))
            .env("XDG_STATE_HOME", home.join(".local/state"))
            .env("KUMO_KEYCHAIN_SERVICE", &self.service)
            .env("BROWSER", BROWSER)
            .env("KUMO_TEST_BROWSER_LOG", self.browser_log())
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("CLOUDSDK_CONFIG")
            .env_remove("AWS_ENDPOINT_URL")
            .env_remove("AWS_ENDPOINT_URL_SSO")
            .env_remove("AWS_ENDPOINT_URL_SSO_OIDC");
    }

    /// Runs kumo off the async runtime, so the fake keeps answering meanwhile.
    pub async fn run(&self, args: &[&str]) -> Output {
        output(self.command(args)).await
    }

    /// Starts `n` kumo processes with `args` at once (each on its own blocking thread)
    /// and returns their outputs.
    pub async fn run_parallel(&self, args: &[&str], n: usize) -> Vec<Output> {
        let runs: Vec<_> = (0..n)
            .map(|_| {
                let mut cmd = self.command(args);
                tokio::task::spawn_blocking(move || cmd.output().unwrap())
            })
            .collect();
        let mut outputs = Vec::with_capacity(n);
        for run in runs {
            outputs.push(run.await.unwrap());
        }
        outputs
    }

    pub async fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args).await;
        assert!(
            out.status.success(),
            "kumo {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a failing command and returns its one-line error.
    pub async fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args).await;
        assert_eq!(
            out.status.code(),
            Some(1),
            "kumo {args:?}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let stderr = String::from_utf8(out.stderr).unwrap();
        let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("kumo: ")).collect();
        assert_eq!(lines.len(), 1, "{stderr}");
        lines[0].to_owned()
    }

    /// The `[identity]` table of the fake's issuer.
    pub fn identity_table(&self) -> String {
        let identity = &self.fake.options().identity;
        format!(
            "[identity]\nissuer = \"{}\"\nclient_id = \"{}\"\nclient_secret = \"{}\"\n",
            self.fake.base_url(),
            identity.client_id,
            identity.client_secret
        )
    }

    /// Adds `text` at the end of the config file.
    pub fn append_config(&self, text: &str) {
        let config = self.home.path().join("config.toml");
        let before = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, format!("{before}{text}")).unwrap();
    }

    pub fn target(&self, account: usize, role: usize) -> String {
        let a = &self.fake.options().directory.accounts[account];
        format!("aws:acme/{}/{}", a.id, a.roles[role])
    }

    pub fn browser_urls(&self) -> Vec<String> {
        std::fs::read_to_string(self.browser_log())
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

/// The line every command prints while endpoint overrides are in effect.
pub const OVERRIDE_WARNING: &str = "kumo: warning: endpoint overrides in effect";

/// Runs `cmd` off the async runtime (the fake keeps answering meanwhile) to its end.
/// Every world reaches the fake through its config's endpoint keys, so every command
/// warns of them: that line has tests of its own and is left out of stderr here.
pub async fn output(mut cmd: Command) -> Output {
    let mut out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains(OVERRIDE_WARNING) {
        out.stderr = stderr
            .lines()
            .filter(|line| !line.starts_with(OVERRIDE_WARNING))
            .map(|line| format!("{line}\n"))
            .collect::<String>()
            .into_bytes();
    }
    out
}

/// Runs `cmd` to its end and returns its stdout; a failure shows its stderr.
pub async fn succeeds(cmd: Command) -> String {
    let out = output(cmd).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = Command::new("secret-tool")
            .args(["clear", "service", &self.service])
            .status();
    }
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(Instant::now())
}

pub fn accounts(n: usize, roles: usize) -> Options {
    Options {
        directory: Directory::generated(n, roles),
        ..Options::default()
    }
}

pub fn keychain_item(service: &str, key: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", key])
        .output()
        .unwrap();
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn clear_keychain_item(service: &str, key: &str) {
    let status = Command::new("secret-tool")
        .args(["clear", "service", service, "username", key])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Every file under `dir`, recursively; directories other tests remove meanwhile are
/// skipped.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// No file under the world's home, nor any written in the temp dir since the world
/// began, holds any of `secrets`.
pub fn assert_not_on_disk(world: &World, secrets: &[&str]) {
    let mut scanned = files(world.home.path());
    scanned.extend(files(&std::env::temp_dir()).into_iter().filter(|p| {
        p.metadata()
            .is_ok_and(|m| m.len() < 10_000_000 && m.modified().is_ok_and(|t| t >= world.started))
    }));
    assert!(scanned.len() >= 2);
    for path in scanned {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        for secret in secrets {
            assert!(!text.contains(secret), "a secret is in {}", path.display());
        }
    }
}

/// Compares `actual` byte for byte with `tests/golden/<name>`; `KUMO_BLESS=1` records it
/// anew, for a change meant to alter the output.
pub fn assert_golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("KUMO_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no golden file {}: run with KUMO_BLESS=1 to record it",
            path.display()
        )
    });
    assert_eq!(actual, expected, "differs from {}", path.display());
}
