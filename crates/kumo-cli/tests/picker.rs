//! An ambiguous TARGET on a terminal opens a picker: driven here under a real
//! pseudo-terminal (Python's `pty`), with arrows, type-to-filter and Enter.

mod support;

use std::process::Command;

use support::{World, accounts};

/// Runs `kumo args…` on a pty, waits for the picker's prompt, types `keys`, and returns
/// everything the terminal showed, escape sequences and all.
async fn on_a_terminal(world: &World, args: &[&str], keys: &str) -> String {
    let python = std::env::var("KUMO_TEST_PYTHON")
        .expect("KUMO_TEST_PYTHON names a Python; `make test` creates one");
    let script = r#"
import os, pty, select, sys, time
keys = sys.argv[1].encode().decode('unicode_escape').encode()
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
seen = b''
def read(until, timeout):
    global seen
    end = time.time() + timeout
    while time.time() < end and until not in seen:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
read(b'pick one', 20)
os.write(fd, keys)
read(b'\x00', 20)
os.waitpid(pid, 0)
sys.stdout.write(seen.decode('utf-8', 'replace'))
"#;
    let mut cmd = Command::new(python);
    world.environment(&mut cmd);
    cmd.arg("-c")
        .arg(script)
        .arg(keys)
        .arg(env!("CARGO_BIN_EXE_kumo"))
        .args(args);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

async fn signed_in() -> World {
    let world = World::new(accounts(1, 3)).await;
    world.ok(&["login"]).await;
    world.ok(&["ls"]).await;
    world
}

const SHOW_TARGET: [&str; 4] = ["--", "sh", "-c", "echo chosen=$KUMO_TARGET"];

#[tokio::test(flavor = "multi_thread")]
async fn typing_filters_the_picker_and_enter_takes_the_match() {
    let world = signed_in().await;
    let args = [&["exec", "payments"][..], &SHOW_TARGET].concat();
    let screen = on_a_terminal(&world, &args, "power\\r").await;
    assert!(
        screen.contains(&format!("chosen={}", world.target(0, 2))),
        "{screen}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn arrows_move_through_the_picker() {
    let world = signed_in().await;
    let args = [&["exec", "payments"][..], &SHOW_TARGET].concat();
    let screen = on_a_terminal(&world, &args, "\\x1b[B\\r").await;
    assert!(
        screen.contains(&format!("chosen={}", world.target(0, 1))),
        "{screen}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_picker_lists_every_match_with_its_name() {
    let world = signed_in().await;
    let args = [&["exec", "payments"][..], &SHOW_TARGET].concat();
    let screen = on_a_terminal(&world, &args, "\\r").await;
    assert!(
        screen.contains("`payments` matches 3 targets; pick one"),
        "{screen}"
    );
    for role in ["AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess"] {
        assert!(
            screen.contains(&format!("payments-prod · {role}")),
            "{screen}"
        );
    }
    assert!(
        screen.contains(&format!("chosen={}", world.target(0, 0))),
        "{screen}"
    );
}
