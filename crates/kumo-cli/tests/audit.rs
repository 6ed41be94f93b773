//! The audit trail end to end: every kind of access recorded as the company identity in
//! OCSF, read back by `kumo audit`, its chain checked by `kumo audit verify`, copied to
//! the journal, and never a secret in it.

mod support;

use std::os::unix::net::UnixDatagram;

use support::{World, accounts};

/// Signed in to the identity and one org (1 account, 2 roles), with the console and STS
/// on the fake.
async fn signed_in() -> World {
    let world = World::with_org_settings(accounts(1, 2), "").await;
    let federation = format!(
        "federation_endpoint = \"{url}/federation\"\nsts_endpoint = \"{url}\"\n\n",
        url = world.fake.base_url()
    );
    world.append_config(&(federation + &world.identity_table()));
    world.ok(&["login"]).await;
    world
}

fn trail(world: &World) -> std::path::PathBuf {
    world.home.path().join(".local/state/kumo/audit.jsonl")
}

fn records(world: &World) -> Vec<serde_json::Value> {
    std::fs::read_to_string(trail(world))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn kinds(records: &[serde_json::Value]) -> Vec<&str> {
    records
        .iter()
        .map(|r| r["unmapped"]["kumo_event"].as_str().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_kind_of_access_is_recorded_as_the_company_identity() {
    let world = signed_in().await;
    let target = world.target(0, 1);
    world.ok(&["ls", "--refresh"]).await;
    world.ok(&["creds", &target]).await;
    world.ok(&["credential-process", &target]).await;
    world.ok(&["console", "--print", &target]).await;
    world.ok(&["export", "aws"]).await;
    world.ok(&["logout"]).await;
    let all = records(&world);
    assert_eq!(
        kinds(&all),
        [
            "sign_in",
            "sign_in",
            "credentials",
            "credentials",
            "console",
            "export",
            "sign_out"
        ]
    );
    for record in &all {
        assert_eq!(
            record["actor"]["user"]["email_addr"], "developer@example.com",
            "{record}"
        );
        assert_eq!(record["metadata"]["product"]["name"], "Kumo");
        assert!(record["time_dt"].as_str().unwrap().ends_with('Z'));
        assert_eq!(
            record["type_uid"],
            record["class_uid"].as_u64().unwrap() * 100 + record["activity_id"].as_u64().unwrap()
        );
    }
    assert_eq!(all[1]["class_uid"], 3002);
    assert_eq!(all[1]["cloud"]["provider"], "AWS");
    assert_eq!(all[1]["unmapped"]["name"], "acme");
    assert_eq!(all[2]["class_uid"], 3003);
    assert_eq!(all[2]["unmapped"]["target"], target.as_str());
    assert_eq!(all[2]["unmapped"]["source"], "fetched");
    assert_eq!(all[3]["unmapped"]["source"], "keychain");
    assert_eq!(all[5]["class_uid"], 1001);
    assert_eq!(all[5]["unmapped"]["profiles"], 2);
    assert_eq!(all[6]["activity_id"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_name_the_process_that_asked_for_them() {
    let world = signed_in().await;
    world.ok(&["credential-process", &world.target(0, 1)]).await;
    let all = records(&world);
    let process = &all.last().unwrap()["actor"]["process"];
    // The test runs kumo: it is the caller.
    assert_eq!(process["pid"], std::process::id());
    assert_eq!(
        process["file"]["path"],
        std::env::current_exe().unwrap().to_string_lossy().as_ref()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn kumo_audit_reads_the_trail_filtered_by_kind_target_and_time() {
    let world = signed_in().await;
    let target = world.target(0, 1);
    world.ok(&["creds", &target]).await;
    let all = world.ok(&["audit"]).await;
    assert_eq!(all.lines().count(), 3, "{all}");
    let credentials = world.ok(&["audit", "--kind", "credentials"]).await;
    let line = credentials.lines().next().unwrap();
    assert!(
        line.contains("  credentials  developer@example.com  credentials for "),
        "{line}"
    );
    let account = target.split('/').nth(1).unwrap();
    assert_eq!(world.ok(&["audit", "--target", account]).await, credentials);
    assert_eq!(world.ok(&["audit", "--since", "1h"]).await, all);
    let json = world
        .ok(&["audit", "--json", "--kind", "credentials"])
        .await;
    let record: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(record["unmapped"]["target"], target.as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_says_intact_or_names_the_first_line_tampered_with() {
    let world = signed_in().await;
    let target = world.target(0, 1);
    for _ in 0..3 {
        world.ok(&["creds", &target]).await;
    }
    assert_eq!(world.ok(&["audit", "verify"]).await, "intact: 5 events\n");
    let path = trail(&world);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("credentials for", "credentials FOR", 1),
    )
    .unwrap();
    let out = world.run(&["audit", "verify"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "broken: {} line 4: its `prev` is not the hash of the line before it: a line was edited, removed or reordered here\n",
            path.display()
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn no_credentials_are_handed_out_that_cannot_be_recorded() {
    let world = signed_in().await;
    // The state directory's place is taken by a file: the trail cannot be written.
    std::fs::create_dir_all(world.home.path().join(".local")).unwrap();
    std::fs::remove_dir_all(world.home.path().join(".local/state")).unwrap();
    std::fs::write(world.home.path().join(".local/state"), "").unwrap();
    let out = world
        .run(&["credential-process", &world.target(0, 1)])
        .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("kumo: cannot write the audit trail "),
        "{err}"
    );
    assert!(
        err.trim_end()
            .ends_with("Kumo hands out nothing it cannot record"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn each_record_is_also_sent_to_the_journal() {
    let world = signed_in().await;
    let socket = world.home.path().join("journal.socket");
    let journal = UnixDatagram::bind(&socket).unwrap();
    let mut cmd = world.command(&["credential-process", &world.target(0, 1)]);
    cmd.env("KUMO_JOURNAL_SOCKET", &socket);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert!(out.status.success());
    let mut buf = vec![0u8; 65536];
    journal.set_nonblocking(true).unwrap();
    let n = journal.recv(&mut buf).unwrap();
    let datagram = String::from_utf8_lossy(&buf[..n]).into_owned();
    let fields: Vec<&str> = datagram
        .lines()
        .map(|l| l.split('=').next().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "MESSAGE",
            "PRIORITY",
            "SYSLOG_IDENTIFIER",
            "KUMO_EVENT",
            "KUMO_OCSF",
            "KUMO_ACTOR",
            "KUMO_TARGET"
        ]
    );
    assert!(
        datagram.contains("\nKUMO_EVENT=credentials\n"),
        "{datagram}"
    );
    assert!(
        datagram.contains("\nKUMO_ACTOR=developer@example.com\n"),
        "{datagram}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_reaches_the_trail_after_a_full_run() {
    let world = signed_in().await;
    let target = world.target(0, 1);
    let creds = world
        .ok(&["creds", &target, "--format", "env-no-export"])
        .await;
    let value = |name: &str| {
        creds
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap()
            .to_owned()
    };
    let url = world.ok(&["console", "--print", &target]).await;
    let signin_token = url.trim().rsplit("SigninToken=").next().unwrap().to_owned();
    world.ok(&["export", "aws"]).await;
    world.ok(&["logout"]).await;
    let trail = std::fs::read_to_string(trail(&world)).unwrap();
    for secret in [
        value("AWS_SECRET_ACCESS_KEY"),
        value("AWS_SESSION_TOKEN"),
        signin_token,
    ] {
        assert!(
            secret.len() > 16 && !trail.contains(&secret),
            "a secret is in the trail"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_follow_prints_the_trail_then_each_record_as_it_is_appended() {
    use std::io::{BufRead, BufReader};
    let world = signed_in().await;
    let before = records(&world).len();
    let mut follow = world.command(&["audit", "--follow", "--json"]);
    follow.stdout(std::process::Stdio::piped());
    let mut child = follow.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let lines = tokio::task::spawn_blocking(move || {
        let first: Vec<String> = (0..before)
            .map(|_| lines.next().unwrap().unwrap())
            .collect();
        (first, lines)
    })
    .await
    .unwrap();
    let (first, mut lines) = lines;
    assert_eq!(first.len(), before);
    world.ok(&["credential-process", &world.target(0, 1)]).await;
    let appended = tokio::task::spawn_blocking(move || lines.next().unwrap().unwrap())
        .await
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let record: serde_json::Value = serde_json::from_str(&appended).unwrap();
    assert_eq!(record["unmapped"]["kumo_event"], "credentials");
    assert_eq!(records(&world).last().unwrap(), &record);
}
