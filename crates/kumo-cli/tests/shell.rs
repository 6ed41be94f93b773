//! Kumo in the real shells (Debian's bash, zsh and fish): `kumo use` through the
//! function `kumo shell-init` defines, and completions of commands and target names.

mod support;

use std::process::Command;

use support::{World, accounts};

/// `script` run by `shell -c`, with the world's environment and this `kumo` first on PATH.
async fn in_shell(world: &World, shell: &str, script: &str) -> String {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_kumo"))
        .parent()
        .unwrap()
        .to_owned();
    let mut cmd = Command::new(shell);
    world.environment(&mut cmd);
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    cmd.arg("-c")
        .arg(script)
        .env("PATH", path)
        // fish keeps its own state under these.
        .env("XDG_DATA_HOME", world.home.path().join("data"));
    support::succeeds(cmd).await
}

async fn signed_in() -> World {
    let world = World::new(accounts(2, 2)).await;
    world.ok(&["login"]).await;
    world.ok(&["ls"]).await;
    world
}

const POSIX_USE: &str = r#"export AWS_PROFILE=someone-else
kumo use 'identity read' 2>/dev/null
echo "$KUMO_TARGET ${AWS_PROFILE-unset} ${#AWS_ACCESS_KEY_ID} $AWS_REGION"
kumo use --unset 2>/dev/null
echo "${KUMO_TARGET-none} ${AWS_ACCESS_KEY_ID-none} ${AWS_REGION-none} ${KUMO_USE_VARS-none}"
"#;

/// `kumo use` and `--unset` in a POSIX shell, after its init.
async fn posix_use(shell: &str) {
    let world = signed_in().await;
    let out = in_shell(
        &world,
        shell,
        &format!("eval \"$(kumo shell-init {shell})\"\n{POSIX_USE}"),
    )
    .await;
    assert_eq!(
        out,
        format!(
            "{} unset 20 eu-west-1\nnone none none none\n",
            world.target(1, 1)
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn use_switches_and_clears_a_bash_shell() {
    posix_use("bash").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn use_switches_and_clears_a_zsh_shell() {
    posix_use("zsh").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn use_switches_and_clears_a_fish_shell() {
    let world = signed_in().await;
    let script = r#"kumo shell-init fish | source
set -gx AWS_PROFILE someone-else
kumo use 'identity read' 2>/dev/null
echo $KUMO_TARGET (set -q AWS_PROFILE; and echo $AWS_PROFILE; or echo unset) (string length -- $AWS_ACCESS_KEY_ID) $AWS_REGION
kumo use --unset 2>/dev/null
echo (set -q KUMO_TARGET; and echo $KUMO_TARGET; or echo none) (set -q AWS_ACCESS_KEY_ID; or echo none) (set -q KUMO_USE_VARS; or echo none)
"#;
    let out = in_shell(&world, "fish", script).await;
    assert_eq!(
        out,
        format!(
            "{} unset 20 eu-west-1\nnone none none\n",
            world.target(1, 1)
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn use_points_aws_profile_at_an_exported_profile() {
    let world = signed_in().await;
    world.ok(&["export", "aws"]).await;
    let out = in_shell(
        &world,
        "bash",
        "eval \"$(kumo shell-init bash)\"\nkumo use identity-prod.ReadOnlyAccess 2>/dev/null\necho \"$AWS_PROFILE ${AWS_ACCESS_KEY_ID-none} $KUMO_TARGET\"",
    )
    .await;
    assert_eq!(
        out,
        format!("identity-prod.ReadOnlyAccess none {}\n", world.target(1, 1))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn switching_to_another_target_clears_what_the_first_set() {
    let world = signed_in().await;
    world.ok(&["export", "aws"]).await;
    let out = in_shell(
        &world,
        "bash",
        &format!(
            "eval \"$(kumo shell-init bash)\"\nkumo use 'identity read' 2>/dev/null\nkumo use {} 2>/dev/null\necho \"${{AWS_ACCESS_KEY_ID-none}} $AWS_PROFILE\"",
            world.target(0, 0)
        ),
    )
    .await;
    assert_eq!(out, "none payments-prod.AdministratorAccess\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn use_without_the_shell_function_says_how_to_set_it_up() {
    let world = signed_in().await;
    assert_eq!(
        world.fails(&["use", "identity read"]).await,
        "kumo: `kumo use` changes the current shell through the function `kumo shell-init` defines: add `eval \"$(kumo shell-init bash)\"` (or zsh, fish, powershell) to your shell's startup file"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bash_completes_commands_and_target_ids_from_the_cache() {
    let world = signed_in().await;
    let complete = |line: &str| {
        let words: Vec<&str> = line.split(' ').collect();
        format!(
            "source <(kumo completions bash)\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_TYPE=9\n_clap_complete_kumo kumo '{}' kumo\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
            words
                .iter()
                .map(|w| format!("'{w}'"))
                .collect::<Vec<_>>()
                .join(" "),
            words.len() - 1,
            words.last().unwrap()
        )
    };
    let commands = in_shell(&world, "bash", &complete("kumo ex")).await;
    assert_eq!(commands, "export\nexec\n");
    let targets = in_shell(&world, "bash", &complete("kumo exec aws:acme/21")).await;
    let expected: Vec<String> = (0..2)
        .flat_map(|a| (0..2).map(move |r| (a, r)))
        .map(|(a, r)| world.target(a, r))
        .collect();
    assert_eq!(targets.lines().collect::<Vec<_>>(), expected);
}

#[tokio::test(flavor = "multi_thread")]
async fn fish_completes_target_ids_with_their_names() {
    let world = signed_in().await;
    let out = in_shell(
        &world,
        "fish",
        "kumo completions fish | source\ncomplete -C 'kumo console aws:acme/210000007919/R'",
    )
    .await;
    assert_eq!(
        out,
        format!("{}\tidentity-prod · ReadOnlyAccess\n", world.target(1, 1))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn zsh_loads_the_completions_and_kumo_answers_them() {
    let world = signed_in().await;
    world.ok(&["export", "aws"]).await;
    let out = in_shell(
        &world,
        "zsh",
        "autoload -U compinit && compinit -u\nsource <(kumo completions zsh)\nwhence -w _clap_dynamic_completer_kumo\n_CLAP_COMPLETE_INDEX=2 COMPLETE=zsh kumo -- kumo creds identity-prod.R",
    )
    .await;
    assert_eq!(
        out,
        format!(
            "_clap_dynamic_completer_kumo: function\nidentity-prod.ReadOnlyAccess:{}",
            world.target(1, 1)
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_prompt_segment_shows_the_target_and_its_minutes_left() {
    let world = signed_in().await;
    let out = in_shell(
        &world,
        "bash",
        "eval \"$(kumo shell-init bash)\"\nkumo_prompt; echo\nkumo use 'identity read' 2>/dev/null\nkumo_prompt",
    )
    .await;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "");
    let prefix = format!("[{} ", world.target(1, 1));
    assert!(
        lines[1].starts_with(&prefix) && lines[1].ends_with("m]"),
        "{out}"
    );
    let minutes: u32 = lines[1][prefix.len()..lines[1].len() - 2].parse().unwrap();
    assert!((55..=60).contains(&minutes), "{out}");
}
