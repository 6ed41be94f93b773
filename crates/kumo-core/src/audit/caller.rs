//! Which process asked for credentials: what tells a security team that `terraform`, and
//! not `curl`, took the keys. On Linux from `/proc`; elsewhere the pid alone.

use serde_json::{Value, json};

/// A process, as the audit trail names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub pid: u32,
    /// The executable's path.
    pub exe: Option<String>,
    /// The command line, each argument shell-quoted.
    pub cmd_line: Option<String>,
}

impl Caller {
    /// The process that started this one: for `credential-process`, the SDK or tool
    /// that runs it.
    pub fn parent() -> Self {
        #[cfg(unix)]
        let pid = std::os::unix::process::parent_id();
        #[cfg(not(unix))]
        let pid = 0;
        Self::of(pid)
    }

    /// This very process: the app, when it takes credentials for itself.
    pub fn this_process() -> Self {
        Self::of(std::process::id())
    }

    fn of(pid: u32) -> Self {
        let proc = std::path::PathBuf::from(format!("/proc/{pid}"));
        let exe = std::fs::read_link(proc.join("exe"))
            .ok()
            .map(|p| printable(&p.to_string_lossy()));
        let cmd_line = std::fs::read(proc.join("cmdline")).ok().map(|raw| {
            let args: Vec<String> = raw
                .split(|&b| b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| printable(&String::from_utf8_lossy(a)))
                .collect();
            shell_words::join(args)
        });
        Self { pid, exe, cmd_line }
    }

    /// "terraform (pid 4242)".
    pub fn describe(&self) -> String {
        let name = self
            .exe
            .as_deref()
            .and_then(|e| e.rsplit('/').next())
            .unwrap_or("a process");
        format!("{name} (pid {})", self.pid)
    }

    /// OCSF's `process` object.
    pub fn ocsf(&self) -> Value {
        json!({
            "pid": self.pid,
            "cmd_line": self.cmd_line,
            "file": {
                "path": self.exe,
                "name": self.exe.as_deref().and_then(|e| e.rsplit('/').next()),
            },
        })
    }
}

/// What a process says about itself goes into a record as text: no control characters.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_is_named_by_its_executable_and_command_line() {
        let me = Caller::this_process();
        let exe = std::env::current_exe().unwrap();
        assert_eq!(me.exe.as_deref(), Some(exe.to_string_lossy().as_ref()));
        assert!(
            me.cmd_line
                .as_deref()
                .is_some_and(|c| c.contains(&*exe.file_name().unwrap().to_string_lossy())),
            "{me:?}"
        );
    }

    #[test]
    fn control_characters_of_a_command_line_are_not_recorded() {
        assert_eq!(printable("a\nb\u{1b}[31m"), "a?b?[31m");
    }

    #[test]
    fn a_caller_is_described_by_its_program_and_pid() {
        let caller = Caller {
            pid: 42,
            exe: Some("/usr/bin/terraform".into()),
            cmd_line: None,
        };
        assert_eq!(caller.describe(), "terraform (pid 42)");
    }
}
