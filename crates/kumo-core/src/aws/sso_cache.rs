//! The AWS CLI's SSO token cache (`~/.aws/sso/cache/<sha1 of the sso-session name>.json`,
//! the AWS CLI's own format), written only when a person asks
//! (`kumo export aws --mode sso-session --write-sso-cache`): `aws`, the SSM plugin and
//! the IDE toolkits then use Kumo's sign-in without a second `aws sso login`. It puts a
//! token on disk, as the AWS CLI itself does; so it holds the access token alone (the
//! refresh token stays in the keychain, where no other tool can rotate it from under
//! Kumo), is rewritten at each renewal while the org's session lasts, and is removed at
//! sign-out.

use std::path::{Path, PathBuf};

use serde::Serialize;
use sha1::{Digest, Sha1};

use crate::config::AwsOrg;
use crate::environment::Environment;
use crate::export::env::rfc3339;

use super::session::{Registration, Token};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CachedToken<'a> {
    start_url: &'a str,
    region: String,
    access_token: &'a str,
    expires_at: String,
    client_id: &'a str,
    registration_expires_at: String,
}

/// The cache file of the org's `[sso-session <org>]` (Kumo names the session after the
/// org).
pub fn path(env: &Environment, org: &AwsOrg) -> PathBuf {
    let digest = Sha1::digest(org.name.as_str().as_bytes());
    let name = crate::hex::hex(&digest);
    let home = env
        .get("HOME")
        .or_else(|| env.get("USERPROFILE"))
        .unwrap_or(".");
    PathBuf::from(home)
        .join(".aws")
        .join("sso")
        .join("cache")
        .join(format!("{name}.json"))
}

/// Writes the org's token where the AWS CLI reads it: 0600, atomically, its directory
/// created 0700.
pub fn write(
    path: &Path,
    org: &AwsOrg,
    token: &Token,
    registration: &Registration,
) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        crate::fsutil::private_dir(dir)?;
    }
    let cached = CachedToken {
        start_url: org.start_url.as_str(),
        region: org.region.to_string(),
        access_token: &token.access_token,
        expires_at: rfc3339(token.expires_at),
        client_id: &registration.client_id,
        registration_expires_at: rfc3339(registration.expires_at),
    };
    let text = zeroize::Zeroizing::new(
        serde_json::to_string_pretty(&cached).map_err(std::io::Error::other)?,
    );
    crate::fsutil::write_atomic(path, text.as_bytes())
}

/// Removes the cache file, if there is one.
pub fn remove(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_named_by_the_sha1_of_the_session_name_as_the_aws_cli_names_it() {
        let env = Environment::from_pairs([("HOME", "/home/u".to_owned())]);
        let config = crate::config::Config::parse(
            "[[aws]]\nname = \"acme\"\nstart_url = \"https://acme.awsapps.com/start\"\nregion = \"eu-west-1\"\n",
            std::path::Path::new("c.toml"),
        )
        .unwrap();
        // sha1("acme")
        assert_eq!(
            path(&env, &config.aws[0]),
            PathBuf::from("/home/u/.aws/sso/cache/293abb6b76d7791c0732cc517d38c4b5c734b87f.json")
        );
    }
}
