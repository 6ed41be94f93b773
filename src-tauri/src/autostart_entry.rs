//! The start-at-login entry the autostart plugin writes on Linux
//! (`~/.config/autostart/Kumo.desktop`, by auto-launch 0.6): its Exec line names the
//! program unquoted, so a path holding a space would start nothing at login. After each
//! enable Kumo quotes the program as the Desktop Entry spec's Exec key asks.

use tauri::{AppHandle, Runtime};
use tauri_plugin_autostart::ManagerExt;

/// The arguments the entry starts Kumo with.
pub const ARGS: &str = "--minimised";

/// Characters the Desktop Entry spec reserves in an Exec argument: one of them in the
/// program's path means it must be quoted.
const RESERVED: &[char] = &[
    ' ', '\t', '\n', '"', '\'', '\\', '>', '<', '~', '|', '&', ';', '$', '*', '?', '#', '(', ')',
    '`',
];

/// `entry` with its Exec line's program quoted, or `None` when it needs no quoting (or
/// the line is not the plugin's).
pub fn quote_program(entry: &str) -> Option<String> {
    let suffix = format!(" {ARGS}");
    let mut changed = false;
    let lines: Vec<String> = entry
        .split('\n')
        .map(|line| {
            let program = line
                .strip_prefix("Exec=")
                .and_then(|rest| rest.strip_suffix(suffix.as_str()));
            match program {
                Some(program) if !program.starts_with('"') && program.contains(RESERVED) => {
                    changed = true;
                    format!("Exec={}{suffix}", quoted(program))
                }
                _ => line.to_owned(),
            }
        })
        .collect();
    changed.then(|| lines.join("\n"))
}

/// `program` quoted for an Exec key: `"`, `` ` ``, `$` and `\` escaped inside the quotes,
/// then each backslash doubled (the key's value is a string), `%` doubled (a field code
/// otherwise).
fn quoted(program: &str) -> String {
    let mut out = String::from("\"");
    for c in program.chars() {
        match c {
            '"' | '`' | '$' => {
                out.push_str(r"\\");
                out.push(c);
            }
            '\\' => out.push_str(r"\\\\"),
            '%' => out.push_str("%%"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Turns start at login on, its entry's program quoted where the path needs it.
pub fn enable<R: Runtime>(app: &AppHandle<R>) -> Result<(), String> {
    app.autolaunch().enable().map_err(|e| e.to_string())?;
    #[cfg(target_os = "linux")]
    quote_written_entry(app)?;
    Ok(())
}

/// Rewrites the plugin's entry, atomically, when its program needs quoting.
#[cfg(target_os = "linux")]
fn quote_written_entry<R: Runtime>(app: &AppHandle<R>) -> Result<(), String> {
    let Some(home) = std::env::var_os("HOME") else {
        return Ok(());
    };
    let path = std::path::Path::new(&home)
        .join(".config/autostart")
        .join(format!("{}.desktop", app.package_info().name));
    let entry = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if let Some(fixed) = quote_program(&entry) {
        let partial = path.with_extension("desktop.partial");
        std::fs::write(&partial, fixed)
            .and_then(|()| std::fs::rename(&partial, &path))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(exec: &str) -> String {
        format!(
            "[Desktop Entry]\nType=Application\nName=Kumo\nExec={exec}\nStartupNotify=false\nTerminal=false"
        )
    }

    #[test]
    fn a_plain_path_is_left_as_written() {
        assert_eq!(quote_program(&entry("/usr/bin/kumo-app --minimised")), None);
    }

    #[test]
    fn a_path_with_a_space_is_quoted() {
        assert_eq!(
            quote_program(&entry("/home/taro/My Apps/Kumo.AppImage --minimised")),
            Some(entry("\"/home/taro/My Apps/Kumo.AppImage\" --minimised"))
        );
    }

    #[test]
    fn quotes_dollars_backslashes_and_percents_in_a_path_are_escaped() {
        assert_eq!(
            quote_program(&entry(r#"/opt/a "b" $c\d 100%/kumo --minimised"#)),
            Some(entry(
                r#""/opt/a \\"b\\" \\$c\\\\d 100%%/kumo" --minimised"#
            ))
        );
    }

    #[test]
    fn an_entry_quoted_already_is_left_alone() {
        assert_eq!(
            quote_program(&entry("\"/home/taro/My Apps/kumo\" --minimised")),
            None
        );
    }
}
