//! The device authorizations of every stand-in (Identity Center, the identity provider,
//! Entra): one store, one verification page (`/device`), one set of polling rules, each
//! service speaking them in its own wire format.

use std::time::Duration;

use crate::state::{ALNUM, Approval, DeviceAuth, Shared, USER_CODE};

/// A new device authorization, as the service hands it to the client.
pub struct Started {
    pub device_code: String,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: String,
    pub expires_in: u64,
    pub interval: u32,
}

impl Started {
    /// The RFC 8628 answer; `complete`: with `verification_uri_complete` (Entra has none).
    pub fn json(&self, complete: bool) -> serde_json::Value {
        let mut answer = serde_json::json!({
            "device_code": self.device_code,
            "user_code": self.user_code,
            "verification_uri": self.verification_uri,
            "expires_in": self.expires_in,
            "interval": self.interval,
        });
        if complete {
            answer["verification_uri_complete"] = self.verification_uri_complete.clone().into();
        }
        answer
    }
}

/// What a poll of the token endpoint with a device code finds.
#[derive(Debug, PartialEq, Eq)]
pub enum Poll {
    Approved,
    Pending,
    SlowDown,
    Denied,
    Expired,
    /// Unknown, or another client's.
    Invalid,
}

/// Starts a device authorization for `client_id`, approved at `/device`.
pub fn start(shared: &Shared, client_id: &str) -> Started {
    let device_code = shared.token("", 86, ALNUM);
    let user_code = format!(
        "{}-{}",
        shared.token("", 4, USER_CODE),
        shared.token("", 4, USER_CODE)
    );
    let lifetime = shared.options.device_code_lifetime;
    let verification_uri = format!("{}/device", shared.base_url);
    shared.issued().device_auths.insert(
        device_code.clone(),
        DeviceAuth {
            client_id: client_id.to_owned(),
            user_code: user_code.clone(),
            expires_at: shared.now() + lifetime,
            approval: Approval::Pending,
            pending_polls: 0,
            last_poll: None,
        },
    );
    Started {
        verification_uri_complete: format!("{verification_uri}?user_code={user_code}"),
        device_code,
        user_code,
        verification_uri,
        expires_in: lifetime.as_secs(),
        interval: shared.options.device_poll_interval,
    }
}

/// Polls `device_code` for `client_id`: sooner than the interval is `SlowDown` (when
/// enforced), and with `auto_approve_after_polls` a pending authorization approves
/// itself after that many polls. An approved one is used up.
pub fn poll(shared: &Shared, client_id: &str, device_code: &str) -> Poll {
    let now = shared.now();
    let mut issued = shared.issued();
    let Some(auth) = issued.device_auths.get_mut(device_code) else {
        return Poll::Invalid;
    };
    if auth.client_id != client_id {
        return Poll::Invalid;
    }
    if auth.expires_at <= now {
        return Poll::Expired;
    }
    let polled_at = std::time::Instant::now();
    let too_soon = auth.last_poll.is_some_and(|last| {
        polled_at.duration_since(last)
            < Duration::from_secs(shared.options.device_poll_interval.into())
    });
    auth.last_poll = Some(polled_at);
    if shared.options.enforce_poll_interval && too_soon && auth.approval == Approval::Pending {
        return Poll::SlowDown;
    }
    match auth.approval {
        Approval::Denied => Poll::Denied,
        Approval::Approved => {
            issued.device_auths.remove(device_code);
            Poll::Approved
        }
        Approval::Pending => {
            auth.pending_polls += 1;
            match shared.options.auto_approve_after_polls {
                Some(n) if auth.pending_polls > n => {
                    issued.device_auths.remove(device_code);
                    Poll::Approved
                }
                _ => Poll::Pending,
            }
        }
    }
}
