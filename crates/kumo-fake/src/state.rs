//! The fake's shared state: options, the (advanceable) clock, issued tokens and
//! credentials, scripted faults, the rate limiter and per-operation call counters.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::azure::{AzureOptions, EntraState};
use crate::directory::Directory;
use crate::gcp::{GcpProject, generated_projects};
use crate::issuer::{IdentityOptions, IdentityState, SigningKey};

/// Every operation the fake answers, for counters and scripted faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    RegisterClient,
    StartDeviceAuthorization,
    CreateToken,
    Authorize,
    DeviceVerification,
    ListAccounts,
    ListAccountRoles,
    GetRoleCredentials,
    Logout,
    GetSigninToken,
    ConsoleLogin,
    GetCallerIdentity,
    OidcDiscovery,
    Jwks,
    IdentityAuthorize,
    IdentityToken,
    IdentityRevoke,
    IdentityDeviceCode,
    SearchProjects,
    EntraAuthorize,
    EntraToken,
    EntraDeviceCode,
    ListTenants,
    ListSubscriptions,
}

impl Operation {
    pub const ALL: [Operation; 24] = [
        Operation::RegisterClient,
        Operation::StartDeviceAuthorization,
        Operation::CreateToken,
        Operation::Authorize,
        Operation::DeviceVerification,
        Operation::ListAccounts,
        Operation::ListAccountRoles,
        Operation::GetRoleCredentials,
        Operation::Logout,
        Operation::GetSigninToken,
        Operation::ConsoleLogin,
        Operation::GetCallerIdentity,
        Operation::OidcDiscovery,
        Operation::Jwks,
        Operation::IdentityAuthorize,
        Operation::IdentityToken,
        Operation::IdentityRevoke,
        Operation::IdentityDeviceCode,
        Operation::SearchProjects,
        Operation::EntraAuthorize,
        Operation::EntraToken,
        Operation::EntraDeviceCode,
        Operation::ListTenants,
        Operation::ListSubscriptions,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Operation::RegisterClient => "RegisterClient",
            Operation::StartDeviceAuthorization => "StartDeviceAuthorization",
            Operation::CreateToken => "CreateToken",
            Operation::Authorize => "Authorize",
            Operation::DeviceVerification => "DeviceVerification",
            Operation::ListAccounts => "ListAccounts",
            Operation::ListAccountRoles => "ListAccountRoles",
            Operation::GetRoleCredentials => "GetRoleCredentials",
            Operation::Logout => "Logout",
            Operation::GetSigninToken => "GetSigninToken",
            Operation::ConsoleLogin => "ConsoleLogin",
            Operation::GetCallerIdentity => "GetCallerIdentity",
            Operation::OidcDiscovery => "OidcDiscovery",
            Operation::Jwks => "Jwks",
            Operation::IdentityAuthorize => "IdentityAuthorize",
            Operation::IdentityToken => "IdentityToken",
            Operation::IdentityRevoke => "IdentityRevoke",
            Operation::IdentityDeviceCode => "IdentityDeviceCode",
            Operation::SearchProjects => "SearchProjects",
            Operation::EntraAuthorize => "EntraAuthorize",
            Operation::EntraToken => "EntraToken",
            Operation::EntraDeviceCode => "EntraDeviceCode",
            Operation::ListTenants => "ListTenants",
            Operation::ListSubscriptions => "ListSubscriptions",
        }
    }

    /// The access portal operations share Identity Center's request-rate limit.
    pub fn is_rate_limited(self) -> bool {
        matches!(
            self,
            Operation::ListAccounts | Operation::ListAccountRoles | Operation::GetRoleCredentials
        )
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|&o| o == self).unwrap_or(0)
    }
}

/// A misbehaviour scripted for the next call(s) of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 429 `TooManyRequestsException`, as the rate limiter answers.
    Throttle,
    /// A 5xx with `InternalServerException`.
    ServerError(u16),
    /// Any AWS error: status, `x-amzn-ErrorType` shape, and the OAuth `error` code the
    /// OIDC service puts in its body (e.g. `slow_down`).
    Error {
        status: u16,
        shape: String,
        code: String,
    },
    /// A 200 whose body is not JSON.
    Garbage,
    /// A 200 whose body is this many bytes of JSON whitespace and then garbage: a huge
    /// answer that must not be mistaken for a good one.
    Huge(usize),
    /// Wait this long before answering normally.
    Delay(Duration),
}

impl Fault {
    pub fn slow_down() -> Self {
        Self::oidc(400, "SlowDownException", "slow_down")
    }

    pub fn oidc(status: u16, shape: &str, code: &str) -> Self {
        Self::Error {
            status,
            shape: shape.into(),
            code: code.into(),
        }
    }
}

/// How the fake behaves. `Default` is a small, fast, well-behaved Identity Center.
#[derive(Debug, Clone)]
pub struct Options {
    pub directory: Directory,
    pub region: String,
    /// Requests per second allowed across the portal operations; `None` is unlimited.
    pub tps: Option<f64>,
    pub latency: Duration,
    /// The share (0..=1) of API requests answered with a 500.
    pub server_error_rate: f64,
    pub seed: u64,
    pub access_token_lifetime: Duration,
    pub credential_lifetime: Duration,
    pub registration_lifetime: Duration,
    pub device_code_lifetime: Duration,
    /// The polling interval announced by StartDeviceAuthorization, in seconds.
    pub device_poll_interval: u32,
    /// Answer `SlowDownException` to device-code polls that come sooner than the interval.
    pub enforce_poll_interval: bool,
    /// Approve device authorizations by themselves after this many pending polls, for
    /// tests with nobody to visit the verification page.
    pub auto_approve_after_polls: Option<u32>,
    /// The OpenID Connect provider's client and user.
    pub identity: IdentityOptions,
    /// The Google Cloud projects the identity can see.
    pub gcp_projects: Vec<GcpProject>,
    /// The Entra client, and the tenants and subscriptions Azure Resource Manager lists.
    pub azure: AzureOptions,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            directory: Directory::generated(5, 2),
            region: "eu-west-1".into(),
            tps: None,
            latency: Duration::ZERO,
            server_error_rate: 0.0,
            seed: 7,
            access_token_lifetime: Duration::from_secs(3600),
            credential_lifetime: Duration::from_secs(3600),
            registration_lifetime: Duration::from_secs(90 * 24 * 3600),
            device_code_lifetime: Duration::from_secs(600),
            device_poll_interval: 1,
            enforce_poll_interval: true,
            auto_approve_after_polls: None,
            identity: IdentityOptions::default(),
            gcp_projects: generated_projects(3),
            azure: AzureOptions::default(),
        }
    }
}

pub struct Client {
    pub secret: String,
    pub scopes: Vec<String>,
    pub grant_types: Vec<String>,
    pub redirect_uris: Vec<String>,
    pub expires_at: SystemTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    Pending,
    Approved,
    Denied,
}

pub struct DeviceAuth {
    pub client_id: String,
    pub user_code: String,
    pub expires_at: SystemTime,
    pub approval: Approval,
    pub pending_polls: u32,
    pub last_poll: Option<Instant>,
}

pub struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub expires_at: SystemTime,
}

pub struct AccessToken {
    pub expires_at: SystemTime,
    pub revoked: bool,
    /// The refresh token issued with it, which a logout revokes too.
    pub refresh_token: Option<String>,
}

pub struct RefreshToken {
    pub client_id: String,
    pub revoked: bool,
}

#[derive(Debug, Clone)]
pub struct Minted {
    pub account_id: String,
    pub role_name: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub expires_at: SystemTime,
}

pub struct SigninToken {
    pub access_key_id: String,
    pub expires_at: SystemTime,
    /// The console session's length the token was asked for, in seconds.
    pub session_duration: Option<u32>,
}

/// A console sign-in the federation endpoint completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleLogin {
    pub account_id: String,
    pub role_name: String,
    pub issuer: Option<String>,
    pub destination: String,
    /// The console session's length, in seconds, when the sign-in asked for one.
    pub session_duration: Option<u32>,
}

#[derive(Default)]
pub struct Issued {
    pub clients: HashMap<String, Client>,
    pub device_auths: HashMap<String, DeviceAuth>,
    pub auth_codes: HashMap<String, AuthCode>,
    pub access_tokens: HashMap<String, AccessToken>,
    pub refresh_tokens: HashMap<String, RefreshToken>,
    pub credentials: HashMap<String, Minted>,
    pub signin_tokens: HashMap<String, SigninToken>,
    pub console_logins: Vec<ConsoleLogin>,
    pub scripted: HashMap<Operation, VecDeque<Fault>>,
}

/// A token bucket holding at most one second's worth of requests.
struct Bucket {
    tokens: f64,
    last: Instant,
}

pub struct Shared {
    pub options: Options,
    pub base_url: String,
    clock_offset: Mutex<Duration>,
    issued: Mutex<Issued>,
    identity: Mutex<IdentityState>,
    entra: Mutex<EntraState>,
    rng: Mutex<StdRng>,
    bucket: Mutex<Bucket>,
    calls: [AtomicU64; Operation::ALL.len()],
    throttled: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // State is only ever mutated in whole steps, so a poisoned lock holds consistent data.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub fn new(options: Options, base_url: String) -> Self {
        let burst = options.tps.unwrap_or(0.0).max(1.0);
        Self {
            rng: Mutex::new(StdRng::seed_from_u64(options.seed)),
            options,
            base_url,
            clock_offset: Mutex::new(Duration::ZERO),
            issued: Mutex::new(Issued::default()),
            identity: Mutex::new(IdentityState {
                keys: vec![SigningKey::generate("kumo-fake-1")],
                ..IdentityState::default()
            }),
            entra: Mutex::new(EntraState::default()),
            bucket: Mutex::new(Bucket {
                tokens: burst,
                last: Instant::now(),
            }),
            calls: std::array::from_fn(|_| AtomicU64::new(0)),
            throttled: AtomicU64::new(0),
        }
    }

    /// The fake's notion of now: wall time plus however far tests advanced it.
    pub fn now(&self) -> SystemTime {
        SystemTime::now() + *lock(&self.clock_offset)
    }

    pub fn advance(&self, by: Duration) {
        *lock(&self.clock_offset) += by;
    }

    pub fn issued(&self) -> MutexGuard<'_, Issued> {
        lock(&self.issued)
    }

    pub fn identity(&self) -> MutexGuard<'_, IdentityState> {
        lock(&self.identity)
    }

    pub fn entra(&self) -> MutexGuard<'_, EntraState> {
        lock(&self.entra)
    }

    pub fn count(&self, op: Operation) {
        self.calls[op.index()].fetch_add(1, Ordering::Relaxed);
    }

    pub fn calls(&self, op: Operation) -> u64 {
        self.calls[op.index()].load(Ordering::Relaxed)
    }

    pub fn throttled(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
    }

    pub fn next_fault(&self, op: Operation) -> Option<Fault> {
        self.issued().scripted.get_mut(&op)?.pop_front()
    }

    /// Takes one token from the bucket, or says the request is over the limit.
    pub fn admit(&self) -> bool {
        let Some(tps) = self.options.tps else {
            return true;
        };
        let mut bucket = lock(&self.bucket);
        let now = Instant::now();
        let refill = now.duration_since(bucket.last).as_secs_f64() * tps;
        bucket.tokens = (bucket.tokens + refill).min(tps.max(1.0));
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            self.throttled.fetch_add(1, Ordering::Relaxed);
            false
        }
    }

    pub fn roll_server_error(&self) -> bool {
        let rate = self.options.server_error_rate;
        rate > 0.0 && lock(&self.rng).random::<f64>() < rate
    }

    /// A random token of `len` characters from `alphabet`, after `prefix`.
    pub fn token(&self, prefix: &str, len: usize, alphabet: &[u8]) -> String {
        let mut rng = lock(&self.rng);
        let mut s = String::with_capacity(prefix.len() + len);
        s.push_str(prefix);
        s.extend((0..len).map(|_| alphabet[rng.random_range(0..alphabet.len())] as char));
        s
    }
}

pub const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/// User codes avoid vowels and look-alike characters, as Identity Center's do.
pub const USER_CODE: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";

pub fn epoch_secs(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

pub fn epoch_millis(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_millis() as i64,
        Err(e) => -(e.duration().as_millis() as i64),
    }
}
