//! `kumo use` in a person's shell: the function `kumo shell-init` defines, and the script
//! it evaluates, with every value quoted for that shell so that no name or secret can
//! be read as code.

use zeroize::Zeroizing;

/// The variable that lists what the last `kumo use` set, so the next one (or `--unset`)
/// clears exactly that.
pub const USED: &str = "KUMO_USE_VARS";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

impl Shell {
    pub const NAMES: [&'static str; 4] = ["bash", "zsh", "fish", "powershell"];

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "bash" => Self::Bash,
            "zsh" => Self::Zsh,
            "fish" => Self::Fish,
            "powershell" | "pwsh" => Self::Powershell,
            _ => return None,
        })
    }

    /// `value` as one literal word of this shell.
    pub fn quote(self, value: &str) -> String {
        match self {
            // Inside single quotes nothing is special but the quote itself.
            Self::Bash | Self::Zsh => format!("'{}'", value.replace('\'', r"'\''")),
            // fish's single quotes treat `\\` and `\'` as escapes.
            Self::Fish => format!("'{}'", value.replace('\\', r"\\").replace('\'', r"\'")),
            // PowerShell doubles a single quote inside single quotes.
            Self::Powershell => format!("'{}'", value.replace('\'', "''")),
        }
    }

    fn set(self, name: &str, value: &str) -> String {
        let value = self.quote(value);
        match self {
            Self::Bash | Self::Zsh => format!("export {name}={value}\n"),
            Self::Fish => format!("set -gx {name} {value}\n"),
            Self::Powershell => format!("$Env:{name} = {value}\n"),
        }
    }

    fn unset(self, name: &str) -> String {
        match self {
            Self::Bash | Self::Zsh => format!("unset {name}\n"),
            Self::Fish => format!("set -e {name}\n"),
            Self::Powershell => {
                format!("Remove-Item Env:{name} -ErrorAction SilentlyContinue\n")
            }
        }
    }
}

/// The script that clears what the last `kumo use` set (`previous`, the value of
/// [`USED`]), removes `remove` and sets `set`, recording the names it set.
pub fn script(
    shell: Shell,
    previous: &str,
    remove: &[&str],
    set: &[(String, Zeroizing<String>)],
) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::new());
    let set_names: Vec<&str> = set.iter().map(|(name, _)| name.as_str()).collect();
    let cleared = previous
        .split_whitespace()
        .filter(|name| is_name(name))
        .chain(remove.iter().copied())
        .filter(|name| !set_names.contains(name));
    let mut done: Vec<&str> = Vec::new();
    for name in cleared {
        if !done.contains(&name) {
            out.push_str(&shell.unset(name));
            done.push(name);
        }
    }
    for (name, value) in set {
        out.push_str(&shell.set(name, value));
    }
    if set.is_empty() {
        out.push_str(&shell.unset(USED));
    } else {
        out.push_str(&shell.set(USED, &set_names.join(" ")));
    }
    out
}

/// Only a variable name goes into a script unquoted.
fn is_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What `eval "$(kumo shell-init <shell>)"` defines: `kumo use …` evaluated in the
/// current shell (every other command passes through), and `kumo_prompt`, a prompt
/// segment with the target and its time left.
pub fn init(shell: Shell) -> String {
    match shell {
        Shell::Bash => POSIX_INIT.replace("__SHELL__", "bash"),
        Shell::Zsh => POSIX_INIT.replace("__SHELL__", "zsh"),
        Shell::Fish => FISH_INIT.to_owned(),
        Shell::Powershell => POWERSHELL_INIT.to_owned(),
    }
}

const POSIX_INIT: &str = r#"kumo() {
  if [ "${1-}" = use ]; then
    shift
    local __kumo_script
    __kumo_script="$(command kumo use --shell __SHELL__ "$@")" || return $?
    eval "$__kumo_script"
  else
    command kumo "$@"
  fi
}
kumo_prompt() {
  [ -n "${KUMO_TARGET-}" ] || return 0
  if [ -n "${KUMO_TARGET_EXPIRES-}" ]; then
    local __kumo_left=$(( (KUMO_TARGET_EXPIRES - $(date +%s)) / 60 ))
    if [ "$__kumo_left" -gt 0 ]; then
      printf '[%s %sm]' "$KUMO_TARGET" "$__kumo_left"
    else
      printf '[%s expired]' "$KUMO_TARGET"
    fi
  else
    printf '[%s]' "$KUMO_TARGET"
  fi
}
"#;

const FISH_INIT: &str = r#"function kumo --wraps kumo
    if test (count $argv) -ge 1; and test "$argv[1]" = use
        set -l __kumo_script (command kumo use --shell fish $argv[2..-1]); or return $status
        printf '%s\n' $__kumo_script | source
    else
        command kumo $argv
    end
end
function kumo_prompt
    set -q KUMO_TARGET; or return 0
    if set -q KUMO_TARGET_EXPIRES
        set -l left (math --scale=0 "($KUMO_TARGET_EXPIRES - "(date +%s)") / 60")
        if test $left -gt 0
            printf '[%s %sm]' $KUMO_TARGET $left
        else
            printf '[%s expired]' $KUMO_TARGET
        end
    else
        printf '[%s]' $KUMO_TARGET
    end
end
"#;

const POWERSHELL_INIT: &str = r#"function kumo {
    if ($args.Count -ge 1 -and $args[0] -eq 'use') {
        $rest = @($args | Select-Object -Skip 1)
        $script = & (Get-Command kumo -CommandType Application | Select-Object -First 1) use --shell powershell @rest
        if ($LASTEXITCODE -ne 0) { return }
        Invoke-Expression ($script -join "`n")
    } else {
        & (Get-Command kumo -CommandType Application | Select-Object -First 1) @args
    }
}
function kumo_prompt {
    if (-not $Env:KUMO_TARGET) { return '' }
    if ($Env:KUMO_TARGET_EXPIRES) {
        $left = [math]::Floor(([long]$Env:KUMO_TARGET_EXPIRES - [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()) / 60)
        if ($left -gt 0) { return "[$($Env:KUMO_TARGET) ${left}m]" }
        return "[$($Env:KUMO_TARGET) expired]"
    }
    return "[$($Env:KUMO_TARGET)]"
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pairs: &[(&str, &str)]) -> Vec<(String, Zeroizing<String>)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), Zeroizing::new(v.to_string())))
            .collect()
    }

    /// What running `script` changed in the environment of `shell` (Debian's own): every
    /// variable that `env -0` prints after it and not, with that value, after nothing.
    fn environment_after(shell: Shell, script: &str) -> std::collections::BTreeMap<String, String> {
        let baseline = environment_of(shell, "true");
        let mut after = environment_of(shell, script);
        after.retain(|k, v| baseline.get(k) != Some(v));
        after
    }

    fn environment_of(shell: Shell, script: &str) -> std::collections::BTreeMap<String, String> {
        let program = match shell {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
            Shell::Powershell => unreachable!("no PowerShell on this machine"),
        };
        let out = std::process::Command::new(program)
            .args(["-c", &format!("{script}\nexec env -0")])
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .output()
            .unwrap_or_else(|e| panic!("{program} runs (the test command installs it): {e}"));
        assert!(
            out.status.success(),
            "{program}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .split('\0')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// A real bash, zsh and fish read `kumo use`'s script and the exports of
        /// `kumo creds` as exactly the intended assignments, whatever the values hold.
        #[test]
        fn shells_parse_every_export_into_exactly_its_assignments(
            // Any text an environment can hold; fish keeps U+F600..U+F6FF for bytes
            // that are not UTF-8, so those are not text to it.
            values in proptest::collection::vec("[^\\x00\\x{F600}-\\x{F6FF}]{0,24}", 4),
        ) {
            let names = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "KUMO_TARGET"];
            let pairs: Vec<(&str, &str)> = names.iter().copied().zip(values.iter().map(String::as_str)).collect();
            let mut wanted: std::collections::BTreeMap<String, String> =
                pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
            wanted.insert(USED.into(), names.join(" "));
            for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
                let text = script(shell, "", &[], &set(&pairs));
                proptest::prop_assert_eq!(&environment_after(shell, &text), &wanted, "{:?}", shell);
            }
            let credentials = crate::aws::session::RoleCredentials {
                access_key_id: values[0].clone(),
                secret_access_key: values[1].clone(),
                session_token: values[2].clone(),
                expires_at: 1_800_000_000,
            };
            let mut exported: std::collections::BTreeMap<String, String> =
                pairs[..3].iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
            exported.insert("AWS_CREDENTIAL_EXPIRATION".into(), "2027-01-15T08:00:00Z".into());
            for (shell, format) in [
                (Shell::Bash, crate::export::env::Format::Env),
                (Shell::Zsh, crate::export::env::Format::Env),
                (Shell::Fish, crate::export::env::Format::Fish),
            ] {
                let text = crate::export::env::render(&credentials, format);
                proptest::prop_assert_eq!(&environment_after(shell, &text), &exported, "{:?}", shell);
            }
        }
    }

    #[test]
    fn a_posix_script_quotes_every_value_and_records_what_it_set() {
        let text = script(
            Shell::Bash,
            "",
            &["AWS_PROFILE"],
            &set(&[("KUMO_TARGET", "it's $(x)")]),
        );
        assert_eq!(
            text.as_str(),
            "unset AWS_PROFILE\nexport KUMO_TARGET='it'\\''s $(x)'\nexport KUMO_USE_VARS='KUMO_TARGET'\n"
        );
    }

    #[test]
    fn a_fish_script_escapes_backslashes_and_quotes() {
        let text = script(Shell::Fish, "", &[], &set(&[("A", r"a\'b")]));
        assert_eq!(
            text.as_str(),
            "set -gx A 'a\\\\\\'b'\nset -gx KUMO_USE_VARS 'A'\n"
        );
    }

    #[test]
    fn a_powershell_script_doubles_single_quotes() {
        let text = script(Shell::Powershell, "", &[], &set(&[("A", "it's")]));
        assert_eq!(
            text.as_str(),
            "$Env:A = 'it''s'\n$Env:KUMO_USE_VARS = 'A'\n"
        );
    }

    #[test]
    fn the_previous_use_is_cleared_but_not_what_is_set_again() {
        let text = script(
            Shell::Bash,
            "AWS_REGION GOOGLE_CLOUD_PROJECT $(evil)",
            &[],
            &set(&[("AWS_REGION", "eu-west-1")]),
        );
        assert_eq!(
            text.as_str(),
            "unset GOOGLE_CLOUD_PROJECT\nexport AWS_REGION='eu-west-1'\nexport KUMO_USE_VARS='AWS_REGION'\n"
        );
    }

    #[test]
    fn unsetting_clears_the_previous_use_and_its_record() {
        let text = script(Shell::Zsh, "A B", &[], &[]);
        assert_eq!(text.as_str(), "unset A\nunset B\nunset KUMO_USE_VARS\n");
    }
}
