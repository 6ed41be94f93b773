//! `kumo creds` and `kumo credential-process`: role credentials on stdout, for the caller.

use std::io::IsTerminal;

use clap::Args;
use kumo_core::access::{CredentialFormat, Prompt};

use crate::feedback::Terminal;
use crate::target;
use clap_complete::ArgValueCompleter;

#[derive(Args)]
pub struct TargetArg {
    #[arg(help = target::TARGET_HELP, add = ArgValueCompleter::new(target::complete))]
    pub target: String,
}

#[derive(Args)]
pub struct CredsArgs {
    #[command(flatten)]
    target: TargetArg,
    /// process | env | env-no-export | fish | powershell | windows-cmd
    #[arg(long, default_value = "env", value_parser = clap::builder::PossibleValuesParser::new(CredentialFormat::NAMES))]
    format: String,
}

/// Whether a person is at the terminal to answer a sign-in.
pub fn is_person() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// A person may be asked to sign in; a script only where its org allows it.
pub fn prompt() -> Prompt {
    if is_person() {
        Prompt::Always
    } else {
        Prompt::IfOrgAllows
    }
}

pub fn creds(args: CredsArgs) -> anyhow::Result<()> {
    let kumo = crate::output::load()?;
    let format = CredentialFormat::parse(&args.format).expect("clap checked the format");
    let id = target::resolve(&kumo, &args.target.target)?;
    let credentials = kumo.credentials_now(&id, prompt(), &Terminal::new())?;
    print!("{}", credentials.render(format).as_str());
    Ok(())
}

pub fn credential_process(args: TargetArg) -> anyhow::Result<()> {
    let kumo = crate::output::load()?;
    let id = target::resolve(&kumo, &args.target)?;
    let text = kumo.credential_process(&id, &Terminal::new())?;
    print!("{}", text.as_str());
    Ok(())
}
