//! The commands the UI may call. Each is thin: it calls kumo-core and returns metadata.
//! No return type carries a secret (tests/commands.rs checks every one); credentials
//! go from the keychain to the clipboard on this side and never to the webview.

use std::sync::Mutex;

use kumo_core::aws::session::now_secs;
use kumo_core::aws::sign_in::{Flow, Interaction, LoginOptions};
use kumo_core::browser::Browser;
use kumo_core::config::BrowserName;
use kumo_core::doctor::{self, DoctorReport};
use kumo_core::export::aws_config;
use kumo_core::export::env::{Format, render};
use kumo_core::feedback::Feedback;
use kumo_core::inventory::{self, Changes, SourceError};
use kumo_core::launch::{self, Options};
use kumo_core::onboarding::{self, Draft, FieldError, OnboardingError};
use kumo_core::prefs::{Prefs, TargetPrefs};
use kumo_core::sessions::{self, Provider, Renewal, SessionStatus};
use kumo_core::targets::Target;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};
use tokio::sync::RwLock;

use crate::tray;
use crate::workspace::Workspace;

pub struct AppState {
    pub workspace: RwLock<Workspace>,
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
            state.read_overview().await
        });
        *lock(&app.state::<AppState>().launch_overview) = Some(task);
    }

    /// The overview of the workspace as it is now, from caches and the keychain.
    async fn read_overview(&self) -> Overview {
        overview_of(&*self.workspace.read().await, self.demo_on_start)
    }

    /// Puts `fresh` in place of the workspace; a launch overview of the old one is void.
    async fn replace_workspace(
        &self,
        fresh: Workspace,
    ) -> tokio::sync::RwLockWriteGuard<'_, Workspace> {
        let mut workspace = self.workspace.write().await;
        *workspace = fresh;
        if let Some(stale) = lock(&self.launch_overview).take() {
            stale.abort();
        }
        self.recheck.notify_one();
        workspace
    }
}

/// A plain mutex's guard, poisoned or not: what it guards stays consistent either way.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A target as the list shows it, with what the person made of it.
#[derive(Debug, Clone, Serialize)]
pub struct TargetView {
    #[serde(flatten)]
    pub target: Target,
    #[serde(flatten)]
    pub prefs: TargetPrefs,
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
    pub targets: Vec<TargetView>,
    pub errors: Vec<SourceError>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Refreshed {
    pub targets: Vec<TargetView>,
    pub errors: Vec<SourceError>,
    pub changes: Changes,
}

/// Refused onboarding input: field-level messages, or one for the whole form.
#[derive(Debug, Clone, Serialize)]
pub struct OnboardingRefusal {
    pub fields: Vec<FieldError>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

fn views(workspace: &Workspace, targets: Vec<Target>) -> Vec<TargetView> {
    let prefs = Prefs::load(&workspace.ctx.env);
    prefs
        .rank(targets, now_secs())
        .into_iter()
        .map(|target| TargetView {
            prefs: prefs.get(&target.id),
            target,
        })
        .collect()
}

fn overview_of(workspace: &Workspace, demo_on_start: bool) -> Overview {
    let cached = inventory::cached(&workspace.ctx.config, &workspace.ctx.env);
    Overview {
        configured: workspace.is_configured(),
        demo: workspace.is_demo(),
        start_demo: demo_on_start && !workspace.is_configured(),
        start_at_login: kumo_core::autostart::is_enabled(&workspace.ctx.env),
        config_path: workspace.ctx.config_path.display().to_string(),
        now: now_secs(),
        sessions: sessions::statuses(&workspace.ctx),
        targets: views(workspace, cached.targets),
        errors: cached.errors,
    }
}

/// The facts `kumo doctor` prints. Runs off the UI thread: the keychain probe can block.
#[tauri::command]
pub async fn doctor(state: State<'_, AppState>) -> Result<DoctorReport, String> {
    tracing::info!("doctor report requested by the UI");
    let workspace = state.workspace.read().await;
    let env = workspace.ctx.env.clone();
    let store_env = env.clone();
    tokio::task::spawn_blocking(move || {
        doctor::diagnose(&env, kumo_core::vault::store_for(&store_env).as_ref())
    })
    .await
    .map_err(|e| format!("the checks stopped unexpectedly: {e}"))
}

/// Everything the main screen shows at launch, from caches and the keychain only.
#[tauri::command]
pub async fn overview(state: State<'_, AppState>) -> Result<Overview, String> {
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
        None => state.read_overview().await,
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
#[tauri::command]
pub async fn refresh(app: AppHandle, state: State<'_, AppState>) -> Result<Refreshed, String> {
    let workspace = state.workspace.read().await;
    let (fresh, changes) = inventory::refresh(&workspace.ctx, &ProgressEvents(app.clone())).await;
    tray::update(&app);
    Ok(Refreshed {
        changes,
        targets: views(&workspace, fresh.targets),
        errors: fresh.errors,
    })
}

/// A person is at the app: a session that is gone is signed in again in the browser.
fn browser_sign_in(browser: &dyn Browser) -> Interaction<'_> {
    Interaction::Login {
        options: LoginOptions {
            flow: Flow::Browser,
            open_browser: true,
            force: false,
        },
        browser,
        feedback: &kumo_core::feedback::Silent,
    }
}

/// Opens the target's console in its browser (signing in through the browser first if
/// the org's session is gone) and counts the open for the recent/frequent order.
#[tauri::command]
pub async fn open_console(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    browser: Option<String>,
    isolate: Option<bool>,
) -> Result<(), String> {
    let workspace = state.workspace.read().await;
    let browser = browser
        .as_deref()
        .map(|b| BrowserName::parse(b).ok_or_else(|| format!("unknown browser `{b}`")))
        .transpose()?;
    let options = Options {
        browser,
        no_isolation: isolate == Some(false),
        ..Options::default()
    };
    let sign_in_browser = workspace.sign_in_browser().map_err(|e| e.to_string())?;
    let interaction = browser_sign_in(sign_in_browser.as_ref());
    let console = workspace
        .ctx
        .launcher()
        .console(&id, &options, &interaction)
        .await
        .map_err(|e| e.to_string())?;
    launch::open(&console, &workspace.ctx.env).map_err(|e| e.to_string())?;
    tracing::info!(target = %console.id, "opened a console");
    let mut prefs = Prefs::load(&workspace.ctx.env);
    prefs.record_open(&console.id, now_secs());
    prefs.save(&workspace.ctx.env).map_err(|e| e.to_string())?;
    tray::update(&app);
    Ok(())
}

/// Puts `export AWS_…` lines for an AWS target on the clipboard, from this side: the
/// secret never passes through the webview.
#[tauri::command]
pub async fn copy_exports(state: State<'_, AppState>, id: String) -> Result<(), String> {
    if !id.starts_with("aws:") {
        return Err("credential exports are for AWS roles; Azure and Google Cloud sign in through their CLIs".into());
    }
    let workspace = state.workspace.read().await;
    let sign_in_browser = workspace.sign_in_browser().map_err(|e| e.to_string())?;
    let interaction = browser_sign_in(sign_in_browser.as_ref());
    let credentials = workspace
        .ctx
        .launcher()
        .credentials(&id, &interaction)
        .await
        .map_err(|e| e.to_string())?;
    let text = zeroize::Zeroizing::new(render(&credentials, Format::Env));
    let mut clipboard = lock(&state.clipboard);
    if clipboard.is_none() {
        *clipboard = Some(
            arboard::Clipboard::new()
                .map_err(|e| format!("the clipboard is not available: {e}"))?,
        );
    }
    clipboard
        .as_mut()
        .expect("set above")
        .set_text(text.as_str())
        .map_err(|e| format!("the clipboard refused the text: {e}"))?;
    tracing::info!(target = %id, "copied credential exports to the clipboard");
    Ok(())
}

/// Where "Export as profile" wrote, and the profile to use.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileExport {
    pub path: String,
    pub profile: String,
}

/// Writes the org's profiles into ~/.aws/config (Kumo's block only, atomically) with
/// `credential_process` pointing at the `kumo` installed beside the app, and says which
/// profile is the target's.
#[tauri::command]
pub async fn export_profile(
    state: State<'_, AppState>,
    id: String,
) -> Result<ProfileExport, String> {
    let workspace = state.workspace.read().await;
    let target = workspace
        .ctx
        .launcher()
        .resolve_aws(&id)
        .map_err(|e| e.to_string())?;
    let listing = kumo_core::cache::load(
        &workspace.ctx.env,
        target.org.name.as_str(),
        target.org.start_url.as_str(),
    )
    .map_err(|e| e.to_string())?
    .ok_or_else(|| format!("no listing of `{}` yet: refresh first", target.org.name))?;
    let kumo = kumo_cli_path()?;
    let exported = aws_config::export(
        &workspace.ctx.env,
        &[aws_config::OrgExport {
            org: target.org,
            listing: Some(&listing),
        }],
        &aws_config::Options {
            mode: aws_config::Mode::CredentialProcess,
            prefix: "",
            kumo: &kumo,
            dry_run: false,
        },
    )
    .map_err(|e| e.to_string())?;
    let wanted = kumo_core::aws::target::target_id(
        target.org.name.as_str(),
        &target.account_id,
        &target.role,
    );
    let profile = exported
        .names
        .into_iter()
        .find(|(target, _)| *target == wanted)
        .map(|(_, name)| name)
        .ok_or_else(|| {
            format!("{wanted} is not in the listing, or a profile of yours has its name")
        })?;
    Ok(ProfileExport {
        path: exported.path.display().to_string(),
        profile,
    })
}

/// The `kumo` command line the package installs beside the app (or on PATH).
fn kumo_cli_path() -> Result<std::path::PathBuf, String> {
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("kumo")));
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("kumo"));
    beside
        .into_iter()
        .chain(on_path)
        .find(|p| p.is_file())
        .ok_or_else(|| "the `kumo` command line is not installed beside the app or on PATH".into())
}

#[tauri::command]
pub async fn toggle_star(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<bool, String> {
    let workspace = state.workspace.read().await;
    let mut prefs = Prefs::load(&workspace.ctx.env);
    let starred = prefs.toggle_star(&id);
    prefs.save(&workspace.ctx.env).map_err(|e| e.to_string())?;
    tray::update(&app);
    Ok(starred)
}

#[tauri::command]
pub async fn set_alias(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    alias: String,
) -> Result<TargetPrefs, String> {
    let workspace = state.workspace.read().await;
    let mut prefs = Prefs::load(&workspace.ctx.env);
    prefs.set_alias(&id, &alias).map_err(|e| e.to_string())?;
    prefs.save(&workspace.ctx.env).map_err(|e| e.to_string())?;
    tray::update(&app);
    Ok(prefs.get(&id))
}

#[tauri::command]
pub async fn set_colour(
    state: State<'_, AppState>,
    id: String,
    colour: Option<String>,
) -> Result<TargetPrefs, String> {
    let workspace = state.workspace.read().await;
    let mut prefs = Prefs::load(&workspace.ctx.env);
    prefs
        .set_colour(&id, colour.as_deref())
        .map_err(|e| e.to_string())?;
    prefs.save(&workspace.ctx.env).map_err(|e| e.to_string())?;
    Ok(prefs.get(&id))
}

/// Starts Kumo (minimised to the tray) at login, or stops doing so; returns the new state.
#[tauri::command]
pub async fn set_start_at_login(state: State<'_, AppState>, enabled: bool) -> Result<bool, String> {
    let workspace = state.workspace.read().await;
    let app = std::env::current_exe().map_err(|e| e.to_string())?;
    kumo_core::autostart::set(&workspace.ctx.env, &app, enabled)
        .map_err(|e| format!("cannot change the autostart entry: {e}"))?;
    Ok(kumo_core::autostart::is_enabled(&workspace.ctx.env))
}

/// "Renew now": silently where a refresh token still works, else through the browser.
#[tauri::command]
pub async fn renew(
    state: State<'_, AppState>,
    provider: Provider,
    name: String,
) -> Result<Vec<SessionStatus>, String> {
    let workspace = state.workspace.read().await;
    let browser = workspace.sign_in_browser().map_err(|e| e.to_string())?;
    Renewal {
        ctx: &workspace.ctx,
        browser: browser.as_ref(),
        feedback: &kumo_core::feedback::Silent,
    }
    .renew(provider, &name)
    .await?;
    state.recheck.notify_one();
    Ok(sessions::statuses(&workspace.ctx))
}

/// "Try the demo": switches the app to the embedded demo cloud, signed in.
#[tauri::command]
pub async fn start_demo(state: State<'_, AppState>) -> Result<Overview, String> {
    let demo = Workspace::demo()
        .await
        .map_err(|e| format!("the demo cannot start: {e:#}"))?;
    sign_in_everywhere(&demo).await?;
    let workspace = state.replace_workspace(demo).await;
    tracing::info!("switched to the demo cloud");
    Ok(overview_of(&workspace, false))
}

/// Signs the demo in to every provider and lists it, as a person would on first use.
async fn sign_in_everywhere(demo: &Workspace) -> Result<(), String> {
    let browser = demo.sign_in_browser().map_err(|e| e.to_string())?;
    let renewal = Renewal {
        ctx: &demo.ctx,
        browser: browser.as_ref(),
        feedback: &kumo_core::feedback::Silent,
    };
    for status in sessions::statuses(&demo.ctx) {
        renewal.renew(status.provider, &status.name).await?;
    }
    let (listed, _) = inventory::refresh(&demo.ctx, &kumo_core::feedback::Silent).await;
    match listed.errors.first() {
        Some(e) => Err(format!("{}: {}", e.source, e.message)),
        None => Ok(()),
    }
}

/// Onboarding: writes the first config and switches to it.
#[tauri::command]
pub async fn save_config(
    state: State<'_, AppState>,
    draft: Draft,
) -> Result<Overview, OnboardingRefusal> {
    let whole = |message: String| OnboardingRefusal {
        fields: Vec::new(),
        message,
    };
    // Where the person's config goes: the environment alone says so.
    let path = kumo_core::paths::config_file(&kumo_core::environment::Environment::from_process());
    onboarding::write(&draft, &path).map_err(|e| match e {
        OnboardingError::Invalid(fields) => OnboardingRefusal {
            message: format!("{} field(s) need a change", fields.len()),
            fields,
        },
        other => whole(other.to_string()),
    })?;
    let fresh = Workspace::load().map_err(|e| whole(format!("{e:#}")))?;
    let workspace = state.replace_workspace(fresh).await;
    Ok(overview_of(&workspace, false))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use kumo_core::doctor::{Check, Status};

    use super::*;

    const COMMANDS_RS: &str = include_str!("commands.rs");
    const MAIN_RS: &str = include_str!("main.rs");
    const BUILD_RS: &str = include_str!("../build.rs");
    const CAPABILITY: &str = include_str!("../capabilities/main.json");

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
        assert_eq!(names.len(), 13);
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
            assert!(CAPABILITY.contains(&permission), "{name} is not granted");
        }
        assert_eq!(handler.matches("commands::").count(), names.len());
        assert_eq!(CAPABILITY.matches("\"allow-").count(), names.len());
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
            },
            prefs: TargetPrefs {
                starred: true,
                alias: Some("x".into()),
                colour: Some("red".into()),
                last_opened: Some(1),
                opens: 1,
            },
        };
        let session = SessionStatus {
            provider: Provider::Aws,
            name: "acme".into(),
            account: Some("dev@acme.com".into()),
            expires_at: Some(1),
        };
        let error = SourceError {
            source: "AWS org `acme`".into(),
            message: "m".into(),
        };
        let overview = Overview {
            configured: true,
            demo: true,
            start_demo: true,
            start_at_login: true,
            config_path: "/c".into(),
            now: 1,
            sessions: vec![session.clone()],
            targets: vec![target.clone()],
            errors: vec![error.clone()],
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
            ("()", serde_json::Value::Null),
            ("bool", serde_json::Value::Bool(true)),
            ("DoctorReport", json(&report)),
            ("Overview", json(&overview)),
            ("Refreshed", json(&refreshed)),
            ("TargetPrefs", json(&target.prefs)),
            ("Vec<SessionStatus>", json(&vec![session])),
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
