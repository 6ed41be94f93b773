//! `kumo status`: each provider's session from the keychain and the clock alone, and an
//! exit status a shell prompt or a script can ask cheaply.

use std::process::ExitCode;

use clap::Args;
use kumo_core::access::{SessionReport, rfc3339};
use serde::Serialize;

use crate::output::login_command;

/// Version of the `kumo status --json` document.
const STATUS_FORMAT_VERSION: u32 = 1;

#[derive(Args)]
pub struct StatusArgs {
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    /// Whether a person must sign in somewhere (the exit status says the same).
    needs_sign_in: bool,
    providers: &'a [SessionReport],
}

/// Exit 0 when nothing needs a person, 1 when something does.
pub fn run(args: StatusArgs) -> anyhow::Result<ExitCode> {
    let kumo = crate::output::load()?;
    let reports = kumo.session_reports();
    let needs_sign_in = reports.iter().any(|r| r.needs_sign_in);
    if args.json {
        let document = Document {
            version: STATUS_FORMAT_VERSION,
            needs_sign_in,
            providers: &reports,
        };
        println!("{}", serde_json::to_string_pretty(&document)?);
    } else {
        let now = kumo.now();
        for report in &reports {
            println!("{}", line(report, now));
        }
    }
    Ok(if needs_sign_in {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// One provider: who, whether it renews by itself or needs a sign-in, and why.
fn line(r: &SessionReport, now: i64) -> String {
    let who = match &r.principal {
        Some(principal) => format!("{} {} ({principal})", r.provider.label(), r.name),
        None => format!("{} {}", r.provider.label(), r.name),
    };
    let run = login_command(r.provider, &r.name);
    let state = if let Some(error) = r.last_error.as_ref().filter(|e| e.refused) {
        format!(
            "sign-in needed: the provider refused the renewal ({}); run `{run}`",
            error.message
        )
    } else if !r.signed_in {
        format!("sign-in needed: not signed in; run `{run}`")
    } else if r.needs_sign_in {
        match r.sign_in_ends_at {
            Some(end) if end > now => format!(
                "sign-in needed before {}: the client registration ends then; run `{run}`",
                rfc3339(end)
            ),
            _ => format!("sign-in needed: the session ended; run `{run}`"),
        }
    } else {
        let token = match r.access_expires_at {
            Some(at) if r.access_valid => {
                format!("access token valid {} min more", (at - now) / 60)
            }
            _ => "access token renewed at next use".to_owned(),
        };
        let until = r
            .sign_in_ends_at
            .map(|end| format!(" until {}", rfc3339(end)))
            .unwrap_or_default();
        let renewals = match (r.last_renewal, r.next_renewal) {
            (Some(last), Some(next)) => format!(
                " (last renewal {}, next about {})",
                rfc3339(last),
                rfc3339(next)
            ),
            (None, Some(next)) => format!(" (next renewal about {})", rfc3339(next)),
            _ => String::new(),
        };
        format!("renews automatically{until}; {token}{renewals}")
    };
    let unreachable = r
        .last_error
        .as_ref()
        .filter(|e| !e.refused)
        .map(|e| format!("; the last renewal could not reach it ({})", e.message))
        .unwrap_or_default();
    format!("{who}: {state}{unreachable}.")
}
