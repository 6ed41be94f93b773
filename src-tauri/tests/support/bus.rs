//! A stand-in for a desktop service on the test session's D-Bus (the notification
//! service, a tray's StatusNotifierWatcher): it owns a well-known name and answers every
//! method call with what the test makes of it, on a thread that lives as long as the
//! test process. Included by `#[path]` in the tests that need it.

use std::sync::mpsc;
use std::time::Duration;

use dbus::Message;
use dbus::blocking::Connection;
use dbus::channel::{MatchingReceiver, Sender};
use dbus::message::MatchRule;

/// Owns `name` on the session bus and replies to each call with `answer(call)`; returns
/// once the name is owned.
pub fn stand_in(name: &'static str, mut answer: impl FnMut(&Message) -> Message + Send + 'static) {
    let (ready_tx, ready) = mpsc::channel();
    std::thread::spawn(move || {
        let conn = Connection::new_session().expect("the test session's D-Bus");
        conn.request_name(name, false, true, true)
            .unwrap_or_else(|e| panic!("{name} is taken on the test bus: {e}"));
        conn.start_receive(
            MatchRule::new_method_call(),
            Box::new(move |call, conn| {
                let _ = conn.send(answer(&call));
                true
            }),
        );
        ready_tx.send(()).unwrap();
        loop {
            let _ = conn.process(Duration::from_millis(100));
        }
    });
    ready
        .recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|_| panic!("the stand-in for {name} never started"));
}
