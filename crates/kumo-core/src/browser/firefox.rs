//! Firefox: a named, coloured container per context, through the "Open external links in
//! a container" add-on's `ext+container:` URLs.

use super::launcher::BrowserContext;

/// Firefox container colours, in the add-on's names; also the colours a target may be
/// given in the app.
pub const COLOURS: [&str; 8] = [
    "blue",
    "turquoise",
    "green",
    "yellow",
    "orange",
    "red",
    "pink",
    "purple",
];

/// A colour per context, the same every time.
pub fn colour(key: &str) -> &'static str {
    let hash = key
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    COLOURS[hash as usize % COLOURS.len()]
}

/// The argv that opens `url` in Firefox, in the context's container when given.
pub fn argv(url: &str, context: Option<&BrowserContext>) -> Vec<String> {
    let target = match context {
        Some(context) => {
            let mut container = url::form_urlencoded::Serializer::new(String::new());
            container
                .append_pair("name", &context.label)
                .append_pair("color", colour(&context.key))
                .append_pair("icon", "briefcase")
                .append_pair("url", url);
            format!("ext+container:{}", container.finish())
        }
        None => url.to_owned(),
    };
    vec!["firefox".to_owned(), target]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_context_opens_in_a_named_coloured_container() {
        let context = BrowserContext {
            key: "aws:acme/123456789012/Admin".into(),
            label: "acme payments-prod Admin".into(),
        };
        assert_eq!(
            argv("https://x.test/?a=1&b=2", Some(&context)),
            [
                "firefox",
                &format!(
                    "ext+container:name=acme+payments-prod+Admin&color={}&icon=briefcase&url=https%3A%2F%2Fx.test%2F%3Fa%3D1%26b%3D2",
                    colour("aws:acme/123456789012/Admin")
                )
            ]
        );
    }

    #[test]
    fn colours_are_stable_per_key() {
        assert_eq!(colour("a"), colour("a"));
        assert!(COLOURS.contains(&colour("anything")));
    }
}
