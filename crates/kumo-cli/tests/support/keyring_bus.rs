//! A D-Bus session bus of a test's own with a keychain in a given state
//! (scripts/keyring-bus.sh): gnome-keyring locked, or no Secret Service at all.
//! The app's end-to-end tests include this file too.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// scripts/keyring-bus.sh, found from whichever crate of the workspace includes this.
fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("scripts/keyring-bus.sh"))
        .find(|script| script.is_file())
        .expect("the workspace holds scripts/keyring-bus.sh")
}

pub struct KeyringBus {
    child: Child,
    input: Option<ChildStdin>,
    output: BufReader<ChildStdout>,
    /// What `DBUS_SESSION_BUS_ADDRESS` is set to for a process on this bus.
    pub address: String,
}

impl KeyringBus {
    /// `"locked"` or `"missing"`.
    pub fn start(mode: &str) -> Self {
        let mut child = Command::new(script())
            .arg(mode)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("scripts/keyring-bus.sh runs");
        let input = child.stdin.take();
        let mut output = BufReader::new(child.stdout.take().unwrap());
        let mut address = String::new();
        output.read_line(&mut address).unwrap();
        assert!(address.starts_with("unix:"), "no bus: {address:?}");
        Self {
            child,
            input,
            output,
            address: address.trim().to_owned(),
        }
    }

    /// Unlocks the keychain as a person at its prompt would.
    pub fn unlock(&mut self) {
        writeln!(self.input.as_mut().unwrap(), "unlock").unwrap();
        let mut answer = String::new();
        self.output.read_line(&mut answer).unwrap();
        assert_eq!(answer.trim(), "unlocked");
    }
}

impl Drop for KeyringBus {
    fn drop(&mut self) {
        // Closing its input ends the script, which stops the bus and the keyring.
        drop(self.input.take());
        let _ = self.child.wait();
    }
}
