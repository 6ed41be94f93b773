//! How the CLI says things: errors with the command that puts them right, and times.

use kumo_core::access::{Error, NextStep, Provider, SignInReason, rfc3339};

/// A core error as one line: what happened, then what to run.
pub fn error_line(e: &Error) -> String {
    match &e.next {
        Some(next) => {
            let (separator, advice) = advice(next);
            format!("{}{separator}{advice}", e.message)
        }
        None => e.message.clone(),
    }
}

/// The command that signs in to one provider.
pub fn login_command(provider: Provider, name: &str) -> String {
    match provider {
        Provider::Identity => "kumo login --identity".to_owned(),
        Provider::Aws => format!("kumo login --org {name}"),
        Provider::Azure => format!("kumo login --tenant {name}"),
    }
}

/// The command that takes the next step, worded for a terminal.
fn advice(next: &NextStep) -> (&'static str, String) {
    match next {
        NextStep::SignIn {
            provider,
            name,
            why,
        } => {
            let command = login_command(*provider, name);
            let again = match why {
                SignInReason::Refused => " to try again",
                SignInReason::CodeExpired => " again",
                SignInReason::Missing | SignInReason::Ended => "",
            };
            (": ", format!("run `{command}`{again}"))
        }
        NextStep::Relist { name, .. } => (
            ": ",
            format!("check the name, or run `kumo ls --org {name} --refresh`"),
        ),
        NextStep::UnlockKeychain => (
            "; ",
            "on Linux, start and unlock a Secret Service such as gnome-keyring, then run `kumo doctor`"
                .to_owned(),
        ),
        NextStep::SignOutAndIn => ("; ", "run `kumo logout` and sign in again".to_owned()),
        NextStep::CheckNetwork => (
            "; ",
            "check the network and the endpoint overrides (`kumo doctor`)".to_owned(),
        ),
        NextStep::Elevate { target } => (
            ": ",
            format!("run `kumo elevate {target} --reason \"<why>\"`"),
        ),
    }
}

/// "valid until <time> (<h> h <mm> min left)".
pub fn until(expires_at: i64, now: i64) -> String {
    let minutes = (expires_at - now).max(0) / 60;
    format!(
        "valid until {} ({} h {:02} min left)",
        rfc3339(expires_at),
        minutes / 60,
        minutes % 60
    )
}

/// The person's workspace, with the warning line when endpoint overrides are in effect.
pub fn load() -> anyhow::Result<kumo_core::access::Kumo> {
    let kumo = kumo_core::access::Kumo::load()?;
    if let Some(warning) = kumo.override_warning() {
        eprintln!("{warning}");
    }
    Ok(kumo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_sign_in_is_worded_as_the_command_to_try_again() {
        let e = Error {
            message: "the sign-in for `acme` was denied in the browser".into(),
            next: Some(NextStep::SignIn {
                provider: Provider::Aws,
                name: "acme".into(),
                why: SignInReason::Refused,
            }),
        };
        assert_eq!(
            error_line(&e),
            "the sign-in for `acme` was denied in the browser: run `kumo login --org acme` to try again"
        );
    }

    #[test]
    fn a_locked_keychain_is_worded_as_what_to_start() {
        let e = Error {
            message: "the OS keychain is not reachable (locked)".into(),
            next: Some(NextStep::UnlockKeychain),
        };
        assert_eq!(
            error_line(&e),
            "the OS keychain is not reachable (locked); on Linux, start and unlock a Secret Service such as gnome-keyring, then run `kumo doctor`"
        );
    }
}
