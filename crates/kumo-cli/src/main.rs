//! `kumo`: the command line over kumo-core. Parse, call core, render; nothing more.

mod audit;
mod console;
mod credentials;
mod demo;
mod elevate;
mod exec;
mod export;
mod feedback;
mod list;
mod output;
mod session;
mod shell;
mod status;
mod target;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kumo_core::access::{self, DoctorReport, Status};

/// One sign-in, every cloud console: AWS accounts and roles, Azure subscriptions and GCP
/// projects, with credentials kept in the OS keychain.
#[derive(Parser)]
#[command(name = "kumo", version)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sign in: the company identity (when configured), then every AWS org and Azure
    /// tenant, or only the one named. Prompts only when no session can be renewed silently.
    Login(session::LoginArgs),
    /// Show who is signed in to the company identity, with which issuer, until when.
    Whoami,
    /// Every provider's session from the keychain and the clock alone (no network):
    /// whether it renews by itself or needs a sign-in. Exit 1 when one needs a person.
    Status(status::StatusArgs),
    /// Sign out of an AWS org (or --tenant, --identity, --all): the provider revokes the
    /// session where it can, and its tokens and credentials leave the keychain.
    Logout(session::LogoutArgs),
    /// List the AWS roles, Azure subscriptions and GCP projects you can open (from the
    /// cache; --refresh re-lists).
    Ls(list::LsArgs),
    /// Print role credentials for TARGET (aws:<org>/<account>/<role>) in a shell's format.
    Creds(credentials::CredsArgs),
    /// Print TARGET's credentials as `credential_process` expects, and nothing else.
    CredentialProcess(credentials::TargetArg),
    /// Open the console of TARGET (AWS signed in, Azure portal, GCP console) in its own
    /// browser profile/container.
    Console(console::ConsoleArgs),
    /// Write profiles for other tools: ~/.aws/config (`aws`), gcloud configurations (`gcloud`).
    #[command(subcommand)]
    Export(export::Export),
    /// Walk through sign-in, discovery and credentials on a built-in demo cloud.
    Demo,
    /// Open a privileged target (an admin role, a production subscription) for a while,
    /// with a reason that goes to the audit trail; --list and --end show and end them.
    Elevate(elevate::ElevateArgs),
    /// Show the audit trail: every sign-in, credential, console and export, as whom;
    /// `kumo audit verify` checks that no record was tampered with.
    Audit(audit::AuditArgs),
    /// Run COMMAND with TARGET's credentials (AWS), tenant and subscription (Azure) or
    /// project and access token (Google Cloud), and exit with its status.
    Exec(exec::ExecArgs),
    /// Switch the current shell to TARGET (after `eval "$(kumo shell-init bash)"`);
    /// `--unset` clears it.
    Use(shell::UseArgs),
    /// Print the shell function that makes `kumo use` work, and `kumo_prompt`, a prompt
    /// segment with the target and its time left.
    ShellInit(shell::ShellArgs),
    /// Print the script that completes commands, flags and target names in a shell.
    Completions(shell::ShellArgs),
    /// Check the config file, keychain, browser and endpoint overrides, and say what to fix.
    Doctor {
        /// Print the report as JSON (the same facts the desktop app shows).
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    shell::answer_completion();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(access::log_filter(
                std::env::var("KUMO_LOG").ok().as_deref(),
                "warn",
            ))
            .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let done = |result: anyhow::Result<()>| result.map(|()| ExitCode::SUCCESS);
    let result = match Cli::parse().command {
        Command::Login(args) => done(session::login(args)),
        Command::Logout(args) => done(session::logout(args)),
        Command::Whoami => done(session::whoami()),
        Command::Status(args) => status::run(args),
        Command::Ls(args) => done(list::ls(args)),
        Command::Creds(args) => done(credentials::creds(args)),
        Command::CredentialProcess(args) => done(credentials::credential_process(args)),
        Command::Export(export::Export::Aws(args)) => done(export::aws(args)),
        Command::Export(export::Export::Gcloud(args)) => done(export::gcloud(args)),
        Command::Console(args) => done(console::run(args)),
        Command::Demo => done(demo::run()),
        Command::Audit(args) => audit::run(args),
        Command::Elevate(args) => done(elevate::run(args)),
        Command::Exec(args) => exec::run(args),
        Command::Use(args) => done(shell::use_target(args)),
        Command::ShellInit(args) => done(shell::shell_init(args)),
        Command::Completions(args) => done(shell::completions(args)),
        Command::Doctor { json } => return run_doctor(json),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            match e.downcast_ref::<access::Error>() {
                Some(e) => eprintln!("kumo: {}", output::error_line(e)),
                None => eprintln!("kumo: {e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}

fn run_doctor(json: bool) -> ExitCode {
    let report = access::doctor();
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("kumo: cannot render the report: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        print!("{}", render(&report));
    }
    if report.healthy() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn render(report: &DoctorReport) -> String {
    let mut out = format!("kumo {}\n", report.version);
    for check in &report.checks {
        let mark = match check.status {
            Status::Ok => "ok  ",
            Status::Fail => "FAIL",
        };
        out.push_str(&format!("{mark} {}: {}\n", check.title, check.summary));
        for detail in &check.details {
            out.push_str(&format!("       {detail}\n"));
        }
        if let Some(fix) = &check.fix {
            out.push_str(&format!("       fix: {fix}\n"));
        }
    }
    if !report.healthy() {
        out.push_str("Some checks failed; see `fix:` above.\n");
    }
    out
}
