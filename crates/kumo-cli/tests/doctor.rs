//! `kumo --version` and `kumo doctor`, run as a user would, against the real keychain.

use std::path::Path;
use std::process::{Command, Output};

fn kumo(config: &Path, extra_env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kumo"));
    cmd.args(args)
        .env("KUMO_CONFIG", config)
        .env_remove("BROWSER")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_SSO")
        .env_remove("AWS_ENDPOINT_URL_SSO_OIDC")
        .env_remove("AWS_ENDPOINT_URL_STS")
        .env_remove("KUMO_FEDERATION_URL");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.output().expect("kumo runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn version_prints_the_package_version() {
    let dir = tempfile::tempdir().unwrap();
    let out = kumo(&dir.path().join("none.toml"), &[], &["--version"]);
    assert!(out.status.success());
    assert_eq!(
        stdout(&out),
        format!("kumo {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn doctor_passes_on_a_healthy_machine_and_lists_the_orgs() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[[aws]]\nname = \"acme\"\nstart_url = \"https://acme.awsapps.com/start\"\nregion = \"eu-west-1\"\n",
    )
    .unwrap();
    let out = kumo(&config, &[], &["doctor"]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains(&format!("ok   Config file: {} parses\n", config.display())),
        "{text}"
    );
    assert!(
        text.contains("       AWS org `acme`: https://acme.awsapps.com/start (eu-west-1)\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "ok   Keychain: Secret Service (service `kumo`): write, read and delete work\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("ok   Browser: URLs open with the system default browser\n"),
        "{text}"
    );
    assert!(
        text.contains("ok   Endpoint overrides: none: Kumo talks to the real cloud endpoints\n"),
        "{text}"
    );
}

#[test]
fn doctor_fails_on_a_malformed_config_and_names_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[[aws]]\nname = \"acme\"\nstart_url = \"ftp://x\"\n",
    )
    .unwrap();
    let out = kumo(&config, &[], &["doctor"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!("FAIL Config file: config file {}, line 3, field `start_url`: `ftp://x` is not an https URL", config.display())),
        "{text}"
    );
    assert!(
        text.contains("fix: correct the file at the line named"),
        "{text}"
    );
}

#[test]
fn doctor_reports_endpoint_overrides_in_effect() {
    let dir = tempfile::tempdir().unwrap();
    let out = kumo(
        &dir.path().join("none.toml"),
        &[("AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:4000")],
        &["doctor"],
    );
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("ok   Endpoint overrides: 1 in effect\n       AWS_ENDPOINT_URL_SSO = http://127.0.0.1:4000/\n"), "{text}");
}

#[test]
fn doctor_fails_on_an_endpoint_variable_in_plain_http_across_the_network() {
    let dir = tempfile::tempdir().unwrap();
    let out = kumo(
        &dir.path().join("none.toml"),
        &[("AWS_ENDPOINT_URL_SSO", "http://sso.attacker.test")],
        &["doctor"],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("FAIL Endpoint overrides: none: Kumo talks to the real cloud endpoints\n       AWS_ENDPOINT_URL_SSO: `http://sso.attacker.test` is not an endpoint: plain http is allowed only to this machine (127.0.0.1, ::1, localhost); use https\n"),
        "{text}"
    );
}

#[test]
fn every_command_names_the_endpoint_overrides_in_effect_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[[aws]]\nname = \"acme\"\nstart_url = \"https://acme.awsapps.com/start\"\nregion = \"eu-west-1\"\noidc_endpoint = \"http://127.0.0.1:9\"\n",
    )
    .unwrap();
    let out = kumo(
        &config,
        &[
            ("AWS_ENDPOINT_URL_STS", "https://sts.test"),
            (
                "XDG_CACHE_HOME",
                &dir.path().join("cache").display().to_string(),
            ),
        ],
        &["ls"],
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr.lines().next(),
        Some(
            "kumo: warning: endpoint overrides in effect (they see sign-in tokens and credentials): org `acme` oidc_endpoint = http://127.0.0.1:9/, AWS_ENDPOINT_URL_STS = https://sts.test/"
        ),
        "{stderr}"
    );
}

#[test]
fn doctor_fails_when_browser_names_a_missing_program() {
    let dir = tempfile::tempdir().unwrap();
    let out = kumo(
        &dir.path().join("none.toml"),
        &[("BROWSER", "kumo-no-such-browser %s")],
        &["doctor"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out)
            .contains("FAIL Browser: URLs open with BROWSER command `kumo-no-such-browser '%s'`\n")
    );
}

#[test]
fn doctor_json_is_the_report_the_app_shows() {
    let dir = tempfile::tempdir().unwrap();
    let out = kumo(&dir.path().join("none.toml"), &[], &["doctor", "--json"]);
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["version"], env!("CARGO_PKG_VERSION"));
    let ids: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["config", "keychain", "browser", "endpoints"]);
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "ok")
    );
}

#[test]
fn doctor_fails_without_a_reachable_keychain() {
    let dir = tempfile::tempdir().unwrap();
    let out = kumo(
        &dir.path().join("none.toml"),
        &[(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/kumo-bus",
        )],
        &["doctor"],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "FAIL Keychain: Secret Service (service `kumo`) cannot be asked: DBus error: Failed to connect to socket /nonexistent/kumo-bus"
        ),
        "{text}"
    );
}

#[path = "support/keyring_bus.rs"]
mod keyring_bus;

/// `kumo doctor`'s report and success on `bus`, with nothing configured.
fn doctor_on(bus: &keyring_bus::KeyringBus) -> (String, bool) {
    let dir = tempfile::tempdir().unwrap();
    let out = kumo(
        &dir.path().join("none.toml"),
        &[("DBUS_SESSION_BUS_ADDRESS", &bus.address)],
        &["doctor"],
    );
    (stdout(&out), out.status.success())
}

#[test]
fn doctor_says_a_locked_keychain_is_locked_without_waiting_at_its_prompt() {
    let (text, ok) = doctor_on(&keyring_bus::KeyringBus::start("locked"));
    assert!(!ok, "{text}");
    assert!(
        text.contains("FAIL Keychain: Secret Service (service `kumo`) is locked\n"),
        "{text}"
    );
}

#[test]
fn doctor_passes_once_the_keychain_is_unlocked() {
    let mut bus = keyring_bus::KeyringBus::start("locked");
    bus.unlock();
    let (text, _) = doctor_on(&bus);
    assert!(
        text.contains(
            "ok   Keychain: Secret Service (service `kumo`): write, read and delete work\n"
        ),
        "{text}"
    );
}

#[test]
fn doctor_names_what_provides_a_secret_service_where_none_runs() {
    let (text, ok) = doctor_on(&keyring_bus::KeyringBus::start("missing"));
    assert!(!ok, "{text}");
    assert!(
        text.contains("FAIL Keychain: no Secret Service runs on this desktop\n"),
        "{text}"
    );
    assert!(text.contains("gnome-keyring"), "{text}");
}
