//! `kumo use` and `kumo shell-init`: a target handed to the current shell, through the
//! function the init script defines.

use zeroize::Zeroizing;

use super::exec::AWS_OTHER_SOURCES;
use super::{Error, Feedback, Kumo, Prompt, Variables};
use crate::export::shell::{self, Shell};
use crate::target::TargetId;

/// `kumo use TARGET`.
#[derive(Debug)]
pub struct UseRequest<'a> {
    /// A target id (names are resolved before).
    pub target: &'a str,
    pub region: Option<&'a str>,
    pub shell: Shell,
    /// What the last `kumo use` in this shell set (`$KUMO_USE_VARS`).
    pub previous: &'a str,
    pub prompt: Prompt,
}

/// The script for the shell to evaluate, and what it hands over.
pub struct Used {
    pub script: Zeroizing<String>,
    /// The exported profile it points `AWS_PROFILE` at, when the target has one.
    pub profile: Option<String>,
    /// When the credentials it sets end, when it sets any.
    pub expires_at: Option<i64>,
}

impl Kumo {
    /// The script that switches a shell to `request.target`: `AWS_PROFILE` when Kumo
    /// exported a profile for it (the tools then renew its credentials themselves), else
    /// the variables `kumo exec` sets.
    pub async fn use_target(
        &self,
        request: &UseRequest<'_>,
        feedback: &dyn Feedback,
    ) -> Result<Used, Error> {
        let is_aws = matches!(TargetId::parse(request.target)?, TargetId::Aws { .. });
        let profile = is_aws
            .then(|| self.profile_of(request.target))
            .flatten()
            .filter(|_| request.region.is_none());
        let vars = match &profile {
            Some(profile) => {
                // Refused here as credential_process would refuse it, not later in a tool.
                self.guard(request.target, "credentials")?;
                let mut vars = Variables {
                    remove: AWS_OTHER_SOURCES.to_vec(),
                    ..Variables::default()
                };
                vars.set("AWS_PROFILE", profile);
                vars.set("KUMO_TARGET", request.target);
                vars
            }
            None => {
                self.variables(request.target, request.region, request.prompt, feedback)
                    .await?
            }
        };
        Ok(Used {
            script: shell::script(request.shell, request.previous, &vars.remove, &vars.set),
            profile,
            expires_at: vars.expires_at,
        })
    }
}

/// The script that clears what the last `kumo use` set (`previous`).
pub fn unuse_script(shell: Shell, previous: &str) -> Zeroizing<String> {
    shell::script(shell, previous, &[], &[])
}

/// What `eval "$(kumo shell-init SHELL)"` defines.
pub fn shell_init(shell: Shell) -> String {
    shell::init(shell)
}
