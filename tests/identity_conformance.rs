//! kumo-fake's OpenID Connect provider, as a standards-following client sees it:
//! discovery, authorization code + PKCE, ID tokens verified against the JWKS with
//! jsonwebtoken, refresh, revocation, key rotation and every scripted ID-token fault.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use kumo_fake::{FakeServer, IdTokenFault, IdentityOptions, Operation, Options};
use kumo_tests::{browser, fake};
use serde_json::Value;
use url::Url;

const REDIRECT: &str = "http://127.0.0.1:47001/callback";

struct Client<'a> {
    fake: &'a FakeServer,
    options: IdentityOptions,
}

impl<'a> Client<'a> {
    fn new(fake: &'a FakeServer) -> Self {
        Self {
            fake,
            options: fake.options().identity.clone(),
        }
    }

    async fn get_json(&self, path: &str) -> Value {
        browser()
            .get(format!("{}{path}", self.fake.base_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The code the authorize endpoint redirects the browser back with.
    async fn code(&self, challenge: &str, nonce: &str) -> String {
        let mut url = Url::parse(&format!("{}/oauth2/authorize", self.fake.base_url())).unwrap();
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.options.client_id)
            .append_pair("redirect_uri", REDIRECT)
            .append_pair("scope", "openid email profile")
            .append_pair("state", "s")
            .append_pair("nonce", nonce)
            .append_pair("code_challenge", challenge)
            .append_pair("code_challenge_method", "S256");
        let response = browser().get(url).send().await.unwrap();
        assert_eq!(response.status(), 302);
        let location = Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
        assert_eq!(&location[..url::Position::AfterPath], REDIRECT);
        location
            .query_pairs()
            .find(|(k, _)| k == "code")
            .unwrap()
            .1
            .into_owned()
    }

    async fn token(&self, form: &[(&str, &str)]) -> reqwest::Response {
        let mut all = vec![
            ("client_id", self.options.client_id.as_str()),
            ("client_secret", self.options.client_secret.as_str()),
        ];
        all.extend_from_slice(form);
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(all)
            .finish();
        browser()
            .post(format!("{}/oauth2/token", self.fake.base_url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Signs in with a fresh PKCE pair and returns the token answer.
    async fn sign_in(&self, nonce: &str) -> Value {
        let (challenge, verifier) = oauth2::PkceCodeChallenge::new_random_sha256();
        let code = self.code(challenge.as_str(), nonce).await;
        let response = self
            .token(&[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier.secret()),
            ])
            .await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// Verifies an ID token as a relying party does: signature by the JWKS key its
    /// header names, `iss`, `aud`, `exp`.
    async fn verify(&self, id_token: &str) -> Result<Value, ErrorKind> {
        let jwks: JwkSet = serde_json::from_value(self.get_json("/oauth2/jwks").await).unwrap();
        let header = decode_header(id_token).unwrap();
        let jwk = jwks
            .find(header.kid.as_deref().unwrap())
            .ok_or(ErrorKind::InvalidKeyFormat)?;
        let mut validation = Validation::new(Algorithm::ES256);
        validation.set_audience(&[&self.options.client_id]);
        validation.set_issuer(&[self.fake.base_url()]);
        decode::<Value>(id_token, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
            .map(|data| data.claims)
            .map_err(|e| e.into_kind())
    }
}

#[tokio::test]
async fn discovery_names_every_endpoint_and_es256() {
    let fake = fake(Options::default()).await;
    let doc = Client::new(&fake)
        .get_json("/.well-known/openid-configuration")
        .await;
    let base = fake.base_url();
    assert_eq!(doc["issuer"], base);
    assert_eq!(
        doc["authorization_endpoint"],
        format!("{base}/oauth2/authorize")
    );
    assert_eq!(doc["token_endpoint"], format!("{base}/oauth2/token"));
    assert_eq!(doc["jwks_uri"], format!("{base}/oauth2/jwks"));
    assert_eq!(doc["revocation_endpoint"], format!("{base}/oauth2/revoke"));
    assert_eq!(
        doc["id_token_signing_alg_values_supported"],
        serde_json::json!(["ES256"])
    );
    assert_eq!(
        doc["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(fake.calls(Operation::OidcDiscovery), 1);
}

#[tokio::test]
async fn the_code_flow_gives_an_id_token_that_verifies_with_the_users_claims() {
    let fake = fake(Options::default()).await;
    let client = Client::new(&fake);
    let answer = client.sign_in("n0nce").await;
    assert!(
        answer["access_token"]
            .as_str()
            .unwrap()
            .starts_with("ya29.")
    );
    assert!(answer["refresh_token"].as_str().unwrap().starts_with("1//"));
    assert_eq!(answer["expires_in"], 3600);
    let claims = client
        .verify(answer["id_token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(claims["email"], "developer@example.com");
    assert_eq!(claims["email_verified"], true);
    assert_eq!(claims["hd"], "example.com");
    assert_eq!(claims["nonce"], "n0nce");
    assert_eq!(claims["aud"], client.options.client_id);
}

#[tokio::test]
async fn a_wrong_pkce_verifier_is_invalid_grant() {
    let fake = fake(Options::default()).await;
    let client = Client::new(&fake);
    let (challenge, _) = oauth2::PkceCodeChallenge::new_random_sha256();
    let code = client.code(challenge.as_str(), "n").await;
    let response = client
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", "wrong"),
        ])
        .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn a_wrong_client_secret_is_invalid_client() {
    let fake = fake(Options::default()).await;
    let mut client = Client::new(&fake);
    client.options.client_secret = "wrong".into();
    let response = client
        .token(&[("grant_type", "refresh_token"), ("refresh_token", "x")])
        .await;
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn a_refresh_token_buys_a_new_id_token_until_revoked() {
    let fake = fake(Options::default()).await;
    let client = Client::new(&fake);
    let first = client.sign_in("n").await;
    let refresh = first["refresh_token"].as_str().unwrap();
    let renewed = client
        .token(&[("grant_type", "refresh_token"), ("refresh_token", refresh)])
        .await;
    assert_eq!(renewed.status(), 200);
    let renewed: Value = renewed.json().await.unwrap();
    let claims = client
        .verify(renewed["id_token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(claims["email"], "developer@example.com");
    assert!(claims.get("nonce").is_none());

    let revoke = browser()
        .post(format!("{}/oauth2/revoke", fake.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={refresh}"))
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), 200);
    let refused = client
        .token(&[("grant_type", "refresh_token"), ("refresh_token", refresh)])
        .await;
    assert_eq!(refused.status(), 400);
}

#[tokio::test]
async fn after_rotation_tokens_carry_the_new_kid_and_the_jwks_lists_both_keys() {
    let fake = fake(Options::default()).await;
    let client = Client::new(&fake);
    let kid = fake.rotate_identity_key();
    let answer = client.sign_in("n").await;
    let token = answer["id_token"].as_str().unwrap();
    assert_eq!(
        decode_header(token).unwrap().kid.as_deref(),
        Some(kid.as_str())
    );
    assert_eq!(
        client.get_json("/oauth2/jwks").await["keys"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(client.verify(token).await.is_ok());
}

#[tokio::test]
async fn scripted_id_token_faults_fail_verification_as_a_relying_party_sees_them() {
    let fake = fake(Options::default()).await;
    let client = Client::new(&fake);
    let cases = [
        (IdTokenFault::WrongAudience, ErrorKind::InvalidAudience),
        (IdTokenFault::WrongIssuer, ErrorKind::InvalidIssuer),
        (IdTokenFault::Expired, ErrorKind::ExpiredSignature),
        (IdTokenFault::BadSignature, ErrorKind::InvalidSignature),
        (IdTokenFault::UnknownKid, ErrorKind::InvalidKeyFormat),
    ];
    for (fault, kind) in cases {
        fake.script_id_token(fault);
        let answer = client.sign_in("n").await;
        assert_eq!(
            client
                .verify(answer["id_token"].as_str().unwrap())
                .await
                .unwrap_err(),
            kind,
            "{fault:?}"
        );
    }
    fake.script_id_token(IdTokenFault::WrongNonce);
    let answer = client.sign_in("mine").await;
    let claims = client
        .verify(answer["id_token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(claims["nonce"], "not-the-nonce");
}

#[tokio::test]
async fn authorize_refuses_a_redirect_that_is_not_loopback() {
    let fake = fake(Options::default()).await;
    let client = Client::new(&fake);
    let url = format!(
        "{}/oauth2/authorize?response_type=code&client_id={}&redirect_uri=https%3A%2F%2Fevil.example%2F&scope=openid&code_challenge=x&code_challenge_method=S256",
        fake.base_url(),
        client.options.client_id
    );
    let response = browser().get(url).send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
}

#[tokio::test]
async fn projects_search_wants_a_live_identity_access_token() {
    let fake = fake(Options::default()).await;
    let client = Client::new(&fake);
    let url = format!("{}/v3/projects:search", fake.base_url());
    let refused = browser()
        .get(&url)
        .bearer_auth("ya29.made-up")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["status"], "UNAUTHENTICATED");

    let token = client.sign_in("n").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let page: Value = browser()
        .get(&url)
        .bearer_auth(&token)
        .query(&[("pageSize", "2")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["projects"].as_array().unwrap().len(), 2);
    assert_eq!(page["projects"][0]["projectId"], "acme-project-000");
    let next = page["nextPageToken"].as_str().unwrap();
    let last: Value = browser()
        .get(&url)
        .bearer_auth(&token)
        .query(&[("pageToken", next)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(last["projects"].as_array().unwrap().len(), 1);
    assert!(last.get("nextPageToken").is_none());
}
