//! `kumo use`, `kumo shell-init` and `kumo completions`: Kumo inside a person's shell.

use std::io::IsTerminal;

use clap::{Args, CommandFactory};
use clap_complete::ArgValueCompleter;
use clap_complete::env::EnvCompleter;
use kumo_core::access::{self, Shell, USED_VARIABLES, UseRequest};

use crate::credentials::prompt;
use crate::feedback::Terminal;
use crate::output::until;
use crate::target;

#[derive(Args)]
#[command(group(clap::ArgGroup::new("what").args(["target", "unset"]).required(true)))]
pub struct UseArgs {
    #[arg(help = target::TARGET_HELP, add = ArgValueCompleter::new(target::complete))]
    target: Option<String>,
    /// Clear what the last `kumo use` set in this shell.
    #[arg(long)]
    unset: bool,
    /// The AWS region (default: the org's).
    #[arg(long)]
    region: Option<String>,
    /// The shell to write for; the function `kumo shell-init` defines passes it.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(Shell::NAMES))]
    shell: Option<String>,
}

#[derive(Args)]
pub struct ShellArgs {
    /// bash, zsh, fish or powershell
    #[arg(value_parser = clap::builder::PossibleValuesParser::new(Shell::NAMES))]
    shell: String,
}

pub fn use_target(args: UseArgs) -> anyhow::Result<()> {
    let Some(shell) = args.shell.as_deref().and_then(Shell::parse) else {
        anyhow::bail!(
            "`kumo use` changes the current shell through the function `kumo shell-init` defines: add `eval \"$(kumo shell-init bash)\"` (or zsh, fish, powershell) to your shell's startup file"
        );
    };
    let previous = std::env::var(USED_VARIABLES).unwrap_or_default();
    if args.unset {
        print!("{}", access::unuse_script(shell, &previous).as_str());
        eprintln!("Cleared the target of this shell.");
        return Ok(());
    }
    let kumo = crate::output::load()?;
    let id = target::resolve(&kumo, args.target.as_deref().unwrap_or_default())?;
    let request = UseRequest {
        target: &id,
        region: args.region.as_deref(),
        shell,
        previous: &previous,
        prompt: prompt(),
    };
    let used = access::block_on(kumo.use_target(&request, &Terminal::new()))??;
    print!("{}", used.script.as_str());
    match (&used.profile, used.expires_at) {
        (Some(profile), _) => eprintln!("Using {id} through its profile `{profile}`."),
        (None, Some(at)) => eprintln!("Using {id}, {}.", until(at, kumo.now())),
        (None, None) => eprintln!("Using {id}."),
    }
    Ok(())
}

pub fn shell_init(args: ShellArgs) -> anyhow::Result<()> {
    let shell = Shell::parse(&args.shell).expect("clap checked the shell");
    print!("{}", access::shell_init(shell));
    if std::io::stdout().is_terminal() {
        eprintln!(
            "Add `eval \"$(kumo shell-init {})\"` to your shell's startup file.",
            args.shell
        );
    }
    Ok(())
}

/// `kumo completions SHELL`: the script that registers Kumo's completions; the shell
/// then asks `kumo` itself (with `COMPLETE` set) for each completion, so target names
/// come from the cache of the moment.
pub fn completions(args: ShellArgs) -> anyhow::Result<()> {
    let completer = std::env::current_exe()
        .map(|path| path.display().to_string())
        .unwrap_or_else(|_| "kumo".to_owned());
    let mut out = std::io::stdout().lock();
    let registration = |shell: &dyn EnvCompleter, out: &mut dyn std::io::Write| {
        shell.write_registration("COMPLETE", "kumo", "kumo", &completer, out)
    };
    match Shell::parse(&args.shell).expect("clap checked the shell") {
        Shell::Bash => registration(&clap_complete::env::Bash, &mut out),
        Shell::Zsh => registration(&clap_complete::env::Zsh, &mut out),
        Shell::Fish => registration(&clap_complete::env::Fish, &mut out),
        Shell::Powershell => registration(&clap_complete::env::Powershell, &mut out),
    }?;
    Ok(())
}

/// Answers a shell's completion request (`COMPLETE` set) and exits; returns otherwise.
pub fn answer_completion() {
    clap_complete::CompleteEnv::with_factory(crate::Cli::command)
        .bin("kumo")
        .complete();
}
