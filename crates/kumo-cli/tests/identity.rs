//! The company identity end to end: `kumo login --identity` and `kumo whoami` against
//! kumo-fake's OpenID Connect provider, with the BROWSER program playing the user.

mod support;

use kumo_fake::{IdTokenFault, IdentityOptions, Operation, Options};
use support::{World, accounts};

async fn world_with(options: Options, hosted_domain: &str) -> World {
    let world = World::new(options).await;
    let config = world.home.path().join("config.toml");
    let identity = &world.fake.options().identity;
    let text = format!(
        "{}\n[identity]\nissuer = \"{}\"\nclient_id = \"{}\"\nclient_secret = \"{}\"\nhosted_domain = \"{hosted_domain}\"\n",
        std::fs::read_to_string(&config).unwrap(),
        world.fake.base_url(),
        identity.client_id,
        identity.client_secret
    );
    std::fs::write(&config, text).unwrap();
    world
}

async fn world() -> World {
    world_with(accounts(1, 1), "example.com").await
}

#[tokio::test(flavor = "multi_thread")]
async fn login_identity_signs_in_and_whoami_says_who_until_when() {
    let world = world().await;
    let out = world.ok(&["login", "--identity"]).await;
    assert_eq!(
        out,
        format!(
            "Signed in as developer@example.com ({}).\n",
            world.fake.base_url()
        )
    );
    let who = world.ok(&["whoami"]).await;
    assert!(
        who.starts_with(&format!(
            "developer@example.com ({}), valid until ",
            world.fake.base_url()
        )),
        "{who}"
    );
    let authorize = &world.browser_urls()[0];
    assert!(authorize.starts_with(&format!(
        "{}/oauth2/authorize?response_type=code&client_id=",
        world.fake.base_url()
    )));
    assert!(
        authorize.contains(
            "&code_challenge_method=S256&access_type=offline&prompt=consent&hd=example.com"
        )
    );
    assert_eq!(world.fake.calls(Operation::IdentityToken), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn whoami_without_a_sign_in_says_what_to_run() {
    let world = world().await;
    assert_eq!(
        world.fails(&["whoami"]).await,
        "kumo: not signed in to the identity provider: run `kumo login --identity`"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_untrustworthy_id_token_is_refused_with_its_own_reason_and_nothing_is_stored() {
    let world = world().await;
    let cases = [
        (
            IdTokenFault::WrongAudience,
            "it was issued to another client (aud)",
        ),
        (
            IdTokenFault::WrongIssuer,
            "it comes from another issuer (iss)",
        ),
        (
            IdTokenFault::Expired,
            "it has expired (exp); check the computer's clock",
        ),
        (
            IdTokenFault::WrongNonce,
            "it answers another sign-in (nonce)",
        ),
        (
            IdTokenFault::BadSignature,
            "its signature does not match the issuer's key",
        ),
        (
            IdTokenFault::UnknownKid,
            "it is signed with a key (`no-such-kid`) the issuer does not publish",
        ),
        (
            IdTokenFault::AlgNone,
            "it is malformed (unsupported algorithm none)",
        ),
        (
            IdTokenFault::Hs256WithPublicKey,
            "it is malformed (unsupported algorithm HS256)",
        ),
        (IdTokenFault::NoKid, "it is malformed (no kid)"),
        (
            IdTokenFault::NotYetValid,
            "it is not valid yet (nbf); check the computer's clock",
        ),
        (
            IdTokenFault::SeveralAudiencesNoAzp,
            "it was issued to another client (aud)",
        ),
        (
            IdTokenFault::EmailWithNewline,
            "it is malformed (its email is not an address)",
        ),
    ];
    for (fault, reason) in cases {
        world.fake.script_id_token(fault);
        let err = world.fails(&["login", "--identity"]).await;
        assert_eq!(
            err,
            format!("kumo: the ID token is not trustworthy: {reason}; nothing was stored"),
            "{fault:?}"
        );
        assert!(
            world
                .fails(&["whoami"])
                .await
                .starts_with("kumo: not signed in")
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_account_outside_the_hosted_domain_is_refused() {
    let world = world_with(accounts(1, 1), "acme.com").await;
    let err = world.fails(&["login", "--identity"]).await;
    assert_eq!(
        err,
        "kumo: the ID token is not trustworthy: the account belongs to `example.com`, not `acme.com` (hd); nothing was stored"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unverified_email_is_refused() {
    let options = Options {
        identity: IdentityOptions {
            email_verified: false,
            ..IdentityOptions::default()
        },
        ..accounts(1, 1)
    };
    let world = world_with(options, "example.com").await;
    let err = world.fails(&["login", "--identity"]).await;
    assert_eq!(
        err,
        "kumo: the ID token is not trustworthy: the provider has not verified the email address; nothing was stored"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_jwks_is_cached_and_fetched_again_for_a_new_key() {
    let world = world().await;
    world.ok(&["login", "--identity"]).await;
    world.ok(&["login", "--identity", "--force"]).await;
    assert_eq!(world.fake.calls(Operation::Jwks), 1);
    world.fake.rotate_identity_key();
    world.ok(&["login", "--identity", "--force"]).await;
    assert_eq!(world.fake.calls(Operation::Jwks), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_id_missing_from_the_jwks_fetches_it_once_not_at_every_token() {
    let world = world().await;
    for _ in 0..3 {
        world.fake.script_id_token(IdTokenFault::UnknownKid);
        world.fails(&["login", "--identity"]).await;
    }
    assert_eq!(world.fake.calls(Operation::Jwks), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn login_without_an_org_signs_in_the_identity_then_every_org() {
    let world = world().await;
    let out = world.ok(&["login"]).await;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "Signed in as developer@example.com ({}).",
            world.fake.base_url()
        )
    );
    assert!(
        lines[1].starts_with("Signed in to `acme`, valid until "),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn login_identity_without_an_identity_configured_says_where_to_add_it() {
    let world = World::new(accounts(1, 1)).await;
    let err = world.fails(&["login", "--identity"]).await;
    assert_eq!(
        err,
        format!(
            "kumo: no [identity] is configured: add one with client_id (and issuer, client_secret, hosted_domain) to {}",
            world.home.path().join("config.toml").display()
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_standard_oidc_issuer_signs_in_once_then_renews_with_its_refresh_token() {
    // Tokens of a minute are always due for renewal: every later command renews them.
    let options = Options {
        identity: IdentityOptions {
            standard_offline_access: true,
            token_lifetime: std::time::Duration::from_secs(60),
            ..IdentityOptions::default()
        },
        ..accounts(1, 1)
    };
    let world = world_with(options, "example.com").await;
    world.ok(&["login", "--identity"]).await;
    let authorize = &world.browser_urls()[0];
    assert!(
        authorize.contains("&scope=openid+email+profile+offline_access&"),
        "{authorize}"
    );
    assert!(authorize.contains("&prompt=consent"), "{authorize}");

    let again = world.ok(&["login", "--identity"]).await;
    assert!(
        again.starts_with("Renewed the session of developer@example.com"),
        "{again}"
    );
    world.ok(&["whoami"]).await;
    assert_eq!(world.fake.calls(Operation::IdentityAuthorize), 1);
    assert_eq!(world.fake.calls(Operation::IdentityToken), 3);
    assert_eq!(world.browser_urls().len(), 1);

    world.ok(&["login", "--identity", "--force"]).await;
    let forced = &world.browser_urls()[1];
    assert!(
        !forced.contains("prompt=consent"),
        "a refresh token is held: {forced}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_login_with_a_valid_session_opens_no_browser() {
    let world = world().await;
    world.ok(&["login", "--identity"]).await;
    let again = world.ok(&["login", "--identity"]).await;
    assert!(
        again.starts_with("Already signed in as developer@example.com"),
        "{again}"
    );
    assert_eq!(world.browser_urls().len(), 1);
    assert_eq!(world.fake.calls(Operation::IdentityAuthorize), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_identity_revokes_the_refresh_token_at_the_issuer_and_forgets_it() {
    let world = world().await;
    world.ok(&["login", "--identity"]).await;
    let out = world.ok(&["logout", "--identity"]).await;
    assert_eq!(
        out,
        format!(
            "Signed out of the identity ({}): its tokens are gone from the keychain; the refresh token is revoked.\n",
            world.fake.base_url()
        )
    );
    assert_eq!(world.fake.calls(Operation::IdentityRevoke), 1);
    assert_eq!(
        world.fails(&["whoami"]).await,
        "kumo: not signed in to the identity provider: run `kumo login --identity`"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_identity_signs_in_by_the_device_flow_without_a_browser() {
    let world = world_with(
        Options {
            auto_approve_after_polls: Some(1),
            ..accounts(1, 1)
        },
        "example.com",
    )
    .await;
    let out = world
        .run(&["login", "--identity", "--device-code", "--no-browser"])
        .await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("To sign in to the identity, confirm the code "),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{}/device?user_code=", world.fake.base_url())),
        "{stderr}"
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("Signed in as developer@example.com"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(world.fake.calls(Operation::IdentityDeviceCode), 1);
    assert_eq!(world.fake.calls(Operation::IdentityAuthorize), 0);
    assert!(world.browser_urls().is_empty());
    world.ok(&["whoami"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_issuer_without_a_device_flow_says_it_needs_a_browser() {
    let world = world_with(
        Options {
            identity: IdentityOptions {
                device_flow: false,
                ..IdentityOptions::default()
            },
            ..accounts(1, 1)
        },
        "example.com",
    )
    .await;
    assert_eq!(
        world.fails(&["login", "--identity", "--device-code"]).await,
        format!(
            "kumo: the identity provider {} offers no device sign-in: sign in where a browser can open (without --device-code or --no-browser)",
            world.fake.base_url()
        )
    );
}
