//! Which URLs reach an org's Identity Center: per-org keys, else the standard AWS
//! endpoint variables (the global `AWS_ENDPOINT_URL` only where the org opts in), else
//! the real regional endpoints. Every override goes through [`overrides`].

use crate::config::AwsOrg;
use crate::environment::Environment;
use crate::overrides;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// IAM Identity Center OIDC (`sso-oidc`), also serving the browser `/authorize` page.
    pub oidc: String,
    /// The access portal (`sso`).
    pub portal: String,
    /// STS, which says whose role credentials they are.
    pub sts: String,
}

impl Endpoints {
    pub fn resolve(org: &AwsOrg, env: &Environment) -> Self {
        let pick = |key: Option<&crate::config::EndpointUrl>, var: &str, default: String| {
            key.cloned()
                .or_else(|| overrides::variable(env, var))
                .or_else(|| {
                    org.use_aws_endpoint_url
                        .then(|| overrides::variable(env, "AWS_ENDPOINT_URL"))
                        .flatten()
                })
                .map(|u| u.as_str().trim_end_matches('/').to_owned())
                .unwrap_or(default)
        };
        let region = org.region.as_str();
        Self {
            oidc: pick(
                org.oidc_endpoint.as_ref(),
                "AWS_ENDPOINT_URL_SSO_OIDC",
                format!("https://oidc.{region}.amazonaws.com"),
            ),
            portal: pick(
                org.portal_endpoint.as_ref(),
                "AWS_ENDPOINT_URL_SSO",
                format!("https://portal.sso.{region}.amazonaws.com"),
            ),
            sts: pick(
                org.sts_endpoint.as_ref(),
                "AWS_ENDPOINT_URL_STS",
                format!("https://sts.{region}.amazonaws.com"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use std::path::Path;

    fn org(extra: &str) -> AwsOrg {
        let text = format!(
            "[[aws]]\nname = \"acme\"\nstart_url = \"https://acme.awsapps.com/start\"\nregion = \"eu-west-1\"\n{extra}"
        );
        Config::parse(&text, Path::new("c")).unwrap().aws.remove(0)
    }

    #[test]
    fn the_real_regional_endpoints_are_the_default() {
        let e = Endpoints::resolve(&org(""), &Environment::default());
        assert_eq!(e.oidc, "https://oidc.eu-west-1.amazonaws.com");
        assert_eq!(e.portal, "https://portal.sso.eu-west-1.amazonaws.com");
    }

    #[test]
    fn service_variables_override_the_global_one_where_the_org_takes_it() {
        let env = Environment::from_pairs([
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:1"),
            ("AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:2/"),
        ]);
        let e = Endpoints::resolve(&org("use_aws_endpoint_url = true\n"), &env);
        assert_eq!(e.oidc, "http://127.0.0.1:1");
        assert_eq!(e.portal, "http://127.0.0.1:2");
    }

    #[test]
    fn the_global_variable_does_not_reach_identity_center_unless_the_org_opts_in() {
        let env = Environment::from_pairs([("AWS_ENDPOINT_URL", "http://127.0.0.1:1")]);
        let e = Endpoints::resolve(&org(""), &env);
        assert_eq!(e.oidc, "https://oidc.eu-west-1.amazonaws.com");
    }

    #[test]
    fn a_variable_that_is_not_a_safe_endpoint_is_not_used() {
        let env = Environment::from_pairs([
            ("AWS_ENDPOINT_URL_SSO_OIDC", "http://attacker.test"),
            ("AWS_ENDPOINT_URL_SSO", "https://user:pw@attacker.test"),
        ]);
        let e = Endpoints::resolve(&org(""), &env);
        assert_eq!(e.oidc, "https://oidc.eu-west-1.amazonaws.com");
        assert_eq!(e.portal, "https://portal.sso.eu-west-1.amazonaws.com");
    }

    #[test]
    fn per_org_keys_override_the_variables() {
        let env = Environment::from_pairs([("AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:1")]);
        let e = Endpoints::resolve(&org("oidc_endpoint = \"http://127.0.0.1:3\"\n"), &env);
        assert_eq!(e.oidc, "http://127.0.0.1:3");
    }
}
