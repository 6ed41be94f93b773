//! The tray menu as a desktop shows it: the real app registers its StatusNotifierItem
//! with a stand-in watcher (org.kde.StatusNotifierWatcher) on the test session's D-Bus,
//! and its menu, read over com.canonical.dbusmenu, names the starred target, then
//! "Search…" and "Quit Kumo"; clicking "Quit Kumo" there ends the app.

#[path = "support/bus.rs"]
mod bus;

use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use dbus::arg::{PropMap, RefArg, Variant};
use dbus::blocking::Connection;
use dbus::blocking::stdintf::org_freedesktop_dbus::Properties;
use kumo_core::harness::{Account, Environment, OrgCache, save_aws_listing};

const STARRED: &str = "aws:bench/200000000000/AdministratorAccess";

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Where an item registered: its bus name and object path.
type Registration = (String, String);

/// A StatusNotifierWatcher with a host, as a desktop panel provides; hands over each
/// item that registers.
fn start_watcher() -> mpsc::Receiver<Registration> {
    let (registered_tx, registered) = mpsc::channel();
    bus::stand_in("org.kde.StatusNotifierWatcher", move |call| {
        let member = call.member().map(|m| m.to_string()).unwrap_or_default();
        match member.as_str() {
            "RegisterStatusNotifierItem" => {
                let named: String = call.read1().unwrap_or_default();
                let sender = call.sender().map(|s| s.to_string()).unwrap_or_default();
                // An item names either its object path or its bus name.
                let registration = if named.starts_with('/') {
                    (sender, named)
                } else {
                    (named, "/StatusNotifierItem".to_owned())
                };
                let _ = registered_tx.send(registration);
                call.method_return()
            }
            "RegisterStatusNotifierHost" => call.method_return(),
            "Get" => {
                let (_, property): (String, String) = call.read2().unwrap_or_default();
                match property.as_str() {
                    "IsStatusNotifierHostRegistered" => call.method_return().append1(Variant(true)),
                    "ProtocolVersion" => call.method_return().append1(Variant(0i32)),
                    _ => call.method_return().append1(Variant(Vec::<String>::new())),
                }
            }
            "GetAll" => {
                let mut all = PropMap::new();
                all.insert(
                    "IsStatusNotifierHostRegistered".into(),
                    Variant(Box::new(true)),
                );
                all.insert("ProtocolVersion".into(), Variant(Box::new(0i32)));
                all.insert(
                    "RegisteredStatusNotifierItems".into(),
                    Variant(Box::new(Vec::<String>::new())),
                );
                call.method_return().append1(all)
            }
            _ => dbus::Message::error(
                call,
                &"org.freedesktop.DBus.Error.UnknownMethod".into(),
                &std::ffi::CString::new(format!("no {member} here")).unwrap(),
            ),
        }
    });
    registered
}

fn menu_path(conn: &Connection, item: &Registration) -> dbus::Path<'static> {
    conn.with_proxy(&item.0, &item.1, Duration::from_secs(5))
        .get("org.kde.StatusNotifierItem", "Menu")
        .expect("the item names its menu")
}

/// The menu's top-level items that have a label, in order: id and label.
fn menu_items(conn: &Connection, item: &Registration) -> Vec<(i32, String)> {
    type Layout = (i32, PropMap, Vec<Variant<Box<dyn RefArg>>>);
    let (_revision, (_, _, children)): (u32, Layout) = conn
        .with_proxy(&item.0, menu_path(conn, item), Duration::from_secs(5))
        .method_call(
            "com.canonical.dbusmenu",
            "GetLayout",
            (0i32, -1i32, Vec::<String>::new()),
        )
        .expect("the menu's layout");
    children
        .iter()
        .filter_map(|child| {
            let mut fields = child.0.as_iter()?;
            let id = fields.next()?.as_i64()? as i32;
            let mut props = fields.next()?.as_iter()?;
            let mut label = None;
            while let (Some(key), Some(value)) = (props.next(), props.next()) {
                if key.as_str() == Some("label") {
                    label = value.as_str().map(str::to_owned);
                }
            }
            Some((id, label?))
        })
        .collect()
}

#[test]
fn the_tray_menu_names_the_starred_target_then_search_and_quit_and_quit_ends_the_app() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "no DISPLAY: run the tests with `make test`, which starts Xvfb"
    );
    let registered = start_watcher();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "[[aws]]\nname = \"bench\"\nstart_url = \"https://bench.awsapps.com/start\"\nregion = \"eu-west-1\"\n",
    )
    .unwrap();
    let env = Environment::from_pairs([(
        "XDG_CACHE_HOME",
        home.path().join("cache").display().to_string(),
    )]);
    let account = Account {
        id: "200000000000".into(),
        name: "payments-prod".into(),
        email: String::new(),
        roles: vec!["AdministratorAccess".into(), "ReadOnlyAccess".into()],
    };
    save_aws_listing(
        &env,
        &OrgCache::new("bench", "https://bench.awsapps.com/start", 0, vec![account]),
    )
    .unwrap();
    let data = home.path().join("data/kumo");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("prefs.json"),
        format!("{{\"targets\": {{\"{STARRED}\": {{\"starred\": true}}}}}}"),
    )
    .unwrap();

    let mut app = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_kumo-app"))
            .env("HOME", home.path())
            .env("KUMO_CONFIG", home.path().join("config.toml"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_RUNTIME_DIR", home.path().join("run"))
            .env(
                "KUMO_KEYCHAIN_SERVICE",
                format!("kumo-tray-{}", std::process::id()),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    let item = registered
        .recv_timeout(Duration::from_secs(60))
        .expect("the app registers a tray item");

    // The menu starts from ids and gets the targets' names once the caches are read.
    let conn = Connection::new_session().unwrap();
    let expected = [
        "payments-prod · AdministratorAccess",
        "Search…",
        "Quit Kumo",
    ];
    let deadline = Instant::now() + Duration::from_secs(30);
    let items = loop {
        let items = menu_items(&conn, &item);
        let labels: Vec<&str> = items.iter().map(|(_, label)| label.as_str()).collect();
        if labels == expected {
            break items;
        }
        assert!(Instant::now() < deadline, "the tray menu says {labels:?}");
        std::thread::sleep(Duration::from_millis(250));
    };

    // A click, as a panel reports it: the app ends, successfully. It may end before its
    // reply to the click leaves; that, too, is the click taken.
    let quit = items[2].0;
    let clicked: Result<(), dbus::Error> = conn
        .with_proxy(&item.0, menu_path(&conn, &item), Duration::from_secs(5))
        .method_call(
            "com.canonical.dbusmenu",
            "Event",
            (quit, "clicked", Variant(0i32), 0u32),
        );
    if let Err(e) = &clicked {
        assert_eq!(
            e.name(),
            Some("org.freedesktop.DBus.Error.NoReply"),
            "the menu takes the click: {e}"
        );
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = app.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the app is still running");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{status}");
}
