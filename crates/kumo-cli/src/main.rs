//! `kumo`: the command line over kumo-core. Parse, call core, render; nothing more.

mod aws;
mod azure;
mod console;
mod context;
mod demo;
mod export;
mod feedback;
mod list;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kumo_core::doctor::{self, DoctorReport, Status};
use kumo_core::environment::Environment;

/// One sign-in, every cloud console: AWS accounts and roles, Azure subscriptions and GCP
/// projects, with credentials kept in the OS keychain.
#[derive(Parser)]
#[command(name = "kumo", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sign in: the company identity (when configured), then every AWS org and Azure
    /// tenant, or only the one named. Prompts only when no session can be renewed silently.
    Login(aws::LoginArgs),
    /// Show who is signed in to the company identity, with which issuer, until when.
    Whoami,
    /// Sign out of an AWS org (or --tenant) and remove its tokens and credentials from the keychain.
    Logout(aws::LogoutArgs),
    /// List the AWS roles, Azure subscriptions and GCP projects you can open (from the
    /// cache; --refresh re-lists).
    Ls(list::LsArgs),
    /// Print role credentials for TARGET (aws:<org>/<account>/<role>) in a shell's format.
    Creds(aws::CredsArgs),
    /// Print TARGET's credentials as `credential_process` expects, and nothing else.
    CredentialProcess(aws::TargetArg),
    /// Open the console of TARGET (AWS signed in, Azure portal, GCP console) in its own
    /// browser profile/container.
    Console(console::ConsoleArgs),
    /// Write profiles for other tools: ~/.aws/config (`aws`), gcloud configurations (`gcloud`).
    #[command(subcommand)]
    Export(export::Export),
    /// Walk through sign-in, discovery and credentials on a built-in demo cloud.
    Demo,
    /// Check the config file, keychain, browser and endpoint overrides, and say what to fix.
    Doctor {
        /// Print the report as JSON (the same facts the desktop app shows).
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KUMO_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match Cli::parse().command {
        Command::Login(args) => aws::login(args),
        Command::Logout(args) => aws::logout(args),
        Command::Whoami => aws::whoami(),
        Command::Ls(args) => list::ls(args),
        Command::Creds(args) => aws::creds(args),
        Command::CredentialProcess(args) => aws::credential_process(args),
        Command::Export(export::Export::Aws(args)) => export::aws(args),
        Command::Export(export::Export::Gcloud(args)) => export::gcloud(args),
        Command::Console(args) => console::run(args),
        Command::Demo => demo::run(),
        Command::Doctor { json } => return run_doctor(json),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kumo: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_doctor(json: bool) -> ExitCode {
    let env = Environment::from_process();
    let report = doctor::diagnose(&env, kumo_core::vault::store_for(&env).as_ref());
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
