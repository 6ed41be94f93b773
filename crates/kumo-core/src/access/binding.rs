//! Every cloud bound to the one verified identity: after an org signs in, the Identity
//! Center user it signed in as is compared with the company identity (any case, and
//! `[identity] domains` naming equivalent domains). A mismatch is a warning and an audit
//! event; with `[identity] require_match` the session is dropped and the sign-in refused.

use serde::Serialize;

use super::provider::{Configured, providers};
use super::{Error, Feedback, Kumo, Provider, SignedIn};
use crate::audit::Event;

/// A cloud's principal, as `kumo whoami` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub provider: Provider,
    pub name: String,
    pub principal: String,
    /// Whether it is the signed-in company identity; `None` without one.
    pub matches: Option<bool>,
}

/// Whether a cloud's `principal` is the person whose verified email is `email`: the same
/// address in any case, or the same local part at two domains `domains` names as one.
pub fn same_person(principal: &str, email: &str, domains: &[String]) -> bool {
    if principal.eq_ignore_ascii_case(email) {
        return true;
    }
    let (Some((user, domain)), Some((own_user, own_domain))) =
        (principal.rsplit_once('@'), email.rsplit_once('@'))
    else {
        return false;
    };
    let listed = |d: &str| domains.iter().any(|x| x.eq_ignore_ascii_case(d));
    user.eq_ignore_ascii_case(own_user) && listed(domain) && listed(own_domain)
}

impl Kumo {
    /// Checks the principal of a cloud that just signed in against the company identity.
    pub(super) async fn bind(
        &self,
        provider: &Configured<'_>,
        signed_in: &SignedIn,
        feedback: &dyn Feedback,
    ) -> Result<(), Error> {
        let Some(identity) = &self.ctx.config.identity else {
            return Ok(());
        };
        let (Some(principal), Some(actor)) = (&signed_in.account, self.actor()) else {
            return Ok(());
        };
        if signed_in.provider == Provider::Identity
            || same_person(principal, &actor.email, &identity.domains)
        {
            return Ok(());
        }
        self.record(&Event::IdentityMismatch {
            provider: signed_in.provider,
            name: signed_in.name.clone(),
            principal: principal.clone(),
            identity: actor.email.clone(),
        })?;
        let what = format!(
            "{} {} is signed in as {principal}, not as the company identity {}",
            signed_in.provider.label(),
            signed_in.name,
            actor.email
        );
        if identity.require_match {
            provider.sign_out(&self.ctx).await?;
            return Err(Error::new(format!(
                "{what}: its session was dropped ([identity] require_match)"
            )));
        }
        feedback.say(&format!("warning: {what}"));
        Ok(())
    }

    /// Each cloud's principal, where it is known, and whether it is the identity.
    pub fn principals(&self) -> Vec<Principal> {
        let identity = self.ctx.config.identity.as_ref();
        let email = self.actor().map(|a| a.email);
        providers(&self.ctx.config)
            .iter()
            .filter(|p| !matches!(p, Configured::Identity(_)))
            .filter_map(|p| p.status(&self.ctx))
            .filter_map(|status| {
                let principal = status.account?;
                let matches = email
                    .as_deref()
                    .zip(identity)
                    .map(|(email, identity)| same_person(&principal, email, &identity.domains));
                Some(Principal {
                    provider: status.provider,
                    name: status.name,
                    principal,
                    matches,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_address_in_any_case_is_the_same_person() {
        assert!(same_person("Dev@Acme.com", "dev@acme.com", &[]));
        assert!(!same_person("ops@acme.com", "dev@acme.com", &[]));
    }

    #[test]
    fn equivalent_domains_name_the_same_person_only_when_both_are_listed() {
        let domains = ["acme.com".to_owned(), "acme.co.jp".to_owned()];
        assert!(same_person("dev@acme.co.jp", "dev@acme.com", &domains));
        assert!(!same_person("dev@evil.example", "dev@acme.com", &domains));
        assert!(!same_person("dev@acme.co.jp", "dev@acme.com", &[]));
    }

    #[test]
    fn a_principal_without_a_domain_is_not_taken_for_the_identity() {
        assert!(!same_person(
            "dev",
            "dev@acme.com",
            &["acme.com".to_owned()]
        ));
    }
}
