//! Starting other programs (a browser, a scheduler, a notification command) without handing
//! them the tool's secrets: every variable the tool reads a session or a secret from is taken
//! out of the child's environment.

use std::process::Command;

/// The environment variables a child never inherits: the session (`LINKEDIN_LI_AT`,
/// `LINKEDIN_JSESSIONID`) and every `LINKEDIN_PRIVACY_*` setting.
pub fn is_withheld(name: &str) -> bool {
    name.starts_with("LINKEDIN_")
}

/// A command for `program` whose environment holds none of the tool's secrets.
pub fn command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = Command::new(program);
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(is_withheld) {
            cmd.env_remove(&name);
        }
    }
    cmd
}
