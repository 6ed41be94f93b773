//! `kumo console` end to end: the sign-in URL of kumo-fake's federation endpoint, which
//! logs the browser in as the role and lands on the destination.

mod support;

use std::process::Command;

use kumo_fake::{ConsoleLogin, Operation};
use support::{World, accounts};

const BROWSER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/browser.sh");

async fn world(extra: &str) -> World {
    let world = World::with_org_settings(accounts(2, 1), extra).await;
    world.ok(&["login"]).await;
    world
}

fn federation(world: &World) -> String {
    format!(
        "federation_endpoint = \"{}/federation\"\n",
        world.fake.base_url()
    )
}

async fn console_world() -> World {
    let world = world("").await;
    let config = world.home.path().join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&federation(&world));
    std::fs::write(&config, text).unwrap();
    world
}

#[tokio::test(flavor = "multi_thread")]
async fn print_gives_the_federation_login_url_for_the_destination() {
    let world = console_world().await;
    let target = world.target(1, 0);
    let url = world
        .ok(&["console", &target, "--service", "ec2", "--print"])
        .await;
    let expected = format!(
        "{}/federation?Action=login&Issuer=kumo&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fec2%2Fhome%3Fregion%3Deu-west-1&SigninToken=",
        world.fake.base_url()
    );
    assert!(url.starts_with(&expected), "{url}");
    assert_eq!(world.fake.calls(Operation::GetSigninToken), 1);

    // A browser following the URL is signed in as the role and sent to the destination.
    Command::new(BROWSER).arg(url.trim_end()).status().unwrap();
    let account = &world.fake.options().directory.accounts[1];
    assert_eq!(
        world.fake.console_logins(),
        vec![ConsoleLogin {
            account_id: account.id.clone(),
            role_name: account.roles[0].clone(),
            issuer: Some("kumo".into()),
            destination: "https://console.aws.amazon.com/ec2/home?region=eu-west-1".into(),
            session_duration: Some(43200),
        }]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_console_opens_in_the_browser_signed_in() {
    let world = console_world().await;
    let out = world.run(&["console", &world.target(0, 0)]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let urls = world.browser_urls();
    assert_eq!(urls.len(), 2, "{urls:?}");
    // A one-shot local page that redirects to the federation sign-in.
    assert!(urls[1].starts_with("http://127.0.0.1:"), "{urls:?}");
    let logins = world.fake.console_logins();
    assert_eq!(logins.len(), 1);
    assert_eq!(
        logins[0].destination,
        "https://console.aws.amazon.com/console/home?region=eu-west-1"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sign_in_token_is_in_no_process_arguments_while_the_console_opens() {
    let world = console_world().await;
    let mut cmd = world.command(&["console", &world.target(0, 0)]);
    cmd.env("KUMO_TEST_BROWSER_LINGER", "1");
    let running = tokio::task::spawn_blocking(move || cmd.output().unwrap());
    let mut seen = Vec::new();
    while !running.is_finished() {
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            if let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) {
                let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
                if cmdline.contains("SigninToken") {
                    seen.push(cmdline);
                }
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let out = running.await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The scan ran while the browser lived, and the console did open.
    assert_eq!(world.fake.console_logins().len(), 1);
    assert_eq!(seen, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_destination_off_the_console_is_refused() {
    let world = console_world().await;
    let err = world
        .fails(&[
            "console",
            &world.target(0, 0),
            "--destination",
            "https://evil.example/",
            "--print",
        ])
        .await;
    assert_eq!(
        err,
        "kumo: --destination must be an https URL on console.aws.amazon.com (got `https://evil.example/`)"
    );
    assert_eq!(world.fake.calls(Operation::GetSigninToken), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_portal_shortcut_needs_no_local_credentials() {
    let world = world("portal_shortcut = true\n").await;
    let account = &world.fake.options().directory.accounts[0];
    let url = world
        .ok(&["console", &world.target(0, 0), "--service", "s3", "--print"])
        .await;
    assert_eq!(
        url,
        format!(
            "https://acme.awsapps.com/start/#/console?account_id={}&role_name={}&destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Deu-west-1\n",
            account.id, account.roles[0]
        )
    );
    assert_eq!(world.fake.calls(Operation::GetRoleCredentials), 0);
}
