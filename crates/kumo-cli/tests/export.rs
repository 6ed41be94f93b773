//! `kumo export aws` end to end: profiles in the user's AWS config, every byte outside
//! Kumo's block kept, atomic under SIGKILL, and read by boto3 in both modes.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;
use std::time::Duration;

use kumo_fake::Operation;
use support::{World, accounts};

const USER_CONFIG: &str = "# my settings\r\n[default]\r\nregion = us-west-2\r\n\r\n[profile payments-prod.AdministratorAccess]\r\nregion = ap-south-1 ; mine, not Kumo's\r\n# ünïcödé ☁ no final newline";

async fn signed_in(n: usize, roles: usize) -> World {
    let world = World::new(accounts(n, roles)).await;
    world.ok(&["login"]).await;
    world.ok(&["ls"]).await;
    world
}

fn aws_config(world: &World) -> std::path::PathBuf {
    world.home.path().join(".aws/config")
}

#[tokio::test(flavor = "multi_thread")]
async fn export_writes_one_profile_per_role_and_a_second_export_changes_nothing() {
    let world = signed_in(3, 2).await;
    let out = world.ok(&["export", "aws"]).await;
    assert_eq!(out, format!("Updated {}.\n", aws_config(&world).display()));
    let text = std::fs::read_to_string(aws_config(&world)).unwrap();
    assert!(text.starts_with("# BEGIN KUMO acme\n"), "{text}");
    assert!(text.ends_with("# END KUMO acme\n"), "{text}");
    assert_eq!(text.matches("[profile ").count(), 6);
    let account = &world.fake.options().directory.accounts[0];
    assert!(text.contains(&format!(
        "[profile {}.{}]\ncredential_process = {} credential-process aws:acme/{}/{}\nregion = eu-west-1\n",
        account.name,
        account.roles[0],
        env!("CARGO_BIN_EXE_kumo"),
        account.id,
        account.roles[0]
    )));
    assert_eq!(
        std::fs::metadata(aws_config(&world))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );

    let again = world.ok(&["export", "aws"]).await;
    assert_eq!(
        again,
        format!("{} is already up to date.\n", aws_config(&world).display())
    );
    assert_eq!(std::fs::read_to_string(aws_config(&world)).unwrap(), text);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_users_bytes_survive_export_and_removal_and_their_profile_is_never_overwritten() {
    let world = signed_in(1, 1).await;
    std::fs::create_dir_all(world.home.path().join(".aws")).unwrap();
    std::fs::write(aws_config(&world), USER_CONFIG).unwrap();
    let credentials = world.home.path().join(".aws/credentials");
    std::fs::write(&credentials, "[default]\naws_access_key_id = mine\n").unwrap();

    let out = world.run(&["export", "aws"]).await;
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(
        "kumo: left out `payments-prod.AdministratorAccess`: a section of that name exists outside Kumo's block (rename yours, or export with --prefix)"
    ));
    let exported = std::fs::read_to_string(aws_config(&world)).unwrap();
    assert!(exported.starts_with(USER_CONFIG));
    assert!(exported.contains("\r\n# BEGIN KUMO acme\r\n"));
    assert!(!exported[USER_CONFIG.len()..].contains("[profile payments-prod.AdministratorAccess]"));

    world.ok(&["export", "aws", "--remove"]).await;
    assert_eq!(
        std::fs::read_to_string(aws_config(&world)).unwrap(),
        USER_CONFIG
    );
    assert_eq!(
        std::fs::read_to_string(&credentials).unwrap(),
        "[default]\naws_access_key_id = mine\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_prefix_sidesteps_the_users_names() {
    let world = signed_in(1, 1).await;
    std::fs::create_dir_all(world.home.path().join(".aws")).unwrap();
    std::fs::write(aws_config(&world), USER_CONFIG).unwrap();
    let out = world.run(&["export", "aws", "--prefix", "kumo-"]).await;
    assert_eq!(String::from_utf8_lossy(&out.stderr), "acme: 1 profiles\n");
    let text = std::fs::read_to_string(aws_config(&world)).unwrap();
    assert!(text.contains("[profile kumo-payments-prod.AdministratorAccess]\r\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_prints_a_diff_and_writes_nothing() {
    let world = signed_in(1, 1).await;
    std::fs::create_dir_all(world.home.path().join(".aws")).unwrap();
    std::fs::write(aws_config(&world), "[default]\n").unwrap();
    let diff = world.ok(&["export", "aws", "--dry-run"]).await;
    let path = aws_config(&world).display().to_string();
    assert!(
        diff.starts_with(&format!(
            "--- {path}\n+++ {path}\n@@ -1 +1,8 @@\n [default]\n+# BEGIN KUMO acme\n"
        )),
        "{diff}"
    );
    assert_eq!(
        std::fs::read_to_string(aws_config(&world)).unwrap(),
        "[default]\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn export_writes_through_a_symlink_and_keeps_the_mode() {
    let world = signed_in(1, 1).await;
    let real = world.home.path().join("dotfiles/aws-config");
    std::fs::create_dir_all(real.parent().unwrap()).unwrap();
    std::fs::write(&real, "[default]\n").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::fs::create_dir_all(world.home.path().join(".aws")).unwrap();
    std::os::unix::fs::symlink(&real, aws_config(&world)).unwrap();

    world.ok(&["export", "aws"]).await;
    assert!(
        std::fs::symlink_metadata(aws_config(&world))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("# BEGIN KUMO acme")
    );
    assert_eq!(
        std::fs::metadata(&real).unwrap().permissions().mode() & 0o777,
        0o640
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sso_session_mode_writes_a_session_and_profiles_that_name_it() {
    let world = signed_in(1, 1).await;
    world.ok(&["export", "aws", "--mode", "sso-session"]).await;
    let text = std::fs::read_to_string(aws_config(&world)).unwrap();
    let account = &world.fake.options().directory.accounts[0];
    assert!(text.contains("[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n"), "{text}");
    assert!(text.contains(&format!(
        "[profile {}.{}]\nsso_session = acme\nsso_account_id = {}\nsso_role_name = {}\nregion = eu-west-1\n",
        account.name, account.roles[0], account.id, account.roles[0]
    )));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unclosed_block_is_refused_and_the_file_left_alone() {
    let world = signed_in(1, 1).await;
    std::fs::create_dir_all(world.home.path().join(".aws")).unwrap();
    std::fs::write(aws_config(&world), "# BEGIN KUMO acme\n[profile x]\n").unwrap();
    let err = world.fails(&["export", "aws"]).await;
    assert_eq!(
        err,
        format!(
            "kumo: {} has `# BEGIN KUMO acme` without a matching `# END KUMO acme` line: fix or remove the block by hand, then export again",
            aws_config(&world).display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(aws_config(&world)).unwrap(),
        "# BEGIN KUMO acme\n[profile x]\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_export_killed_at_any_point_leaves_the_old_file_or_the_new_one() {
    let world = signed_in(400, 10).await;
    std::fs::create_dir_all(world.home.path().join(".aws")).unwrap();
    let old = format!("{USER_CONFIG}\n");
    std::fs::write(aws_config(&world), &old).unwrap();
    world.ok(&["export", "aws"]).await;
    let new = std::fs::read_to_string(aws_config(&world)).unwrap();
    assert_ne!(new, old);
    let mut seen_old = 0;
    for round in 0..25u64 {
        std::fs::write(aws_config(&world), &old).unwrap();
        let mut child = world.command(&["export", "aws"]).spawn().unwrap();
        std::thread::sleep(Duration::from_micros(rand::random_range(0..40_000)));
        child.kill().unwrap();
        child.wait().unwrap();
        let now = std::fs::read_to_string(aws_config(&world)).unwrap();
        assert!(
            now == old || now == new,
            "round {round}: a mix of old and new"
        );
        seen_old += usize::from(now == old);
    }
    assert!(
        seen_old > 0,
        "no kill landed before the rename; the test proves nothing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn boto3_reads_both_exported_modes() {
    let python = std::env::var("KUMO_TEST_PYTHON")
        .expect("KUMO_TEST_PYTHON names a Python with boto3; `make test` creates one");
    let world = signed_in(2, 1).await;
    let account = &world.fake.options().directory.accounts[1];
    let profile = format!("{}.{}", account.name, account.roles[0]);
    let script = format!(
        "import boto3\nprint(boto3.Session(profile_name='{profile}').client('sts').get_caller_identity()['Arn'])\n"
    );
    let boto3 = |script: &str| {
        let mut cmd = Command::new(&python);
        world.environment(&mut cmd);
        cmd.args(["-c", script])
            .env("AWS_CONFIG_FILE", aws_config(&world))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                world.home.path().join(".aws/credentials"),
            )
            .env("AWS_ENDPOINT_URL_STS", world.fake.base_url())
            .env("AWS_ENDPOINT_URL_SSO", world.fake.base_url());
        cmd
    };
    let prefix = format!(
        "arn:aws:sts::{}:assumed-role/AWSReservedSSO_{}_",
        account.id, account.roles[0]
    );

    world.ok(&["export", "aws"]).await;
    let out = boto3(&script).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(&prefix));

    // sso-session mode: botocore's SSOTokenProvider reads the AWS CLI's token cache,
    // which Kumo writes on request.
    let out = world.ok(&WRITE_SSO_CACHE).await;
    let cache = sso_cache_file(&world);
    assert!(
        out.ends_with(&format!(
            "Wrote the AWS CLI's SSO token cache {}.\n",
            cache.display()
        )),
        "{out}"
    );
    let calls = world.fake.calls(Operation::GetRoleCredentials);
    let out = boto3(&script).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(&prefix));
    assert_eq!(world.fake.calls(Operation::GetRoleCredentials), calls + 1);
}

const WRITE_SSO_CACHE: [&str; 5] = [
    "export",
    "aws",
    "--mode",
    "sso-session",
    "--write-sso-cache",
];

/// `~/.aws/sso/cache/<sha1("acme")>.json`, as the AWS CLI names the `acme` session's.
fn sso_cache_file(world: &World) -> std::path::PathBuf {
    let name: String = {
        use sha1::Digest;
        sha1::Sha1::digest(b"acme")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    world
        .home
        .path()
        .join(".aws/sso/cache")
        .join(format!("{name}.json"))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sso_cache_holds_the_access_token_alone_privately_until_logout() {
    let world = signed_in(1, 1).await;
    world.ok(&WRITE_SSO_CACHE).await;
    let cache = sso_cache_file(&world);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cache).unwrap()).unwrap();
    let mut keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "accessToken",
            "clientId",
            "expiresAt",
            "region",
            "registrationExpiresAt",
            "startUrl"
        ]
    );
    world.ok(&["logout"]).await;
    assert!(!cache.exists(), "signing out removes the token from disk");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sso_cache_needs_sso_session_profiles() {
    let world = signed_in(1, 1).await;
    assert_eq!(
        world.fails(&["export", "aws", "--write-sso-cache"]).await,
        "kumo: the SSO token cache is for sso-session profiles: add `--mode sso-session`"
    );
    assert!(!sso_cache_file(&world).exists());
}
