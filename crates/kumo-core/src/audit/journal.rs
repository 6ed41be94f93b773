//! A copy of each event in the systemd journal, with structured fields, so the machine's
//! existing log shipper (journald forwarding, Fluent Bit, Vector) carries it to the SIEM
//! without Kumo owning a network client. Best effort: without a journal, nothing is sent.

use super::{Actor, Event};
use crate::environment::Environment;

/// journald's native socket; `KUMO_JOURNAL_SOCKET` names another (a test's).
const SOCKET: &str = "/run/systemd/journal/socket";

/// The datagram of journald's native protocol: one `KEY=value` line per field.
pub fn datagram(event: &Event, actor: Option<&Actor>, line: &str) -> String {
    let mut fields = vec![
        ("MESSAGE", event.message()),
        ("PRIORITY", "6".to_owned()),
        ("SYSLOG_IDENTIFIER", "kumo".to_owned()),
        ("KUMO_EVENT", event.kind().to_owned()),
        ("KUMO_OCSF", line.to_owned()),
    ];
    if let Some(actor) = actor {
        fields.push(("KUMO_ACTOR", actor.email.clone()));
    }
    if let Some(target) = event.target() {
        fields.push(("KUMO_TARGET", target.to_owned()));
    }
    fields
        .into_iter()
        // Values with a line break need the protocol's binary form; Kumo's have none,
        // and one that did is dropped rather than split into a forged field.
        .filter(|(_, value)| !value.contains('\n'))
        .map(|(key, value)| format!("{key}={value}\n"))
        .collect()
}

pub fn send(env: &Environment, event: &Event, actor: Option<&Actor>, line: &str) {
    #[cfg(unix)]
    {
        let socket = env.get("KUMO_JOURNAL_SOCKET").unwrap_or(SOCKET);
        if !std::path::Path::new(socket).exists() {
            return;
        }
        if let Ok(sender) = std::os::unix::net::UnixDatagram::unbound() {
            let _ = sender.send_to(datagram(event, actor, line).as_bytes(), socket);
        }
    }
    #[cfg(not(unix))]
    let _ = (env, event, actor, line);
}
