//! `kumo exec`: a command run with a target's credentials, its exit status kumo's.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Args;
use clap_complete::ArgValueCompleter;
use kumo_core::access::{self, ExecRequest};

use crate::credentials::prompt;
use crate::feedback::Terminal;
use crate::target;

#[derive(Args)]
pub struct ExecArgs {
    #[arg(help = target::TARGET_HELP, add = ArgValueCompleter::new(target::complete))]
    target: String,
    /// The AWS region (default: the org's).
    #[arg(long)]
    region: Option<String>,
    /// Serve AWS credentials from a loopback endpoint (the SDKs' container-credentials
    /// format), renewed as they near their end, instead of variables that expire: for a
    /// command that may outlive one set of credentials. Used by itself when the
    /// credentials at hand have under 15 minutes left.
    #[arg(long)]
    server: bool,
    /// The command and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    command: Vec<OsString>,
}

pub fn run(args: ExecArgs) -> anyhow::Result<ExitCode> {
    let kumo = crate::output::load()?;
    let id = target::resolve(&kumo, &args.target)?;
    let request = ExecRequest {
        target: &id,
        region: args.region.as_deref(),
        server: args.server,
        command: &args.command,
        prompt: prompt(),
    };
    let status = access::block_on(kumo.exec(&request, &Terminal::new()))??;
    Ok(ExitCode::from(u8::try_from(status).unwrap_or(u8::MAX)))
}
