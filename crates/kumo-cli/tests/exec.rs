//! `kumo exec`: a command run with a target's credentials through the real binary,
//! its exit status and signals passed through, and the loopback credential endpoint
//! that keeps a long run supplied past any one set of credentials.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use kumo_fake::{Operation, Options};
use support::{World, accounts};

async fn signed_in(options: Options) -> World {
    let world = World::new(options).await;
    world.ok(&["login"]).await;
    world.ok(&["ls"]).await;
    world
}

#[tokio::test(flavor = "multi_thread")]
async fn exec_sets_the_aws_variables_and_removes_the_profile() {
    let world = signed_in(accounts(1, 2)).await;
    let target = world.target(0, 1);
    let mut cmd = world.command(&[
        "exec",
        &target,
        "--",
        "sh",
        "-c",
        "echo \"$AWS_REGION ${AWS_PROFILE-unset} ${#AWS_ACCESS_KEY_ID} ${#AWS_SESSION_TOKEN} $KUMO_TARGET\"",
    ]);
    cmd.env("AWS_PROFILE", "someone-else");
    let line = support::succeeds(cmd).await;
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(fields[0], "eu-west-1");
    assert_eq!(fields[1], "unset");
    assert_ne!(fields[2], "0", "an access key id");
    assert_ne!(fields[3], "0", "a session token");
    assert_eq!(fields[4], target);
}

#[tokio::test(flavor = "multi_thread")]
async fn exec_exits_with_the_commands_status() {
    let world = signed_in(accounts(1, 1)).await;
    let out = world
        .run(&["exec", &world.target(0, 0), "--", "sh", "-c", "exit 7"])
        .await;
    assert_eq!(out.status.code(), Some(7));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_command_ended_by_a_signal_exits_as_a_shell_reports_it() {
    let world = signed_in(accounts(1, 1)).await;
    let out = world
        .run(&[
            "exec",
            &world.target(0, 0),
            "--",
            "sh",
            "-c",
            "kill -KILL $$",
        ])
        .await;
    assert_eq!(out.status.code(), Some(128 + 9));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sigterm_to_kumo_reaches_the_command() {
    let world = signed_in(accounts(1, 1)).await;
    let mut cmd = world.command(&[
        "exec",
        &world.target(0, 0),
        "--",
        "sh",
        "-c",
        "trap 'echo got-term; exit 3' TERM; echo ready; while :; do sleep 0.1; done",
    ]);
    cmd.stdin(Stdio::null()).stdout(Stdio::piped());
    let status = tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        assert_eq!(lines.next().unwrap().unwrap(), "ready");
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert_eq!(lines.next().unwrap().unwrap(), "got-term");
        child.wait().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(status.code(), Some(3));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_command_that_does_not_exist_is_one_clear_line() {
    let world = signed_in(accounts(1, 1)).await;
    assert_eq!(
        world
            .fails(&["exec", &world.target(0, 0), "--", "no-such-command-here"])
            .await,
        "kumo: cannot run `no-such-command-here`: No such file or directory (os error 2)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn exec_takes_a_target_by_a_query_that_matches_one() {
    let world = signed_in(accounts(1, 2)).await;
    let out = world
        .ok(&[
            "exec",
            "payments read",
            "--",
            "sh",
            "-c",
            "echo $KUMO_TARGET",
        ])
        .await;
    assert_eq!(out.trim(), world.target(0, 1));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ambiguous_query_off_a_terminal_names_the_candidates() {
    let world = signed_in(accounts(1, 2)).await;
    assert_eq!(
        world.fails(&["exec", "payments", "--", "true"]).await,
        format!(
            "kumo: `payments` matches 2 targets: {} (payments-prod · AdministratorAccess), {} (payments-prod · ReadOnlyAccess); name one by its id or alias, or add words to the query",
            world.target(0, 0),
            world.target(0, 1)
        )
    );
}

/// A botocore client calling STS in a loop through the endpoint for longer than any one
/// set of credentials lives: the fake refuses expired ones, so each call works only if
/// the endpoint handed out renewed credentials.
#[tokio::test(flavor = "multi_thread")]
async fn the_credential_endpoint_keeps_a_long_run_working_past_each_expiry() {
    let python = std::env::var("KUMO_TEST_PYTHON")
        .expect("KUMO_TEST_PYTHON names a Python with boto3; `make test` creates one");
    let world = signed_in(Options {
        credential_lifetime: Duration::from_secs(4),
        ..accounts(1, 1)
    })
    .await;
    let script = "import time, boto3\n\
                  sts = boto3.Session().client('sts')\n\
                  for _ in range(4):\n\
                  \x20   print(sts.get_caller_identity()['Account'], flush=True)\n\
                  \x20   time.sleep(2.5)\n";
    let mut cmd = world.command(&[
        "exec",
        "--server",
        &world.target(0, 0),
        "--",
        &python,
        "-c",
        script,
    ]);
    cmd.env("AWS_ENDPOINT_URL_STS", world.fake.base_url())
        .env("AWS_CONFIG_FILE", world.home.path().join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            world.home.path().join("no-credentials"),
        );
    let fetched_before = world.fake.calls(Operation::GetRoleCredentials);
    let out = support::succeeds(cmd).await;
    let account = &world.fake.options().directory.accounts[0].id;
    assert_eq!(out, format!("{account}\n").repeat(4));
    assert!(
        world.fake.calls(Operation::GetRoleCredentials) - fetched_before >= 3,
        "the endpoint renewed the credentials as they ended"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_credential_endpoint_refuses_a_request_without_its_token() {
    let python = std::env::var("KUMO_TEST_PYTHON")
        .expect("KUMO_TEST_PYTHON names a Python with boto3; `make test` creates one");
    let world = signed_in(accounts(1, 1)).await;
    let script = "import os, urllib.request, urllib.error\n\
                  url = os.environ['AWS_CONTAINER_CREDENTIALS_FULL_URI']\n\
                  try:\n\
                  \x20   urllib.request.urlopen(url)\n\
                  except urllib.error.HTTPError as e:\n\
                  \x20   print(e.code)\n\
                  req = urllib.request.Request(url, headers={'Authorization': os.environ['AWS_CONTAINER_AUTHORIZATION_TOKEN']})\n\
                  print(urllib.request.urlopen(req).status)\n";
    let out = world
        .ok(&[
            "exec",
            "--server",
            &world.target(0, 0),
            "--",
            &python,
            "-c",
            script,
        ])
        .await;
    assert_eq!(out, "401\n200\n");
}
