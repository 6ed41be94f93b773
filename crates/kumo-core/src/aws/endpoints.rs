//! Which URLs reach an org's Identity Center: per-org keys, else the standard AWS
//! endpoint variables, else the real regional endpoints.

use crate::config::AwsOrg;
use crate::environment::Environment;

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
            key.map(|u| u.as_str().to_owned())
                .or_else(|| env.get(var).map(str::to_owned))
                .or_else(|| env.get("AWS_ENDPOINT_URL").map(str::to_owned))
                .map(|u| u.trim_end_matches('/').to_owned())
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
    fn service_variables_override_the_global_one() {
        let env = Environment::from_pairs([
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:1"),
            ("AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:2/"),
        ]);
        let e = Endpoints::resolve(&org(""), &env);
        assert_eq!(e.oidc, "http://127.0.0.1:1");
        assert_eq!(e.portal, "http://127.0.0.1:2");
    }

    #[test]
    fn per_org_keys_override_the_variables() {
        let env = Environment::from_pairs([("AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:1")]);
        let e = Endpoints::resolve(&org("oidc_endpoint = \"http://127.0.0.1:3\"\n"), &env);
        assert_eq!(e.oidc, "http://127.0.0.1:3");
    }
}
