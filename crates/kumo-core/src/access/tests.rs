//! The use cases of the access layer in-process: against kumo-fake, with the keychain's
//! in-memory twin, a launcher that only records, and a stand-in user at the browser.

use std::sync::Arc;

use kumo_fake::{Directory, FakeServer, Operation, Options};

use super::*;
use crate::browser::launcher::RecordingLauncher;
use crate::clock::{Clock, ManualClock, SystemClock};
use crate::config::{BrowserName, Config};

const ORG: &str = "acme";

struct Workspace {
    kumo: Kumo,
    fake: FakeServer,
    launcher: Arc<RecordingLauncher>,
    home: tempfile::TempDir,
}

/// The identity and Google Cloud of the fake, as a config adds them.
fn identity_and_gcp(fake: &FakeServer) -> String {
    let identity = &fake.options().identity;
    format!(
        "[identity]\nissuer = \"{url}\"\nclient_id = \"{}\"\nclient_secret = \"{}\"\n\n[gcp]\nendpoint = \"{url}\"\n",
        identity.client_id,
        identity.client_secret,
        url = fake.base_url()
    )
}

/// The guard is off unless a test is about it: an admin role opens as it did before.
async fn workspace_on(
    options: Options,
    clock: Option<ManualClock>,
    extra: fn(&FakeServer) -> String,
) -> Workspace {
    workspace_guarded(options, clock, extra, false).await
}

async fn workspace_guarded(
    options: Options,
    clock: Option<ManualClock>,
    extra: fn(&FakeServer) -> String,
    guarded: bool,
) -> Workspace {
    let fake = FakeServer::start(options).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let config = Config::parse(
        &format!(
            "[guard]\nenabled = {guarded}\n\n[[aws]]\nname = \"{ORG}\"\nstart_url = \"https://acme.awsapps.com/start\"\nregion = \"eu-west-1\"\noidc_endpoint = \"{url}\"\nportal_endpoint = \"{url}\"\nfederation_endpoint = \"{url}/federation\"\n\n{}",
            extra(&fake),
            url = fake.base_url()
        ),
        std::path::Path::new("config.toml"),
    )
    .unwrap();
    let dir = |name: &str| home.path().join(name).display().to_string();
    let env = Environment::from_pairs([
        ("HOME", dir("")),
        ("XDG_CACHE_HOME", dir("cache")),
        ("XDG_DATA_HOME", dir("data")),
        ("XDG_RUNTIME_DIR", dir("run")),
        ("AWS_CONFIG_FILE", dir("aws-config")),
        ("PATH", dir("bin")),
        ("CLOUDSDK_CONFIG", dir("gcloud")),
    ]);
    // The `kumo` that exported profiles run.
    std::fs::create_dir_all(home.path().join("bin")).unwrap();
    std::fs::write(home.path().join("bin/kumo"), "").unwrap();
    let env = match clock {
        Some(clock) => env.with_clock(clock),
        None => env,
    };
    let (ctx, launcher) = Context::in_memory(env, config);
    let mut kumo = Kumo::over(ctx);
    kumo.stand_in_user = true;
    Workspace {
        kumo,
        fake,
        launcher,
        home,
    }
}

async fn workspace(accounts: usize, roles: usize) -> Workspace {
    let options = Options {
        directory: Directory::generated(accounts, roles),
        ..Options::default()
    };
    workspace_on(options, None, |_| String::new()).await
}

async fn signed_in(accounts: usize, roles: usize) -> Workspace {
    let w = workspace(accounts, roles).await;
    sign_in_everything(&w.kumo).await;
    w
}

async fn sign_in_everything(kumo: &Kumo) {
    kumo.sign_in(
        &SignInScope::Everything,
        SignInOptions::default(),
        &Silent,
        &mut |_| {},
    )
    .await
    .unwrap();
}

fn refresh() -> ListRequest<'static> {
    ListRequest {
        org: None,
        cloud: None,
        refresh: true,
        keep_stale: false,
        prompt: Prompt::Never,
    }
}

/// The id of the first role of the first listed account.
async fn first_target(w: &Workspace) -> String {
    w.kumo.list(&refresh(), &Silent).await.targets[0].id.clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_reports_each_provider_as_it_finishes() {
    let w = workspace(2, 1).await;
    let mut reported = Vec::new();
    w.kumo
        .sign_in(
            &SignInScope::Everything,
            SignInOptions::default(),
            &Silent,
            &mut |done| reported.push((done.provider, done.name.clone(), done.outcome)),
        )
        .await
        .unwrap();
    assert_eq!(
        reported,
        [(Provider::Aws, ORG.to_owned(), Outcome::SignedIn)]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listing_has_every_role_and_names_what_it_added() {
    let w = signed_in(3, 2).await;
    let listing = w.kumo.list(&refresh(), &Silent).await;
    assert_eq!(listing.targets.len(), 6);
    assert_eq!(listing.changes.added.len(), 6);
    assert!(listing.errors.is_empty());
    assert_eq!(w.kumo.cached().targets, listing.targets);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_session_and_no_one_to_ask_the_next_step_is_to_sign_in() {
    let w = workspace(1, 1).await;
    let err = w
        .kumo
        .credentials("aws:acme/111111111111/Role0", Prompt::Never, &Silent)
        .await
        .unwrap_err();
    assert_eq!(
        err.next,
        Some(NextStep::SignIn {
            provider: Provider::Aws,
            name: ORG.into(),
            why: SignInReason::Missing
        })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_are_fetched_once_then_served_from_the_keychain() {
    let w = signed_in(1, 1).await;
    let target = first_target(&w).await;
    let first = w
        .kumo
        .credentials(&target, Prompt::Never, &Silent)
        .await
        .unwrap();
    let again = w
        .kumo
        .credentials(&target, Prompt::Never, &Silent)
        .await
        .unwrap();
    assert_eq!(first.access_key_id(), again.access_key_id());
    assert_eq!(w.fake.calls(Operation::GetRoleCredentials), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_near_their_end_by_the_clock_are_fetched_again() {
    let clock = ManualClock::at(SystemClock.now());
    let options = Options {
        directory: Directory::generated(1, 1),
        ..Options::default()
    };
    let w = workspace_on(options, Some(clock.clone()), |_| String::new()).await;
    sign_in_everything(&w.kumo).await;
    let target = first_target(&w).await;
    let first = w
        .kumo
        .credentials(&target, Prompt::Never, &Silent)
        .await
        .unwrap();
    // Four minutes short of their end: inside the five-minute renewal margin.
    clock.advance(first.expires_at() - clock.now() - 4 * 60);
    w.kumo
        .credentials(&target, Prompt::Never, &Silent)
        .await
        .unwrap();
    assert_eq!(w.fake.calls(Operation::GetRoleCredentials), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn opening_a_console_launches_it_in_the_targets_profile_and_records_the_open() {
    // A clock that stands still: the open is recorded at exactly its time.
    let options = Options {
        directory: Directory::generated(1, 1),
        ..Options::default()
    };
    let w = workspace_on(options, Some(ManualClock::at(SystemClock.now())), |_| {
        String::new()
    })
    .await;
    sign_in_everything(&w.kumo).await;
    let target = first_target(&w).await;
    let request = ConsoleRequest {
        target: &target,
        browser: Some("chrome"),
        ..ConsoleRequest::default()
    };
    let opened = w
        .kumo
        .open_console(&request, Prompt::Never, &Silent)
        .await
        .unwrap();
    assert_eq!(opened, target);
    let launched = w.launcher.opened.lock().unwrap().clone();
    assert_eq!(launched.len(), 1);
    let console = &launched[0];
    assert_eq!(
        (console.id.as_str(), console.browser),
        (target.as_str(), BrowserName::Chrome)
    );
    // The browser got a one-shot local page; following it signed in to the console.
    assert!(
        console.url.starts_with("http://127.0.0.1:"),
        "{}",
        console.url
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while w.fake.console_logins().is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(w.fake.console_logins().len(), 1);
    assert_eq!(
        console.context.as_ref().map(|c| c.key.as_str()),
        Some(target.as_str())
    );
    let views = w.kumo.views(w.kumo.cached().targets);
    assert_eq!(views[0].prefs.opens, 1);
    assert_eq!(views[0].prefs.last_opened, Some(w.kumo.now()));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_console_url_alone_is_not_an_open() {
    let w = signed_in(1, 1).await;
    let target = first_target(&w).await;
    let request = ConsoleRequest {
        target: &target,
        ..ConsoleRequest::default()
    };
    w.kumo
        .console_url(&request, Prompt::Never, &Silent)
        .await
        .unwrap();
    assert!(w.launcher.opened.lock().unwrap().is_empty());
    assert_eq!(w.kumo.views(w.kumo.cached().targets)[0].prefs.opens, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_aws_export_writes_one_profile_per_role_into_the_config_file() {
    let w = signed_in(2, 2).await;
    w.kumo.list(&refresh(), &Silent).await;
    let exported = w
        .kumo
        .export_aws(
            &AwsExport {
                org: None,
                mode: ProfileMode::CredentialProcess,
                prefix: "",
                dry_run: false,
                remove: false,
                prompt: Prompt::Never,
                write_sso_cache: false,
            },
            &Silent,
        )
        .await
        .unwrap();
    assert_eq!(exported.path, w.home.path().join("aws-config"));
    assert_eq!(
        exported.orgs,
        [OrgProfiles {
            org: ORG.into(),
            profiles: 4,
            collisions: vec![],
        }]
    );
    let text = std::fs::read_to_string(&exported.path).unwrap();
    let kumo = w.home.path().join("bin/kumo");
    assert_eq!(
        text.matches(&format!(
            "credential_process = {} credential-process ",
            kumo.display()
        ))
        .count(),
        4,
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn after_sign_out_nothing_is_served_and_the_next_step_is_to_sign_in() {
    let w = signed_in(1, 1).await;
    let target = first_target(&w).await;
    w.kumo
        .credentials(&target, Prompt::Never, &Silent)
        .await
        .unwrap();
    let out = w.kumo.sign_out(&SignOutScope::Org(None)).await.unwrap();
    assert_eq!(
        (out[0].had_session, &out[0].revocation),
        (true, &Revocation::Revoked)
    );
    assert_eq!(w.fake.calls(Operation::Logout), 1);
    let err = w
        .kumo
        .credentials(&target, Prompt::Never, &Silent)
        .await
        .unwrap_err();
    assert!(matches!(err.next, Some(NextStep::SignIn { .. })), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn one_sign_in_covers_the_identity_then_aws_and_google_cloud_lists_and_exports() {
    let options = Options {
        directory: Directory::generated(1, 1),
        gcp_projects: kumo_fake::generated_projects(2),
        ..Options::default()
    };
    let w = workspace_on(options, None, identity_and_gcp).await;
    let mut reported = Vec::new();
    w.kumo
        .sign_in(
            &SignInScope::Everything,
            SignInOptions::default(),
            &Silent,
            &mut |done| reported.push(done.provider),
        )
        .await
        .unwrap();
    assert_eq!(reported, [Provider::Identity, Provider::Aws]);
    assert_eq!(
        w.kumo.whoami().await.unwrap().email,
        "developer@example.com"
    );
    let listing = w.kumo.list(&refresh(), &Silent).await;
    let clouds: Vec<&str> = listing.targets.iter().map(|t| t.cloud).collect();
    assert_eq!(clouds, ["aws", "gcp", "gcp"]);
    let exported = w
        .kumo
        .export_gcloud(&GcloudExport {
            projects: &[],
            dry_run: false,
            activate: false,
        })
        .await
        .unwrap();
    assert_eq!(exported.dir, w.home.path().join("gcloud"));
    assert_eq!(exported.configurations, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_signs_in_to_every_cloud_and_lists_them_with_its_secrets_in_memory() {
    let demo = Kumo::demo().await.unwrap();
    sign_in_everything(&demo).await;
    let listing = demo.list(&refresh(), &Silent).await;
    assert_eq!(listing.errors, []);
    let clouds: std::collections::BTreeSet<&str> =
        listing.targets.iter().map(|t| t.cloud).collect();
    assert_eq!(clouds, ["aws", "azure", "gcp"].into());
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_out_of_the_identity_forgets_who_was_signed_in() {
    let options = Options {
        directory: Directory::generated(1, 1),
        ..Options::default()
    };
    let w = workspace_on(options, None, identity_and_gcp).await;
    w.kumo
        .sign_in(
            &SignInScope::Identity,
            SignInOptions::default(),
            &Silent,
            &mut |_| {},
        )
        .await
        .unwrap();
    let out = w.kumo.sign_out(&SignOutScope::Identity).await.unwrap();
    assert_eq!(
        (out[0].provider, out[0].had_session, &out[0].revocation),
        (Provider::Identity, true, &Revocation::Revoked)
    );
    assert_eq!(w.fake.calls(Operation::IdentityRevoke), 1);
    let err = w.kumo.whoami().await.unwrap_err();
    assert_eq!(
        err.next,
        Some(NextStep::SignIn {
            provider: Provider::Identity,
            name: String::new(),
            why: SignInReason::Missing
        })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_elevation_opens_a_privileged_role_until_the_clock_passes_its_end() {
    let clock = ManualClock::at(SystemClock.now());
    let options = Options {
        directory: Directory::generated(1, 1),
        ..Options::default()
    };
    let w = workspace_guarded(options, Some(clock.clone()), |_| String::new(), true).await;
    sign_in_everything(&w.kumo).await;
    let target = first_target(&w).await;
    assert!(w.kumo.cached().targets[0].privileged);
    let refused = w
        .kumo
        .credentials(&target, Prompt::Never, &Silent)
        .await
        .unwrap_err();
    assert_eq!(
        refused.next,
        Some(NextStep::Elevate {
            target: target.clone()
        })
    );
    let elevation = w.kumo.elevate(&target, "INC-1", Some(15 * 60)).unwrap();
    assert_eq!(elevation.expires_at, clock.now() + 15 * 60);
    w.kumo
        .credentials(&target, Prompt::Never, &Silent)
        .await
        .unwrap();
    clock.advance(15 * 60);
    assert!(w.kumo.elevations().is_empty());
    let expired = w
        .kumo
        .credentials(&target, Prompt::Never, &Silent)
        .await
        .unwrap_err();
    assert_eq!(expired.next, Some(NextStep::Elevate { target }));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_path_to_a_privileged_role_is_refused_without_an_elevation() {
    let options = Options {
        directory: Directory::generated(1, 1),
        ..Options::default()
    };
    let w = workspace_guarded(options, None, |_| String::new(), true).await;
    sign_in_everything(&w.kumo).await;
    let target = first_target(&w).await;
    let elevate = Some(NextStep::Elevate {
        target: target.clone(),
    });
    let now = w.kumo.credentials_now(&target, Prompt::Never, &Silent);
    assert_eq!(now.unwrap_err().next, elevate);
    let profile = w.kumo.export_profile(&target).await;
    assert_eq!(profile.unwrap_err().next, elevate);
    let request = ConsoleRequest {
        target: &target,
        ..ConsoleRequest::default()
    };
    let url = w.kumo.console_url(&request, Prompt::Never, &Silent).await;
    assert_eq!(url.unwrap_err().next, elevate);
    assert_eq!(w.fake.calls(Operation::GetRoleCredentials), 0);
    let refused: Vec<String> = w
        .kumo
        .audit(&AuditQuery {
            kind: Some("refused"),
            ..AuditQuery::default()
        })
        .unwrap()
        .into_iter()
        .map(|e| e.message)
        .collect();
    assert_eq!(
        refused,
        ["credentials", "profile", "console"]
            .map(|access| format!("refused {access} of {target}: privileged and not elevated"))
    );
}

fn resolved_id(resolved: Resolved) -> String {
    match resolved {
        Resolved::One(id) => id,
        Resolved::Ambiguous(found) => panic!("ambiguous: {} matches", found.len()),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_target_id_resolves_to_itself_without_reading_a_listing() {
    let w = workspace(1, 1).await;
    let id = "aws:acme/999999999999/NotListed";
    assert_eq!(resolved_id(w.kumo.resolve(id).unwrap()), id);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_target_id_is_refused_as_malformed() {
    let w = workspace(1, 1).await;
    let e = w.kumo.resolve("aws:acme").unwrap_err();
    assert!(e.message.starts_with("`aws:acme` is not a target"), "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_alias_names_its_target_in_any_case() {
    let w = signed_in(2, 2).await;
    let id = first_target(&w).await;
    w.kumo.set_alias(&id, "Payments").unwrap();
    assert_eq!(resolved_id(w.kumo.resolve("payments").unwrap()), id);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_exported_profile_name_names_its_target_and_back() {
    let w = signed_in(2, 2).await;
    let id = first_target(&w).await;
    let profile = w.kumo.export_profile(&id).await.unwrap().profile;
    assert_eq!(profile, "payments-prod.AdministratorAccess");
    assert_eq!(resolved_id(w.kumo.resolve(&profile).unwrap()), id);
    assert_eq!(w.kumo.profile_of(&id), Some(profile));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_query_that_matches_one_target_resolves_to_it() {
    let w = signed_in(3, 2).await;
    first_target(&w).await;
    let id = resolved_id(w.kumo.resolve("search read").unwrap());
    assert_eq!(
        id,
        format!("aws:acme/{}/ReadOnlyAccess", 210_000_000_000u64 + 2 * 7_919)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ambiguous_query_lists_its_matches_starred_first() {
    let w = signed_in(2, 2).await;
    first_target(&w).await;
    let starred = format!("aws:acme/{}/ReadOnlyAccess", 210_000_000_000u64 + 7_919);
    w.kumo.toggle_star(&starred).unwrap();
    let Resolved::Ambiguous(found) = w.kumo.resolve("prod").unwrap() else {
        panic!("`prod` matches every target");
    };
    let ids: Vec<&str> = found.iter().map(|v| v.target.id.as_str()).collect();
    assert_eq!(ids.len(), 4);
    assert_eq!(ids[0], starred);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_query_that_matches_nothing_says_how_to_list_targets() {
    let w = signed_in(1, 1).await;
    first_target(&w).await;
    assert_eq!(
        w.kumo.resolve("zzzz").unwrap_err().message,
        "no target is named or matches `zzzz`; `kumo ls` lists them (after `kumo ls --refresh` for new ones)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_out_of_everything_revokes_each_session_and_the_identity_last() {
    let options = Options {
        directory: Directory::generated(1, 1),
        ..Options::default()
    };
    let w = workspace_on(options, None, identity_and_gcp).await;
    sign_in_everything(&w.kumo).await;
    let out = w.kumo.sign_out(&SignOutScope::All).await.unwrap();
    let done: Vec<(Provider, bool, Revocation)> = out
        .into_iter()
        .map(|o| (o.provider, o.had_session, o.revocation))
        .collect();
    assert_eq!(
        done,
        [
            (Provider::Aws, true, Revocation::Revoked),
            (Provider::Identity, true, Revocation::Revoked)
        ]
    );
    assert!(w.kumo.statuses().iter().all(|s| s.expires_at.is_none()));
}

fn aws_report(kumo: &Kumo) -> SessionReport {
    kumo.session_reports()
        .into_iter()
        .find(|r| r.provider == Provider::Aws)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_access_token_that_renews_needs_no_person() {
    let clock = ManualClock::at(SystemClock.now());
    let options = Options {
        directory: Directory::generated(1, 1),
        ..Options::default()
    };
    let w = workspace_on(options, Some(clock.clone()), |_| String::new()).await;
    sign_in_everything(&w.kumo).await;
    clock.advance(2 * 3600);
    let report = aws_report(&w.kumo);
    assert_eq!(
        (report.access_valid, report.renews, report.needs_sign_in),
        (false, true, false)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_renewal_needs_a_person_until_a_sign_in_works() {
    let w = signed_in(1, 1).await;
    crate::renewals::record(
        &w.kumo.ctx.env,
        Provider::Aws,
        ORG,
        crate::renewals::Ended::Failed(RenewalFailure {
            at: w.kumo.now(),
            message: "the session for `acme` has expired or was revoked".into(),
            refused: true,
            attempts: 1,
        }),
    );
    assert!(aws_report(&w.kumo).needs_sign_in);
    sign_in_everything(&w.kumo).await;
    let report = aws_report(&w.kumo);
    assert_eq!((report.needs_sign_in, report.last_error), (false, None));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_sign_in_is_kept_as_the_last_renewal_error() {
    let w = workspace(1, 1).await;
    w.fake
        .script(Operation::RegisterClient, kumo_fake::Fault::Garbage, 1);
    let _ = w
        .kumo
        .sign_in(
            &SignInScope::Org(ORG.into()),
            SignInOptions::default(),
            &Silent,
            &mut |_| {},
        )
        .await
        .unwrap_err();
    let error = aws_report(&w.kumo).last_error.unwrap();
    assert!(!error.refused, "{error:?}");
}

fn identity_status(kumo: &Kumo) -> SessionStatus {
    kumo.statuses()
        .into_iter()
        .find(|s| s.provider == Provider::Identity)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_renewal_refused_inside_a_listing_tells_the_app_a_sign_in_is_needed() {
    let clock = ManualClock::at(SystemClock.now());
    let w = workspace_on(Options::default(), Some(clock.clone()), identity_and_gcp).await;
    sign_in_everything(&w.kumo).await;
    w.fake.revoke_all_sessions();
    clock.advance(2 * 3600);
    let listed = w.kumo.list(&refresh(), &Silent).await;
    assert!(!listed.errors.is_empty());
    let status = identity_status(&w.kumo);
    assert_eq!((status.renews, status.needs_sign_in), (false, true));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provider_signed_out_of_after_a_refusal_is_not_announced_as_lost() {
    let w = workspace_on(Options::default(), None, identity_and_gcp).await;
    sign_in_everything(&w.kumo).await;
    crate::renewals::record(
        &w.kumo.ctx.env,
        Provider::Identity,
        w.fake.base_url().trim_end_matches('/'),
        crate::renewals::Ended::Failed(RenewalFailure {
            at: w.kumo.now(),
            message: "refused".into(),
            refused: true,
            attempts: 1,
        }),
    );
    assert!(identity_status(&w.kumo).needs_sign_in);
    w.kumo.sign_out(&SignOutScope::Identity).await.unwrap();
    assert!(!identity_status(&w.kumo).needs_sign_in);
}

#[test]
fn a_bare_log_level_applies_to_kumos_own_targets_only() {
    assert_eq!(
        log_filter(Some("debug"), "warn"),
        "kumo=debug,kumo_core=debug,kumo_cli=debug,kumo_app=debug"
    );
    assert_eq!(
        log_filter(Some("info, hyper=trace"), "warn"),
        "kumo=info,kumo_core=info,kumo_cli=info,kumo_app=info,hyper=trace"
    );
    assert_eq!(log_filter(None, "warn"), "warn");
    assert_eq!(log_filter(Some(" "), "warn"), "warn");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_that_a_credential_request_starts_ends_the_refusal_before_it() {
    let options = Options {
        directory: Directory::generated(1, 1),
        access_token_lifetime: std::time::Duration::from_secs(2),
        ..Options::default()
    };
    let w = workspace_on(options, None, |_| String::new()).await;
    sign_in_everything(&w.kumo).await;
    let target = first_target(&w).await;
    w.fake.revoke_all_sessions();
    // Past the token's end: the request renews, is refused, and signs in anew.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    w.kumo
        .credentials(&target, Prompt::Always, &Silent)
        .await
        .unwrap();
    let report = aws_report(&w.kumo);
    assert_eq!((report.needs_sign_in, report.last_error), (false, None));
}

#[tokio::test(flavor = "multi_thread")]
async fn consoles_open_in_the_first_isolating_browser_found_until_settings_name_one() {
    use std::os::unix::fs::PermissionsExt;
    let w = workspace(1, 1).await;
    for name in ["firefox", "brave-browser"] {
        let program = w.home.path().join("bin").join(name);
        std::fs::write(&program, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let found = w.kumo.settings();
    assert_eq!(found.browsers_found, ["brave", "firefox"]);
    assert_eq!(found.opens_in.as_deref(), Some("brave"));
    assert!(found.chosen.isolate);

    let chosen = Settings {
        browser: Some("firefox".into()),
        ..Settings::default()
    };
    let saved = w.kumo.save_settings(&chosen).unwrap();
    assert_eq!(saved.opens_in.as_deref(), Some("firefox"));
    assert_eq!(w.kumo.settings().chosen, chosen);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_never_asks_the_os_keychain() {
    let demo = Kumo::demo().await.unwrap();
    assert_eq!(demo.keychain(), KeychainState::Ready);
    let report = demo.doctor();
    let keychain = report.checks.iter().find(|c| c.id == "keychain").unwrap();
    assert_eq!(
        keychain.summary,
        "in-memory store: write, read and delete work"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_show_the_guard_the_binding_and_the_trail_the_config_sets() {
    let w = workspace_guarded(Options::default(), None, |_| String::new(), true).await;
    let shown = w.kumo.settings().zero_trust;
    assert!(shown.guard);
    assert_eq!(
        shown.privileged,
        ["AdministratorAccess", "*Admin*", "*FullAccess"]
    );
    assert_eq!(shown.max_elevation_secs, 3600);
    assert!(!shown.require_match);
    assert_eq!(
        std::path::PathBuf::from(shown.audit_file),
        w.home.path().join(".local/state/kumo/audit.jsonl")
    );
}
