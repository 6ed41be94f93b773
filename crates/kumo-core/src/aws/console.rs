//! Opening the AWS console signed in as a role: role credentials → the federation
//! endpoint's `getSigninToken` (by POST, so credentials are never in a URL) → a
//! `login` URL with `Issuer=kumo` and the `Destination`. Or, per org, the access
//! portal's shortcut URL, which needs no local credentials.

use url::Url;

use crate::aws::session::RoleCredentials;
use crate::config::AwsOrg;
use crate::environment::Environment;
use crate::http::GetError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partition {
    Aws,
    AwsCn,
    AwsUsGov,
}

impl Partition {
    pub fn of_region(region: &str) -> Self {
        if region.starts_with("cn-") {
            Self::AwsCn
        } else if region.starts_with("us-gov-") {
            Self::AwsUsGov
        } else {
            Self::Aws
        }
    }

    pub fn console_host(self) -> &'static str {
        match self {
            Self::Aws => "console.aws.amazon.com",
            Self::AwsCn => "console.amazonaws.cn",
            Self::AwsUsGov => "console.amazonaws-us-gov.com",
        }
    }

    pub fn signin_host(self) -> &'static str {
        match self {
            Self::Aws => "signin.aws.amazon.com",
            Self::AwsCn => "signin.amazonaws.cn",
            Self::AwsUsGov => "signin.amazonaws-us-gov.com",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("unknown service `{0}`; known: {known}", known = SERVICES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "))]
    UnknownService(String),
    #[error("--destination must be an https URL on {host} (got `{url}`)")]
    ForeignDestination { url: String, host: String },
    #[error("the federation endpoint refused the role's credentials ({0})")]
    Refused(String),
    #[error("cannot reach the federation endpoint {endpoint}: {message}")]
    Unreachable { endpoint: String, message: String },
}

/// Common service names and their console paths (`{region}` filled in).
const SERVICES: [(&str, &str); 20] = [
    ("cloudformation", "/cloudformation/home?region={region}"),
    ("cloudtrail", "/cloudtrail/home?region={region}"),
    ("cloudwatch", "/cloudwatch/home?region={region}"),
    ("billing", "/billing/home"),
    ("dynamodb", "/dynamodbv2/home?region={region}"),
    ("ec2", "/ec2/home?region={region}"),
    ("ecr", "/ecr/home?region={region}"),
    ("ecs", "/ecs/v2/home?region={region}"),
    ("eks", "/eks/home?region={region}"),
    ("iam", "/iam/home"),
    ("kms", "/kms/home?region={region}"),
    ("lambda", "/lambda/home?region={region}"),
    ("logs", "/cloudwatch/home?region={region}#logsV2:log-groups"),
    ("rds", "/rds/home?region={region}"),
    ("route53", "/route53/v2/home"),
    ("s3", "/s3/home?region={region}"),
    ("secretsmanager", "/secretsmanager/home?region={region}"),
    ("sns", "/sns/v3/home?region={region}"),
    ("sqs", "/sqs/v3/home?region={region}"),
    ("vpc", "/vpc/home?region={region}"),
];

/// Where the console should land: a known service, an explicit URL on the partition's
/// console host, or the console home of the region.
pub fn destination(
    region: &str,
    service: Option<&str>,
    explicit: Option<&str>,
) -> Result<String, ConsoleError> {
    let partition = Partition::of_region(region);
    let host = partition.console_host();
    if let Some(url) = explicit {
        let ok = Url::parse(url).is_ok_and(|u| {
            u.scheme() == "https"
                && u.host_str()
                    .is_some_and(|h| h == host || h.ends_with(&format!(".{host}")))
        });
        return if ok {
            Ok(url.to_owned())
        } else {
            Err(ConsoleError::ForeignDestination {
                url: url.to_owned(),
                host: host.to_owned(),
            })
        };
    }
    let path = match service {
        Some(name) => SERVICES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, p)| *p)
            .ok_or_else(|| ConsoleError::UnknownService(name.to_owned()))?,
        None => "/console/home?region={region}",
    };
    Ok(format!(
        "https://{host}{}",
        path.replace("{region}", region)
    ))
}

/// The federation endpoint: the org's `federation_endpoint`, else `KUMO_FEDERATION_URL`,
/// else the partition's sign-in host.
pub fn federation_endpoint(org: &AwsOrg, region: &str, env: &Environment) -> String {
    org.federation_endpoint
        .as_ref()
        .map(|u| u.as_str().trim_end_matches('/').to_owned())
        .or_else(|| {
            crate::overrides::variable(env, "KUMO_FEDERATION_URL")
                .map(|u| u.as_str().trim_end_matches('/').to_owned())
        })
        .unwrap_or_else(|| {
            format!(
                "https://{}/federation",
                Partition::of_region(region).signin_host()
            )
        })
}

/// Trades role credentials for a sign-in URL. The credentials travel in a POST body;
/// the returned URL holds a short-lived sign-in token and is handed only to the browser.
pub async fn signin_url(
    endpoint: &str,
    credentials: &RoleCredentials,
    session_seconds: u32,
    destination: &str,
) -> Result<String, ConsoleError> {
    let session = serde_json::json!({
        "sessionId": credentials.access_key_id,
        "sessionKey": credentials.secret_access_key,
        "sessionToken": credentials.session_token,
    })
    .to_string();
    let unreachable = |message: String| ConsoleError::Unreachable {
        endpoint: endpoint.to_owned(),
        message,
    };
    let client = crate::http::client();
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("Action", "getSigninToken")
        .append_pair("SessionDuration", &session_seconds.to_string())
        .append_pair("Session", &session)
        .finish();
    let response = client
        .post(endpoint)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .map_err(|e| {
            unreachable(if e.is_timeout() {
                "timed out".into()
            } else {
                "the connection failed".into()
            })
        })?;
    let status = response.status();
    if !status.is_success() {
        return Err(ConsoleError::Refused(format!("HTTP {}", status.as_u16())));
    }
    let body = crate::http::capped_body(response)
        .await
        .map_err(|e| match e {
            GetError::TooLarge => ConsoleError::Refused("an answer larger than 16 MiB".into()),
            _ => unreachable("the connection failed".into()),
        })?;
    let answer: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|_| ConsoleError::Refused("an answer that is not JSON".into()))?;
    let token = answer["SigninToken"]
        .as_str()
        .ok_or_else(|| ConsoleError::Refused("no SigninToken in the answer".into()))?;
    let mut url = Url::parse(endpoint).map_err(|e| unreachable(e.to_string()))?;
    url.query_pairs_mut()
        .append_pair("Action", "login")
        .append_pair("Issuer", "kumo")
        .append_pair("Destination", destination)
        .append_pair("SigninToken", token);
    Ok(url.into())
}

/// The access portal's shortcut: the portal signs the browser in itself.
pub fn portal_shortcut(start_url: &str, account_id: &str, role: &str, destination: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("account_id", account_id)
        .append_pair("role_name", role)
        .append_pair("destination", destination)
        .finish();
    format!("{}/#/console?{query}", start_url.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_partition_follows_the_region() {
        assert_eq!(Partition::of_region("eu-west-1"), Partition::Aws);
        assert_eq!(Partition::of_region("cn-north-1"), Partition::AwsCn);
        assert_eq!(Partition::of_region("us-gov-west-1"), Partition::AwsUsGov);
    }

    #[test]
    fn services_map_to_console_paths_in_the_region() {
        assert_eq!(
            destination("eu-west-1", Some("ec2"), None).unwrap(),
            "https://console.aws.amazon.com/ec2/home?region=eu-west-1"
        );
        assert_eq!(
            destination("cn-north-1", Some("S3"), None).unwrap(),
            "https://console.amazonaws.cn/s3/home?region=cn-north-1"
        );
        assert_eq!(
            destination("us-gov-west-1", None, None).unwrap(),
            "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1"
        );
    }

    #[test]
    fn an_unknown_service_lists_the_known_ones() {
        let err = destination("eu-west-1", Some("nope"), None)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("unknown service `nope`; known: cloudformation, cloudtrail"),
            "{err}"
        );
    }

    #[test]
    fn a_destination_must_be_https_on_the_partitions_console() {
        assert!(
            destination(
                "eu-west-1",
                None,
                Some("https://eu-west-1.console.aws.amazon.com/ec2/home")
            )
            .is_ok()
        );
        for bad in [
            "http://console.aws.amazon.com/",
            "https://evil.example/console.aws.amazon.com",
            "https://console.amazonaws.cn/",
            "not a url",
        ] {
            assert!(
                matches!(
                    destination("eu-west-1", None, Some(bad)),
                    Err(ConsoleError::ForeignDestination { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_portal_shortcut_carries_account_role_and_destination() {
        assert_eq!(
            portal_shortcut(
                "https://acme.awsapps.com/start/",
                "123456789012",
                "Admin",
                "https://console.aws.amazon.com/ec2/home?region=eu-west-1"
            ),
            "https://acme.awsapps.com/start/#/console?account_id=123456789012&role_name=Admin&destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fec2%2Fhome%3Fregion%3Deu-west-1"
        );
    }
}
