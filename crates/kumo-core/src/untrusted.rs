//! What servers (and the caches, which any local process can edit) say, checked where it
//! arrives: identifiers in their own alphabets, names and emails without control or
//! bidirectional characters, credentials in theirs. What fails is dropped with a
//! warning naming it, so nothing downstream (`~/.aws/config`, shell text, gcloud files,
//! a terminal) ever sees it.

use std::borrow::Cow;

/// Names longer than this are not names.
const NAME_MAX: usize = 256;

/// An AWS account id: twelve digits.
pub fn aws_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// An IAM role name: `[\w+=,.@-]{1,64}`.
pub fn aws_role_name(role: &str) -> bool {
    (1..=64).contains(&role.len())
        && role
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
}

/// An Azure subscription id: a GUID.
pub fn azure_subscription_id(id: &str) -> bool {
    id.len() == 36
        && id.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// A Google Cloud project id: 6 to 30 of lowercase letters, digits and hyphens, starting
/// with a letter (older projects may hold a domain prefix `example.com:`).
pub fn gcp_project_id(id: &str) -> bool {
    let local = id.rsplit_once(':').map_or(id, |(domain, local)| {
        if domain.is_empty()
            || !domain
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b))
        {
            ""
        } else {
            local
        }
    });
    (6..=30).contains(&local.len())
        && local.starts_with(|c: char| c.is_ascii_lowercase())
        && !local.ends_with('-')
        && local
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A control or bidirectional-formatting character: what can move a terminal's cursor,
/// end a line in a file, or make text read in another order than it runs.
fn hostile(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            | '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// A display name (an account's, a subscription's, a project's): printable, at most
/// 256 bytes.
pub fn name(text: &str) -> bool {
    text.len() <= NAME_MAX && !text.chars().any(hostile)
}

/// An email address as a provider gives it: a name with one `@` and no spaces.
pub fn email(text: &str) -> bool {
    name(text) && text.matches('@').count() == 1 && !text.contains(char::is_whitespace)
}

/// An AWS access key id: 16 to 128 uppercase letters and digits.
pub fn access_key_id(id: &str) -> bool {
    (16..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// A secret access key or session token: base64's alphabet, at most 8 KiB.
pub fn aws_secret(secret: &str) -> bool {
    (1..=8192).contains(&secret.len())
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
}

/// `text` as it may be printed to a terminal: control and bidirectional characters
/// shown as `\u{…}` escapes, so no server can move the cursor or reorder a line.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(hostile) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if hostile(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// A URL to this machine: 127.0.0.0/8, ::1 or `localhost`.
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// A URL a server gave (a device flow's verification page, a discovery document's
/// endpoint, a next page's link), before a browser or the HTTP client sees it: https,
/// or http to this machine only, and no user name or password in it.
pub fn server_url(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text)
        .map_err(|e| format!("`{}` is not a URL ({e})", for_terminal(text)))?;
    let secure = url.scheme() == "https" || (url.scheme() == "http" && is_loopback(&url));
    if !secure {
        return Err(format!(
            "`{}` is not an https URL",
            for_terminal(url.host_str().unwrap_or(text))
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "the URL to `{}` holds a user name or password",
            for_terminal(url.host_str().unwrap_or_default())
        ));
    }
    Ok(url)
}

/// Whether `id` is well-formed by `valid`; when not, it is named as dropped.
pub fn keep_id(valid: fn(&str) -> bool, what: &str, source: &str, id: &str) -> bool {
    let ok = valid(id);
    if !ok {
        dropped(what, source, id);
    }
    ok
}

/// Leaves a printable name as it is, and replaces one that is not by `fallback`.
pub fn keep_name(value: &mut String, fallback: &str, what: &str, source: &str) {
    if !name(value) {
        dropped(what, source, value);
        *value = fallback.to_owned();
    }
}

/// Keeps only the tags or labels whose key and value are printable names.
pub fn retain_printable(tags: &mut std::collections::BTreeMap<String, String>, source: &str) {
    tags.retain(|key, value| {
        let ok = name(key) && name(value);
        if !ok {
            dropped("the tag", source, key);
        }
        ok
    });
}

/// Logs what was dropped: the field, where it came from, and the value made printable.
pub fn dropped(what: &str, source: &str, value: &str) {
    let shown: String = for_terminal(value).chars().take(80).collect();
    tracing::warn!("left out {what} `{shown}` from {source}: it is not well-formed");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_id_is_twelve_digits() {
        assert!(aws_account_id("123456789012"));
        for bad in [
            "12345678901",
            "1234567890123",
            "12345678901a",
            "123456789012\n",
        ] {
            assert!(!aws_account_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_role_name_is_iam_s_alphabet_up_to_64() {
        assert!(aws_role_name("AWSReservedSSO_Admin+x=y,z.a@b-c"));
        for bad in [
            "",
            "Admin\n[default]",
            "a b",
            "a;b",
            "$(id)",
            "`id`",
            &"a".repeat(65),
        ] {
            assert!(!aws_role_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_subscription_id_is_a_guid() {
        assert!(azure_subscription_id(
            "0b1f6471-1bf0-4dda-aec3-cb9272f09590"
        ));
        assert!(!azure_subscription_id(
            "0b1f6471-1bf0-4dda-aec3-cb9272f0959;"
        ));
        assert!(!azure_subscription_id(
            "0b1f64711bf04dda-aec3-cb9272f09590-"
        ));
    }

    #[test]
    fn a_project_id_is_gcp_s_alphabet() {
        for good in ["my-project-1", "example.com:my-project"] {
            assert!(gcp_project_id(good), "{good:?}");
        }
        for bad in [
            "My-Project",
            "proj",
            "project-",
            "1project",
            "p\nroject-x",
            ":project-x",
        ] {
            assert!(!gcp_project_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn names_hold_no_control_or_bidirectional_characters() {
        assert!(name("本番 (prod) — 東京"));
        for bad in [
            "a\nb",
            "a\u{1b}[2Jb",
            "a\u{202E}b",
            "a\u{2066}b",
            "a\rb",
            "a\u{7f}",
        ] {
            assert!(!name(bad), "{bad:?}");
        }
        assert!(!name(&"a".repeat(257)));
    }

    #[test]
    fn an_email_has_one_at_and_no_space() {
        assert!(email("dev@acme.com"));
        for bad in ["dev", "dev@@acme.com", "dev @acme.com", "dev@acme.com\n"] {
            assert!(!email(bad), "{bad:?}");
        }
    }

    #[test]
    fn credentials_are_in_their_alphabets() {
        assert!(access_key_id("ASIAEXAMPLE12345678"));
        assert!(!access_key_id("ASIA EXAMPLE1234567"));
        assert!(aws_secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY="));
        assert!(!aws_secret("secret'; rm -rf ~; '"));
        assert!(!aws_secret(""));
    }

    #[test]
    fn a_server_url_is_https_or_http_to_this_machine() {
        for good in [
            "https://accounts.example/device?code=1",
            "http://127.0.0.1:8080/x",
            "http://[::1]:1/",
            "http://localhost/",
        ] {
            assert!(server_url(good).is_ok(), "{good}");
        }
        for bad in [
            "http://evil.test/",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "https://user:pw@accounts.example/",
            "http://127.0.0.1.evil.test/",
            "not a url",
        ] {
            assert!(server_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_terminal_sees_escapes_instead_of_control_characters() {
        assert_eq!(for_terminal("prod"), "prod");
        assert_eq!(
            for_terminal("a\u{1b}[31mb\u{202E}c"),
            "a\\u{1b}[31mb\\u{202e}c"
        );
    }
}
