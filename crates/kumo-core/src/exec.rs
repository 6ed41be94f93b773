//! Running a person's command as a child of Kumo: its environment changed as asked,
//! the signals sent to Kumo passed on, and its exit status reported as a shell would.

use std::ffi::OsString;

use tokio::signal::unix::{SignalKind, signal};
use zeroize::Zeroizing;

#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    #[error("cannot run `{program}`: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    #[error("lost track of `{program}`: {source}")]
    Wait {
        program: String,
        source: std::io::Error,
    },
}

/// A command and the environment it runs in: the caller's, less `remove`, plus `set`.
pub struct Child<'a> {
    pub command: &'a [OsString],
    pub set: &'a [(String, Zeroizing<String>)],
    pub remove: &'a [&'a str],
}

/// Runs the child to its end and returns its exit status as a shell reports it: its
/// code, or 128 + the signal that ended it.
///
/// SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2 sent to Kumo go on to the child. SIGINT and
/// SIGQUIT from a terminal already reach the child, which shares the terminal's process
/// group; a second copy would turn a graceful stop (terraform's first Ctrl-C) into a
/// hard one, so they are passed on only when Kumo has no terminal.
pub async fn run(child: &Child<'_>) -> Result<i32, ExecError> {
    let (program, args) = child
        .command
        .split_first()
        .expect("a command has a program");
    let name = program.to_string_lossy().into_owned();
    let mut command = tokio::process::Command::new(program);
    command.args(args);
    for name in child.remove {
        command.env_remove(name);
    }
    for (name, value) in child.set {
        command.env(name, value.as_str());
    }
    // Signals are listened for before the child exists, so none slips by unhandled.
    let mut forwarded = Forwarded::listen().map_err(|source| ExecError::Spawn {
        program: name.clone(),
        source,
    })?;
    let mut running = command.spawn().map_err(|source| ExecError::Spawn {
        program: name.clone(),
        source,
    })?;
    let pid = running.id();
    loop {
        tokio::select! {
            status = running.wait() => {
                let status = status.map_err(|source| ExecError::Wait { program: name, source })?;
                return Ok(shell_status(status));
            }
            Some(signal) = forwarded.next() => {
                if let Some(pid) = pid.and_then(|pid| rustix::process::Pid::from_raw(pid as i32)) {
                    // The child may have ended meanwhile; its status comes next.
                    let _ = rustix::process::kill_process(pid, signal);
                }
            }
        }
    }
}

fn shell_status(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => code,
        (None, Some(signal)) => 128 + signal,
        (None, None) => 1,
    }
}

/// The signals Kumo listens for while a child runs, and which of them it passes on.
struct Forwarded {
    streams: Vec<(tokio::signal::unix::Signal, Option<rustix::process::Signal>)>,
}

impl Forwarded {
    fn listen() -> std::io::Result<Self> {
        use rustix::process::Signal;
        let from_terminal = std::io::IsTerminal::is_terminal(&std::io::stdin());
        // Listening to SIGINT and SIGQUIT also keeps Kumo alive on a terminal's Ctrl-C,
        // waiting for the child's own end.
        let passed_unless_terminal = |sent| (!from_terminal).then_some(sent);
        let kinds = [
            (SignalKind::terminate(), Some(Signal::TERM)),
            (SignalKind::hangup(), Some(Signal::HUP)),
            (SignalKind::user_defined1(), Some(Signal::USR1)),
            (SignalKind::user_defined2(), Some(Signal::USR2)),
            (SignalKind::interrupt(), passed_unless_terminal(Signal::INT)),
            (SignalKind::quit(), passed_unless_terminal(Signal::QUIT)),
        ];
        let streams = kinds
            .into_iter()
            .map(|(kind, sent)| Ok((signal(kind)?, sent)))
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(Self { streams })
    }

    /// The next signal to pass on.
    async fn next(&mut self) -> Option<rustix::process::Signal> {
        loop {
            let waits = self.streams.iter_mut().map(|(stream, sent)| {
                let sent = *sent;
                Box::pin(async move { stream.recv().await.map(|()| sent) })
            });
            if let Some(sent) = futures::future::select_all(waits).await.0? {
                return Some(sent);
            }
        }
    }
}
