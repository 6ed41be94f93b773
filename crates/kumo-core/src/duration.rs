//! Durations as people write them: `90s`, `15m`, `2h`, `7d`, `1w`.

/// The seconds `text` names.
pub fn parse(text: &str) -> Result<u64, String> {
    let bad = || format!("`{text}` is not a duration: write a number and s, m, h, d or w, like 2h");
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| bad())?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(bad()),
    };
    number.checked_mul(seconds).ok_or_else(bad)
}

/// The shortest way to write `seconds` back: `1h`, `90m`, `45s`.
pub fn format(seconds: u64) -> String {
    match seconds {
        s if s > 0 && s % 3600 == 0 => format!("{}h", s / 3600),
        s if s > 0 && s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_a_number_and_a_unit() {
        assert_eq!(parse("90s"), Ok(90));
        assert_eq!(parse("2h"), Ok(7200));
        assert_eq!(parse("1w"), Ok(604_800));
    }

    #[test]
    fn other_durations_are_refused_with_the_form_to_use() {
        for bad in ["", "h", "2", "2y", "-1h", "99999999999999999999w"] {
            assert!(
                parse(bad)
                    .unwrap_err()
                    .starts_with(&format!("`{bad}` is not a duration")),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_duration_is_written_back_in_its_largest_whole_unit() {
        assert_eq!(
            [format(3600), format(5400), format(45)],
            ["1h", "90m", "45s"]
        );
    }
}
