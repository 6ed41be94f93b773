//! The commands the UI may call, one to one with the access layer: each parses, calls
//! kumo-core's door and returns metadata. No return type carries a secret (the tests
//! below check every one); credentials go from the keychain to the clipboard on this
//! side and never to the webview. Every failure is one serializable error: what
//! happened, and the next step for the UI to offer as a button.

use std::sync::Mutex;

use kumo_core::access::{
    AuditEntry, AuditQuery, Changes, ConsoleRequest, CredentialFormat, DoctorReport, Draft,
    ElevationView, Error, Feedback, KeychainState, Kumo, ListRequest, OnboardingRefusal, Principal,
    ProfileExport, Prompt, Provider, SessionStatus, Settings, SettingsView, SignInOptions,
    SignInScope, SignOutScope, SignedIn, Silent, SourceError, TargetPrefs, TargetView,
};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};
use tauri_plugin_autostart::ManagerExt as _;
use tokio::sync::RwLock;

use crate::tray;

pub struct AppState {
    pub kumo: RwLock<Kumo>,
    /// Kept for the app's life: on X11 the clipboard's content lives with its owner.
    pub clipboard: Mutex<Option<arboard::Clipboard>>,
    /// Launched with KUMO_DEMO=1: the UI starts the demo instead of onboarding.
    pub demo_on_start: bool,
    /// The launch overview, read while the webview starts: the UI's first `overview`
    /// takes it instead of waiting for the caches and the keychain.
    pub launch_overview: Mutex<Option<tauri::async_runtime::JoinHandle<Overview>>>,
    /// Wakes the sign-in watch (reminders.rs) to read the statuses again now.
    pub recheck: tokio::sync::Notify,
    /// The UI has its launch overview: work the launch need not wait for may start.
    pub launched: tokio::sync::Notify,
}

impl AppState {
    /// Starts reading the launch overview in the background.
    pub fn prefetch_overview(app: &AppHandle) {
        let handle = app.clone();
        let task = tauri::async_runtime::spawn(async move {
            let state = handle.state::<AppState>();
            state.read_overview(&handle).await
        });
        *lock(&app.state::<AppState>().launch_overview) = Some(task);
    }

    /// The overview of the workspace as it is now, from caches and the keychain.
    async fn read_overview(&self, app: &AppHandle) -> Overview {
        overview_of(
            &*self.kumo.read().await,
            self.demo_on_start,
            starts_at_login(app),
        )
    }

    /// Puts `fresh` in place of the workspace; a launch overview of the old one is void.
    async fn replace_workspace(&self, fresh: Kumo) -> tokio::sync::RwLockWriteGuard<'_, Kumo> {
        let mut kumo = self.kumo.write().await;
        *kumo = fresh;
        if let Some(stale) = lock(&self.launch_overview).take() {
            stale.abort();
        }
        self.recheck.notify_one();
        kumo
    }
}

/// A failure of the app's own (the autostart entry, a shortcut), with no next step.
pub fn failure(message: String) -> Error {
    Error {
        message,
        next: None,
    }
}

/// A plain mutex's guard, poisoned or not: what it guards stays consistent either way.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub configured: bool,
    pub demo: bool,
    /// The UI should start the demo at once (launched for it, with nothing configured).
    pub start_demo: bool,
    /// Kumo starts, minimised, when the person logs in.
    pub start_at_login: bool,
    pub config_path: String,
    pub now: i64,
    pub sessions: Vec<SessionStatus>,
    /// Each cloud's user, and whether it is the company identity: a banner warns of one
    /// that is not.
    pub principals: Vec<Principal>,
    /// The elevations running now.
    pub elevations: Vec<ElevationView>,
    pub targets: Vec<TargetView>,
    pub errors: Vec<SourceError>,
    /// Each endpoint override in effect (`where = url`): a banner warns of them.
    pub endpoint_overrides: Vec<String>,
    /// Whether the keychain can be read: locked or missing, the app says so first.
    pub keychain: KeychainState,
    /// The language the app speaks ("en", "ja").
    pub locale: &'static str,
    pub settings: SettingsView,
}

#[derive(Debug, Clone, Serialize)]
pub struct Refreshed {
    pub targets: Vec<TargetView>,
    pub errors: Vec<SourceError>,
    pub changes: Changes,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

fn overview_of(kumo: &Kumo, demo_on_start: bool, start_at_login: bool) -> Overview {
    let cached = kumo.cached();
    let start_demo = demo_on_start && !kumo.is_configured();
    // Launched for the demo, nothing asks the keychain: the demo keeps secrets in memory.
    let keychain = if start_demo || !kumo.is_configured() {
        KeychainState::Ready
    } else {
        kumo.keychain()
    };
    // A locked keychain would answer each read with its prompt: nothing reads it then.
    let readable = keychain == KeychainState::Ready;
    let settings = kumo.settings();
    Overview {
        configured: kumo.is_configured(),
        demo: kumo.is_demo(),
        start_demo,
        start_at_login,
        config_path: kumo.config_path().display().to_string(),
        now: kumo.now(),
        sessions: if readable {
            kumo.statuses()
        } else {
            Vec::new()
        },
        principals: if readable {
            kumo.principals()
        } else {
            Vec::new()
        },
        elevations: kumo.elevations(),
        targets: kumo.views(cached.targets),
        errors: cached.errors,
        endpoint_overrides: kumo.endpoint_overrides(),
        keychain,
        locale: settings.locale,
        settings,
    }
}

/// Whether the app starts at login, as the autostart entry says.
fn starts_at_login(app: &AppHandle) -> bool {
    app.autolaunch().is_enabled().unwrap_or(false)
}

/// The facts `kumo doctor` prints. Runs off the UI thread: the keychain probe can block.
#[tauri::command]
pub async fn doctor(state: State<'_, AppState>) -> Result<DoctorReport, Error> {
    tracing::info!("doctor report requested by the UI");
    let kumo = state.kumo.read().await;
    Ok(tokio::task::block_in_place(|| kumo.doctor()))
}

/// Everything the main screen shows at launch, from caches and the keychain only.
#[tauri::command]
pub async fn overview(app: AppHandle, state: State<'_, AppState>) -> Result<Overview, Error> {
    let task = lock(&state.launch_overview).take();
    let prefetched = match task {
        Some(task) => task
            .await
            .inspect_err(|e| {
                tracing::warn!("reading the launch overview failed ({e}); reading it again");
            })
            .ok(),
        None => None,
    };
    let overview = match prefetched {
        Some(overview) => overview,
        None => state.read_overview(&app).await,
    };
    state.launched.notify_one();
    tracing::info!(
        targets = overview.targets.len(),
        "overview requested by the UI"
    );
    Ok(overview)
}

/// Sends discovery progress to the UI as `refresh-progress` events.
struct ProgressEvents(AppHandle);

impl Feedback for ProgressEvents {
    fn say(&self, message: &str) {
        tracing::info!("{message}");
    }

    fn progress(&self, done: usize, total: usize) {
        let _ = self.0.emit("refresh-progress", Progress { done, total });
    }
}

/// Lists every cloud again, concurrently; a failing source keeps its cached targets.
/// Never prompts: a source without a session says so, with "Sign in" as its next step.
#[tauri::command]
pub async fn refresh(app: AppHandle, state: State<'_, AppState>) -> Result<Refreshed, Error> {
    let kumo = state.kumo.read().await;
    let request = ListRequest {
        org: None,
        cloud: None,
        refresh: true,
        keep_stale: true,
        prompt: Prompt::Never,
    };
    let listed = kumo.list(&request, &ProgressEvents(app.clone())).await;
    tray::update(&app);
    Ok(Refreshed {
        changes: listed.changes,
        targets: kumo.views(listed.targets),
        errors: listed.errors,
    })
}

/// Opens the target's console in its browser (signing in through the browser first if
/// the org's session is gone); the access layer records the open.
#[tauri::command]
pub async fn open_console(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    browser: Option<String>,
    isolate: Option<bool>,
    service: Option<String>,
) -> Result<(), Error> {
    let kumo = state.kumo.read().await;
    // What the person did not pick, Settings decides.
    let settings = kumo.settings();
    let browser = browser.or(settings.opens_in);
    let request = ConsoleRequest {
        target: &id,
        browser: browser.as_deref(),
        no_isolation: !isolate.unwrap_or(settings.chosen.isolate),
        service: service.as_deref(),
        ..ConsoleRequest::default()
    };
    kumo.open_console(&request, Prompt::Always, &Silent).await?;
    tray::update(&app);
    Ok(())
}

/// How long copied credentials stay on the clipboard.
const CLIPBOARD_SECS: u64 = 45;

/// Puts `export AWS_…` lines for an AWS target on the clipboard, from this side: the
/// secret never passes through the webview. The copy is marked for clipboard managers
/// to leave out of their history, and cleared after [`CLIPBOARD_SECS`] if the clipboard
/// still holds it.
#[tauri::command]
pub async fn copy_exports(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<(), Error> {
    let kumo = state.kumo.read().await;
    let credentials = kumo.credentials(&id, Prompt::Always, &Silent).await?;
    let text = credentials.render(CredentialFormat::Env);
    let failed = |message: String| Error {
        message,
        next: None,
    };
    let mut clipboard = lock(&state.clipboard);
    if clipboard.is_none() {
        *clipboard = Some(
            arboard::Clipboard::new()
                .map_err(|e| failed(format!("the clipboard is not available: {e}")))?,
        );
    }
    let set = clipboard.as_mut().expect("set above").set();
    #[cfg(all(unix, not(target_os = "macos")))]
    let set = arboard::SetExtLinux::exclude_from_history(set);
    #[cfg(target_os = "macos")]
    let set = arboard::SetExtApple::exclude_from_history(set);
    #[cfg(windows)]
    let set = arboard::SetExtWindows::exclude_from_history(set);
    set.text(text.as_str())
        .map_err(|e| failed(format!("the clipboard refused the text: {e}")))?;
    drop(clipboard);
    tracing::info!(target = %id, "copied credential exports to the clipboard");
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(CLIPBOARD_SECS)).await;
        let state = app.state::<AppState>();
        let mut clipboard = lock(&state.clipboard);
        if let Some(clipboard) = clipboard.as_mut()
            && clipboard
                .get_text()
                .is_ok_and(|now| zeroize::Zeroizing::new(now).as_str() == text.as_str())
        {
            let _ = clipboard.clear();
            tracing::info!("cleared the copied credentials from the clipboard");
        }
    });
    Ok(())
}

/// Writes the org's profiles into ~/.aws/config (Kumo's block only, atomically) with
/// `credential_process` pointing at the installed `kumo`, and says which profile is the
/// target's.
#[tauri::command]
pub async fn export_profile(
    state: State<'_, AppState>,
    id: String,
) -> Result<ProfileExport, Error> {
    state.kumo.read().await.export_profile(&id).await
}

/// Elevates a privileged target for `[guard] max_elevation`, for `reason`: the person
/// confirmed it in the app's dialog; the audit trail records it.
#[tauri::command]
pub async fn elevate(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> Result<ElevationView, Error> {
    state.kumo.read().await.elevate(&id, &reason, None)
}

/// "End elevation": ends a privileged target's elevation before its time (recorded);
/// returns the elevations still running.
#[tauri::command]
pub async fn end_elevation(
    state: State<'_, AppState>,
    id: String,
) -> Result<Vec<ElevationView>, Error> {
    let kumo = state.kumo.read().await;
    kumo.end_elevation(&id)?;
    Ok(kumo.elevations())
}

/// Each cloud's user and whether it is the company identity, as the last sign-ins
/// learnt it: read again after a sign-in, for the mismatch banner.
#[tauri::command]
pub async fn principals(state: State<'_, AppState>) -> Result<Vec<Principal>, Error> {
    Ok(state.kumo.read().await.principals())
}

/// The Activity view: the audit trail, latest first, of one target (any id containing
/// `target`) and one kind when given.
#[tauri::command]
pub async fn activity(
    state: State<'_, AppState>,
    target: Option<String>,
    kind: Option<String>,
) -> Result<Vec<AuditEntry>, Error> {
    let query = AuditQuery {
        since: None,
        target: target.as_deref().filter(|t| !t.is_empty()),
        kind: kind.as_deref().filter(|k| !k.is_empty()),
    };
    let mut entries = state.kumo.read().await.audit(&query)?;
    entries.reverse();
    Ok(entries)
}

#[tauri::command]
pub async fn toggle_star(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<bool, Error> {
    let starred = state.kumo.read().await.toggle_star(&id)?;
    tray::update(&app);
    Ok(starred)
}

#[tauri::command]
pub async fn set_alias(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    alias: String,
) -> Result<TargetPrefs, Error> {
    let prefs = state.kumo.read().await.set_alias(&id, &alias)?;
    tray::update(&app);
    Ok(prefs)
}

#[tauri::command]
pub async fn set_colour(
    state: State<'_, AppState>,
    id: String,
    colour: Option<String>,
) -> Result<TargetPrefs, Error> {
    state.kumo.read().await.set_colour(&id, colour.as_deref())
}

/// Starts Kumo (minimised to the tray) at login, or stops doing so; returns the new state.
#[tauri::command]
pub async fn set_start_at_login(app: AppHandle, enabled: bool) -> Result<bool, Error> {
    let changed = if enabled {
        crate::autostart_entry::enable(&app)
    } else {
        app.autolaunch().disable().map_err(|e| e.to_string())
    };
    changed.map_err(|e| failure(format!("cannot change the autostart entry: {e}")))?;
    Ok(starts_at_login(&app))
}

/// The settings, what this machine has to choose from, and what consoles open with.
#[tauri::command]
pub async fn settings(state: State<'_, AppState>) -> Result<SettingsView, Error> {
    Ok(state.kumo.read().await.settings())
}

/// Saves the settings; a new shortcut is taken at once (and nothing is saved if the
/// desktop refuses it).
#[tauri::command]
pub async fn save_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    settings: Settings,
) -> Result<SettingsView, Error> {
    let kumo = state.kumo.read().await;
    let before = kumo.chosen_settings().shortcut;
    let new_shortcut = settings.shortcut != before;
    if new_shortcut {
        crate::shortcut::replace(&app, &before, &settings.shortcut)?;
    }
    let saved = kumo.save_settings(&settings).inspect_err(|_| {
        if new_shortcut {
            let _ = crate::shortcut::replace(&app, &settings.shortcut, &before);
        }
    })?;
    // The tray speaks the language chosen.
    tray::update(&app);
    Ok(saved)
}

/// "Unlock": the keychain's own prompt; the overview once it is open.
#[tauri::command]
pub async fn unlock_keychain(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Overview, Error> {
    let kumo = state.kumo.read().await;
    tokio::task::block_in_place(|| kumo.unlock_keychain())?;
    state.recheck.notify_one();
    Ok(overview_of(&kumo, false, starts_at_login(&app)))
}

/// What the details pane shows beside the list's facts: until when the keychain holds
/// the target's role credentials (AWS), epoch seconds. Never the credentials.
#[derive(Debug, Clone, Serialize)]
pub struct TargetDetails {
    pub expires_at: Option<i64>,
}

#[tauri::command]
pub async fn target_details(
    state: State<'_, AppState>,
    id: String,
) -> Result<TargetDetails, Error> {
    let kumo = state.kumo.read().await;
    Ok(TargetDetails {
        expires_at: tokio::task::block_in_place(|| kumo.credentials_end(&id)),
    })
}

/// The palette's list: the cached targets in the person's order.
#[tauri::command]
pub async fn palette_targets(state: State<'_, AppState>) -> Result<Vec<TargetView>, Error> {
    let kumo = state.kumo.read().await;
    Ok(kumo.views(kumo.cached().targets))
}

/// Escape, or a console opened: the palette goes until the shortcut calls it again.
#[tauri::command]
pub async fn hide_palette(app: AppHandle) -> Result<(), Error> {
    crate::palette::hide(&app);
    Ok(())
}

/// The palette's way to the full window (browsing, settings).
#[tauri::command]
pub async fn show_main(app: AppHandle) -> Result<(), Error> {
    crate::palette::hide(&app);
    crate::show_search(&app);
    Ok(())
}

/// "Renew now": silently where a refresh token still works, else through the browser.
#[tauri::command]
pub async fn renew(
    state: State<'_, AppState>,
    provider: Provider,
    name: String,
) -> Result<Vec<SessionStatus>, Error> {
    let kumo = state.kumo.read().await;
    kumo.renew(provider, &name, &Silent).await?;
    state.recheck.notify_one();
    Ok(kumo.statuses())
}

/// "Sign in": the identity, then every org and tenant, in the one browser, each hinted
/// with the identity's account; nothing is asked of a provider whose session is valid
/// or silently renewable. Each provider's end is emitted as `sign-in-progress` as it
/// comes, for the chips to follow.
#[tauri::command]
pub async fn sign_in_all(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Vec<SessionStatus>, Error> {
    let kumo = state.kumo.read().await;
    let result = kumo
        .sign_in(
            &SignInScope::Everything,
            SignInOptions::default(),
            &Silent,
            &mut |done: &SignedIn| {
                let _ = app.emit("sign-in-progress", done);
            },
        )
        .await;
    state.recheck.notify_one();
    result.map(|()| kumo.statuses())
}

/// "Sign out" of one provider (the identity, an org, a tenant), or of all of them
/// without one: the provider revokes the session where it can, and its tokens leave the
/// keychain.
#[tauri::command]
pub async fn sign_out(
    state: State<'_, AppState>,
    provider: Option<Provider>,
    name: Option<String>,
) -> Result<Vec<SessionStatus>, Error> {
    let scope = match (provider, name) {
        (Some(Provider::Identity), _) => SignOutScope::Identity,
        (Some(Provider::Aws), name) => SignOutScope::Org(name),
        (Some(Provider::Azure), Some(name)) => SignOutScope::Tenant(name),
        (Some(Provider::Azure), None) | (None, _) => SignOutScope::All,
    };
    let kumo = state.kumo.read().await;
    kumo.sign_out(&scope).await?;
    state.recheck.notify_one();
    Ok(kumo.statuses())
}

/// "Try the demo": switches the app to the embedded demo cloud, signed in and listed,
/// as a person would have it on first use.
#[tauri::command]
pub async fn start_demo(app: AppHandle, state: State<'_, AppState>) -> Result<Overview, Error> {
    let demo = Kumo::demo().await?;
    for status in demo.statuses() {
        demo.renew(status.provider, &status.name, &Silent).await?;
    }
    let request = ListRequest {
        org: None,
        cloud: None,
        refresh: true,
        keep_stale: false,
        prompt: Prompt::Never,
    };
    if let Some(failed) = demo.list(&request, &Silent).await.errors.into_iter().next() {
        return Err(failed.error.context(failed.source));
    }
    let kumo = state.replace_workspace(demo).await;
    tracing::info!("switched to the demo cloud");
    Ok(overview_of(&kumo, false, starts_at_login(&app)))
}

/// Onboarding: writes the first config and switches to it.
#[tauri::command]
pub async fn save_config(
    app: AppHandle,
    state: State<'_, AppState>,
    draft: Draft,
) -> Result<Overview, OnboardingRefusal> {
    let fresh = Kumo::save_config(&draft)?;
    let kumo = state.replace_workspace(fresh).await;
    Ok(overview_of(&kumo, false, starts_at_login(&app)))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use kumo_core::access::{Check, NextStep, SignInReason, Status, Target, ZeroTrustView};

    use super::*;

    const COMMANDS_RS: &str = include_str!("commands.rs");
    const MAIN_RS: &str = include_str!("main.rs");
    const BUILD_RS: &str = include_str!("../build.rs");
    const CAPABILITY: &str = include_str!("../capabilities/main.json");
    const PALETTE_CAPABILITY: &str = include_str!("../capabilities/palette.json");

    /// Every `#[tauri::command]` of this file: its name and the `Ok` type it returns.
    fn commands() -> Vec<(String, String)> {
        COMMANDS_RS
            .split("#[tauri::command]\npub async fn ")
            .skip(1)
            .map(|rest| {
                let name = rest[..rest.find('(').unwrap()].to_owned();
                let signature = &rest[..rest.find('{').unwrap()];
                let ok = signature.split("-> Result<").nth(1).unwrap();
                let ok = ok[..ok.rfind(", ").unwrap()].trim().to_owned();
                (name, ok)
            })
            .collect()
    }

    fn names() -> BTreeSet<String> {
        commands().into_iter().map(|(name, _)| name).collect()
    }

    #[test]
    fn every_command_is_registered_built_and_granted_and_no_other() {
        let names = names();
        assert_eq!(names.len(), 26);
        let handler = MAIN_RS.split("generate_handler![").nth(1).unwrap();
        let handler = &handler[..handler.find(']').unwrap()];
        for name in &names {
            assert!(
                handler.contains(&format!("commands::{name},")),
                "{name} is not in generate_handler!"
            );
            assert!(
                BUILD_RS.contains(&format!("\"{name}\"")),
                "{name} is not in build.rs"
            );
            let permission = format!("\"allow-{}\"", name.replace('_', "-"));
            assert!(
                CAPABILITY.contains(&permission) || PALETTE_CAPABILITY.contains(&permission),
                "{name} is not granted"
            );
        }
        assert_eq!(handler.matches("commands::").count(), names.len());
        // The main window may call all but the palette's own three.
        assert_eq!(CAPABILITY.matches("\"allow-").count(), names.len() - 3);
    }

    #[test]
    fn the_palette_may_only_list_open_and_hide() {
        let granted: BTreeSet<&str> = PALETTE_CAPABILITY
            .split('"')
            .filter(|word| word.starts_with("allow-"))
            .collect();
        assert_eq!(
            granted,
            BTreeSet::from([
                "allow-hide-palette",
                "allow-open-console",
                "allow-palette-targets",
                "allow-settings",
                "allow-show-main",
            ])
        );
    }

    /// Every key of a JSON value, at any depth.
    fn keys(value: &serde_json::Value, out: &mut BTreeSet<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    out.insert(k.clone());
                    keys(v, out);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }

    /// A value of each type a command returns, with every optional field filled.
    fn samples() -> Vec<(&'static str, serde_json::Value)> {
        let target = TargetView {
            target: Target {
                id: "aws:acme/1/Admin".into(),
                cloud: "aws",
                org: "acme".into(),
                account_id: "1".into(),
                account_name: "a".into(),
                role: "Admin".into(),
                project_id: "p".into(),
                project_name: "p".into(),
                tenant: "t".into(),
                tenant_name: "t".into(),
                subscription_id: "s".into(),
                subscription_name: "s".into(),
                tags: [("env".to_owned(), "prod".to_owned())].into(),
                privileged: true,
            },
            prefs: TargetPrefs {
                starred: true,
                alias: Some("x".into()),
                colour: Some("red".into()),
                last_opened: Some(1),
                opens: 1,
            },
        };
        let settings = SettingsView {
            chosen: Settings {
                language: Some("ja".into()),
                theme: "dark".into(),
                browser: Some("firefox".into()),
                isolate: true,
                shortcut: "Ctrl+Alt+K".into(),
            },
            locale: "ja",
            browsers_found: vec!["chrome", "firefox"],
            opens_in: Some("firefox".into()),
            zero_trust: ZeroTrustView {
                guard: true,
                privileged: vec!["*Admin*".into()],
                max_elevation_secs: 3600,
                require_match: true,
                audit_file: "/home/dev/.local/state/kumo/audit.jsonl".into(),
            },
        };
        let session = SessionStatus {
            provider: Provider::Aws,
            name: "acme".into(),
            account: Some("dev@acme.com".into()),
            expires_at: Some(1),
            renews: true,
            needs_sign_in: false,
            unreachable: false,
            sign_in_ends_at: None,
        };
        let error = SourceError {
            source: "AWS org `acme`".into(),
            error: Error {
                message: "m".into(),
                next: Some(NextStep::SignIn {
                    provider: Provider::Aws,
                    name: "acme".into(),
                    why: SignInReason::Missing,
                }),
            },
        };
        let overview = Overview {
            configured: true,
            demo: true,
            start_demo: true,
            start_at_login: true,
            config_path: "/c".into(),
            now: 1,
            sessions: vec![session.clone()],
            principals: vec![Principal {
                provider: Provider::Aws,
                name: "acme".into(),
                principal: "dev@acme.com".into(),
                matches: Some(true),
            }],
            elevations: vec![ElevationView {
                target: "aws:acme/1/Admin".into(),
                reason: "INC-1".into(),
                expires_at: 1,
            }],
            targets: vec![target.clone()],
            errors: vec![error.clone()],
            endpoint_overrides: vec!["AWS_ENDPOINT_URL_SSO = http://127.0.0.1:1/".into()],
            keychain: KeychainState::Unreachable { reason: "r".into() },
            locale: "ja",
            settings: settings.clone(),
        };
        let refreshed = Refreshed {
            targets: vec![target.clone()],
            errors: vec![error],
            changes: Changes {
                added: vec!["a".into()],
                removed: vec!["b".into()],
            },
        };
        let report = DoctorReport {
            version: "1".into(),
            checks: vec![Check {
                id: "config",
                title: "Config file",
                status: Status::Ok,
                summary: "s".into(),
                details: vec!["d".into()],
                fix: Some("f".into()),
            }],
        };
        let json = |v: &dyn erased::Serialize| v.to_json();
        vec![
            ("SettingsView", json(&settings)),
            (
                "TargetDetails",
                json(&TargetDetails {
                    expires_at: Some(1),
                }),
            ),
            ("Vec<TargetView>", json(&vec![target.clone()])),
            ("()", serde_json::Value::Null),
            ("bool", serde_json::Value::Bool(true)),
            ("DoctorReport", json(&report)),
            ("Overview", json(&overview)),
            ("Refreshed", json(&refreshed)),
            ("TargetPrefs", json(&target.prefs)),
            ("Vec<SessionStatus>", json(&vec![session])),
            (
                "Vec<AuditEntry>",
                json(&vec![AuditEntry {
                    time: 1,
                    kind: "console".into(),
                    target: Some("aws:acme/1/Admin".into()),
                    actor: Some("dev@acme.com".into()),
                    message: "opened the console of aws:acme/1/Admin in chrome".into(),
                    line: String::new(),
                }]),
            ),
            (
                "ElevationView",
                json(&ElevationView {
                    target: "aws:acme/1/Admin".into(),
                    reason: "INC-1".into(),
                    expires_at: 1,
                }),
            ),
            (
                "Vec<ElevationView>",
                json(&vec![ElevationView {
                    target: "aws:acme/1/Admin".into(),
                    reason: "INC-1".into(),
                    expires_at: 1,
                }]),
            ),
            (
                "Vec<Principal>",
                json(&vec![Principal {
                    provider: Provider::Aws,
                    name: "acme".into(),
                    principal: "dev@acme.com".into(),
                    matches: Some(false),
                }]),
            ),
            (
                "ProfileExport",
                json(&ProfileExport {
                    path: "/home/dev/.aws/config".into(),
                    profile: "a.Admin".into(),
                }),
            ),
        ]
    }

    mod erased {
        pub trait Serialize {
            fn to_json(&self) -> serde_json::Value;
        }
        impl<T: serde::Serialize> Serialize for T {
            fn to_json(&self) -> serde_json::Value {
                serde_json::to_value(self).unwrap()
            }
        }
    }

    #[test]
    fn no_command_returns_a_type_that_can_carry_a_secret() {
        let samples = samples();
        for (name, ok) in commands() {
            assert!(
                samples.iter().any(|(ty, _)| *ty == ok),
                "`{name}` returns `{ok}`, which this test has not checked: add a sample"
            );
        }
        for (ty, value) in samples {
            let mut found = BTreeSet::new();
            keys(&value, &mut found);
            for key in found {
                for word in [
                    "secret",
                    "token",
                    "password",
                    "credential",
                    "access_key",
                    "session_token",
                ] {
                    assert!(!key.contains(word), "{ty} has a field `{key}`");
                }
            }
        }
    }
}
