//! The one company sign-in: OpenID Connect (Google by default) through the system
//! browser, with the ID token verified before anything is trusted.

pub mod oidc;
