//! Endpoint overrides: every URL that stands in for a real cloud endpoint, from the
//! config's keys or the environment, parsed through one type ([`EndpointUrl`]: https,
//! or http to this machine only, no userinfo), and the list of those in effect, which
//! every command warns of: an override sees sign-in tokens and role credentials.

use crate::config::{Config, EndpointUrl};
use crate::environment::Environment;

/// The standard AWS endpoint variables Kumo honours, plus its own.
pub const VARIABLES: [&str; 5] = [
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_SSO_OIDC",
    "AWS_ENDPOINT_URL_SSO",
    "AWS_ENDPOINT_URL_STS",
    "KUMO_FEDERATION_URL",
];

/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`: the AWS variables are not honoured.
fn aws_variables_ignored(env: &Environment) -> bool {
    env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// The endpoint variable `var` parsed, when it is set and honoured.
fn parsed(env: &Environment, var: &str) -> Option<Result<EndpointUrl, String>> {
    if var.starts_with("AWS_") && aws_variables_ignored(env) {
        return None;
    }
    env.get(var).map(EndpointUrl::try_from)
}

/// The endpoint variable `var`, when it is set, honoured, and a valid endpoint. One that
/// is not valid is not used: every command warns of it once ([`warning`]), and `kumo
/// doctor` names it and fails.
pub fn variable(env: &Environment, var: &str) -> Option<EndpointUrl> {
    parsed(env, var)?.ok()
}

/// One override in effect: where it is set, and the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// `AWS_ENDPOINT_URL_SSO`, or "org `acme` oidc_endpoint".
    pub source: String,
    pub url: String,
}

impl std::fmt::Display for Override {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} = {}", self.source, self.url)
    }
}

/// Every override in effect: the config's endpoint keys and the honoured variables.
/// The identity's issuer and the Azure and Google endpoints are the config's own choice
/// of provider, not overrides of one, and are not listed.
pub fn in_effect(config: &Config, env: &Environment) -> Vec<Override> {
    let mut found = Vec::new();
    for org in &config.aws {
        let keys = [
            ("oidc_endpoint", &org.oidc_endpoint),
            ("portal_endpoint", &org.portal_endpoint),
            ("sts_endpoint", &org.sts_endpoint),
            ("federation_endpoint", &org.federation_endpoint),
        ];
        for (key, value) in keys {
            if let Some(url) = value {
                found.push(Override {
                    source: format!("org `{}` {key}", org.name),
                    url: url.as_str().to_owned(),
                });
            }
        }
    }
    for var in VARIABLES {
        if let Some(url) = variable(env, var) {
            found.push(Override {
                source: var.to_owned(),
                url: url.as_str().to_owned(),
            });
        }
    }
    found
}

/// The endpoint variables that are set but not valid endpoints, with why.
pub fn invalid(env: &Environment) -> Vec<(&'static str, String)> {
    VARIABLES
        .into_iter()
        .filter_map(|var| parsed(env, var)?.err().map(|e| (var, e)))
        .collect()
}

/// What every command prints on stderr: one line naming the overrides in effect, and one
/// for each variable that is set but not used; `None` without either.
pub fn warning(overrides: &[Override], invalid: &[(&str, String)]) -> Option<String> {
    let mut lines: Vec<String> = invalid
        .iter()
        .map(|(var, e)| format!("kumo: warning: {var} is not used: {e}"))
        .collect();
    if !overrides.is_empty() {
        let list: Vec<String> = overrides.iter().map(Override::to_string).collect();
        lines.insert(
            0,
            format!(
                "kumo: warning: endpoint overrides in effect (they see sign-in tokens and credentials): {}",
                list.join(", ")
            ),
        );
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(extra: &str) -> Config {
        Config::parse(
            &format!(
                "[[aws]]\nname = \"acme\"\nstart_url = \"https://acme.awsapps.com/start\"\nregion = \"eu-west-1\"\n{extra}"
            ),
            Path::new("c"),
        )
        .unwrap()
    }

    #[test]
    fn config_keys_and_variables_in_effect_are_each_named() {
        let env = Environment::from_pairs([("AWS_ENDPOINT_URL_STS", "https://sts.test")]);
        let found = in_effect(&config("oidc_endpoint = \"http://127.0.0.1:9\"\n"), &env);
        assert_eq!(
            found.iter().map(Override::to_string).collect::<Vec<_>>(),
            [
                "org `acme` oidc_endpoint = http://127.0.0.1:9/",
                "AWS_ENDPOINT_URL_STS = https://sts.test/"
            ]
        );
    }

    #[test]
    fn an_invalid_variable_is_not_used_and_is_named() {
        let env = Environment::from_pairs([("AWS_ENDPOINT_URL_SSO", "http://evil.test")]);
        assert_eq!(variable(&env, "AWS_ENDPOINT_URL_SSO"), None);
        assert_eq!(invalid(&env).len(), 1);
        assert!(in_effect(&config(""), &env).is_empty());
    }

    #[test]
    fn aws_ignore_configured_endpoint_urls_turns_the_aws_variables_off() {
        let env = Environment::from_pairs([
            ("AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:1"),
            ("KUMO_FEDERATION_URL", "http://127.0.0.1:2"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
        ]);
        assert_eq!(variable(&env, "AWS_ENDPOINT_URL_SSO"), None);
        assert_eq!(
            in_effect(&config(""), &env)
                .iter()
                .map(|o| o.source.as_str())
                .collect::<Vec<_>>(),
            ["KUMO_FEDERATION_URL"]
        );
    }

    #[test]
    fn no_override_no_warning() {
        assert_eq!(warning(&[], &[]), None);
    }

    #[test]
    fn a_variable_not_used_is_warned_of_in_a_line_of_its_own() {
        let env = Environment::from_pairs([("AWS_ENDPOINT_URL_SSO", "http://evil.test")]);
        assert_eq!(
            warning(&[], &invalid(&env)).as_deref(),
            Some(
                "kumo: warning: AWS_ENDPOINT_URL_SSO is not used: `http://evil.test` is not an endpoint: plain http is allowed only to this machine (127.0.0.1, ::1, localhost); use https"
            )
        );
    }
}
