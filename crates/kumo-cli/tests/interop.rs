//! Interop with the AWS SDKs as users run them: boto3 (from PyPI, in the venv the test
//! command creates) resolves a `credential_process = kumo credential-process …` profile
//! and calls STS GetCallerIdentity on kumo-fake, which answers with the role's ARN.

mod support;

use std::process::Command;

use support::{World, accounts};

#[tokio::test(flavor = "multi_thread")]
async fn boto3_calls_sts_with_credentials_from_kumo_credential_process() {
    let python = std::env::var("KUMO_TEST_PYTHON")
        .expect("KUMO_TEST_PYTHON names a Python with boto3; `make test` creates one");
    let world = World::new(accounts(2, 2)).await;
    world.ok(&["login"]).await;
    let account = &world.fake.options().directory.accounts[1];
    let role = &account.roles[1];
    let aws_config = world.home.path().join("aws-config");
    std::fs::write(
        &aws_config,
        format!(
            "[profile kumo-interop]\ncredential_process = {} credential-process aws:acme/{}/{role}\nregion = us-east-1\n",
            env!("CARGO_BIN_EXE_kumo"),
            account.id
        ),
    )
    .unwrap();
    let script = "import boto3\n\
                  sts = boto3.Session(profile_name='kumo-interop').client('sts')\n\
                  print(sts.get_caller_identity()['Arn'])\n";
    // The profile's credential_process inherits this environment: the world's config,
    // cache and keychain namespace.
    let mut cmd = Command::new(python);
    world.environment(&mut cmd);
    cmd.arg("-c")
        .arg(script)
        .env("AWS_CONFIG_FILE", &aws_config)
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            world.home.path().join("no-credentials"),
        )
        .env("AWS_ENDPOINT_URL_STS", world.fake.base_url());
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let arn = String::from_utf8(out.stdout).unwrap();
    let prefix = format!(
        "arn:aws:sts::{}:assumed-role/AWSReservedSSO_{role}_",
        account.id
    );
    assert!(arn.starts_with(&prefix), "{arn}");
    assert!(arn.trim_end().ends_with("/developer@example.com"), "{arn}");
}
