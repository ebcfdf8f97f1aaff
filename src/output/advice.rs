//! Advice and hints in words. Below this layer they are data ([`Advice`], [`Hint`]); here they
//! become sentences and command lines, and a command line repeats the flags that chose the
//! target (`--sandbox=demo`, `--base-url …`, `--profile …`), so following a suggestion never
//! acts on another account than the one just shown.

use crate::catalog::DEFAULT_OPT_OUT;
use crate::error::Hint;
use crate::report::Advice;

/// How command lines are written for this run.
#[derive(Clone, Debug)]
pub struct Words {
    /// `linkedin-privacy` and the flags that chose the target.
    prefix: String,
    /// The sandbox account, when the target is the sandbox: its sign-in troubles are on purpose.
    sandbox: Option<String>,
}

impl Default for Words {
    fn default() -> Words {
        Words {
            prefix: "linkedin-privacy".to_string(),
            sandbox: None,
        }
    }
}

impl Words {
    /// Words whose command lines carry these global flags (already shell-safe).
    pub fn with_flags(flags: &[String]) -> Words {
        let mut prefix = "linkedin-privacy".to_string();
        for f in flags {
            prefix.push(' ');
            prefix.push_str(f);
        }
        Words {
            prefix,
            sandbox: None,
        }
    }

    /// Words for a run against this sandbox account.
    pub fn in_sandbox(mut self, account: Option<String>) -> Words {
        self.sandbox = account;
        self
    }

    /// A command line: the program, the target's flags, then `rest`.
    pub fn command(&self, rest: &str) -> String {
        format!("{} {rest}", self.prefix)
    }

    /// What to do about a row, for the table's last column.
    pub fn advice(&self, advice: &Advice) -> String {
        match advice {
            Advice::Nothing => "nothing".to_string(),
            Advice::NothingToChange => "nothing to change".to_string(),
            Advice::TurnOff { id } if id == DEFAULT_OPT_OUT => self.command("opt-out"),
            Advice::TurnOff { id } => self.command(&format!("opt-out --setting {id}")),
            Advice::Object => self.command("objection"),
            Advice::CheckInBrowser => "check the page in a browser".to_string(),
            Advice::TurnOffInBrowser => "turn it off at the page in a browser".to_string(),
        }
    }

    fn is_about_signing_in(hint: &Hint) -> bool {
        matches!(
            hint,
            Hint::SignInOrTry
                | Hint::SignInAgain
                | Hint::SignInAfterRevoke
                | Hint::FinishChallenge
                | Hint::FinishChallengeThenCookie
                | Hint::CsrfSignInAgain
                | Hint::PasswordOrCookie
                | Hint::SignInProfile { .. }
        )
    }

    /// A hint line's text.
    pub fn hint(&self, hint: &Hint) -> String {
        let login = self.command("login");
        if let Some(account) = &self.sandbox
            && Self::is_about_signing_in(hint)
        {
            // Signing in again cannot help: the sandbox account answers this way on purpose.
            return format!(
                "the sandbox account {account:?} answers this way on purpose (`linkedin-privacy sandbox` lists every account and what it does); `linkedin-privacy --sandbox audit` shows one that works"
            );
        }
        match hint {
            Hint::Text(t) => t.clone(),
            Hint::SignInOrTry => format!(
                "run `{login}`, set LINKEDIN_LI_AT, or try the demo with `linkedin-privacy --sandbox audit`"
            ),
            Hint::SignInAgain => format!(
                "sign in to LinkedIn in a browser, then run `{login}` again with the new li_at cookie"
            ),
            Hint::SignInAfterRevoke => format!(
                "sign in to LinkedIn in your browser again, then run `{}` (the stored session is marked revoked and not used again)",
                self.command("login --from-browser")
            ),
            Hint::FinishChallenge => format!(
                "open that address in a browser, finish the check, then sign in again with `{login}`"
            ),
            Hint::FinishChallengeThenCookie => format!(
                "finish the check in a browser, then sign in with the cookie instead: copy li_at and run `{login}`"
            ),
            Hint::CsrfSignInAgain => format!(
                "sign in again with `{login}`; if you pass JSESSIONID yourself, keep its value exactly as the browser shows it"
            ),
            Hint::PasswordOrCookie => format!(
                "check them and try again, or sign in with the li_at cookie: `{login}`"
            ),
            Hint::SignInProfile { profile } => format!(
                "sign in again with `linkedin-privacy --profile {profile} login`"
            ),
            Hint::ReplaceSessionsFile { path } => format!(
                "move {path} away and sign in again with `linkedin-privacy --insecure-storage login`"
            ),
            Hint::SignInAt { origin, profile } => format!(
                "unset LINKEDIN_PRIVACY_BASE_URL (or drop --base-url) to use it, or sign in at {origin} with `linkedin-privacy --base-url {origin} --profile {profile} login`"
            ),
            Hint::LogoutAll => format!(
                "`{}` finds and removes it once the index can be written",
                self.command("logout --all")
            ),
            Hint::ChangedPage => "LinkedIn may have changed this page; check the setting in a browser and see `linkedin-privacy --help` for --catalog".to_string(),
            Hint::AuditAgain => format!(
                "check the setting in a browser, or run `{}` to read it again",
                self.command("audit")
            ),
            Hint::CatalogForm => {
                "see `linkedin-privacy catalog --toml` for the expected form".to_string()
            }
            Hint::Resume => "run the same command again with `--resume FILE`, FILE holding this run's NDJSON (saved with `--format ndjson`, or written by --resume), to audit only the accounts not done".to_string(),
            Hint::PipeCookie => format!(
                "e.g. `printf '%s\\n' \"$LI_AT\" | {} --cookie-stdin`",
                self.command("login")
            ),
            Hint::SandboxPort => "pick another --port, or 0 for any free one".to_string(),
            Hint::HistoryElsewhere => "give another file with --history FILE".to_string(),
            Hint::UpgradeOrHistoryElsewhere => {
                "upgrade linkedin-privacy, or give another file with --history FILE".to_string()
            }
            Hint::CatalogPath => "check the catalog's path (--catalog, LINKEDIN_PRIVACY_CATALOG or catalog in config.toml)".to_string(),
            Hint::NoKeyring => "use --insecure-storage to keep sessions in a 0600 file instead, or set LINKEDIN_LI_AT for this shell".to_string(),
            Hint::AccountsPath => "check the --accounts path: a file of label<TAB>li_at lines, or - for standard input".to_string(),
            Hint::FirefoxOrCookiesFile => "use --from-browser firefox, or export a cookies.txt and give --cookies-file".to_string(),
            Hint::CookiesFile => "export the browser's cookies as a cookies.txt and give --cookies-file".to_string(),
            Hint::UnlockKeyring => "unlock the keyring (sign in to the desktop session the browser runs in), or use --from-browser firefox or --cookies-file".to_string(),
            Hint::NameBrowser => "name the browser you use: --from-browser NAME[:PROFILE], or use --cookies-file".to_string(),
            Hint::SignInInBrowser => "sign in to LinkedIn in your browser, or name it: --from-browser NAME[:PROFILE]".to_string(),
            Hint::FirefoxProfile => "name the profile folder: --from-firefox PROFILE_DIR (about:profiles in Firefox shows it)".to_string(),
            Hint::RecordingFolder => "give a folder written by `record --out`, or fixtures/".to_string(),
            Hint::Timeout => "check your connection, or allow more time with `--timeout SECS`".to_string(),
            Hint::BaseUrl => "check your connection and the --base-url value".to_string(),
            Hint::ResumeOwnFile => "give --resume a file of its own, e.g. --resume results.ndjson".to_string(),
            Hint::ResumeFile => "give --resume the path of an ordinary file (it is created if missing); the run appends its results to it".to_string(),
            Hint::ResumeBusy => "let that run finish (it audits the same accounts), then resume with the same command".to_string(),
            Hint::ResumeAgain { path: Some(path) } => format!(
                "run the same command again: --resume {path} audits only the accounts not done"
            ),
            Hint::ResumeAgain { path: None } => "run the same command again with --resume FILE (FILE holding this run's NDJSON: save it with --format ndjson) to audit only the accounts not done".to_string(),
            Hint::LogoutStray { profile } => format!(
                "`{}` removes it",
                self.command(&format!("--profile {profile} logout"))
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_keep_the_target() {
        let w = Words::with_flags(&["--sandbox=demo".to_string()]);
        assert_eq!(
            w.advice(&Advice::TurnOff {
                id: DEFAULT_OPT_OUT.to_string()
            }),
            "linkedin-privacy --sandbox=demo opt-out"
        );
        assert_eq!(
            w.advice(&Advice::TurnOff {
                id: "research-data".into()
            }),
            "linkedin-privacy --sandbox=demo opt-out --setting research-data"
        );
        assert!(
            w.hint(&Hint::AuditAgain)
                .contains("`linkedin-privacy --sandbox=demo audit`")
        );
        assert_eq!(
            Words::default().advice(&Advice::Object),
            "linkedin-privacy objection"
        );
    }

    #[test]
    fn in_the_sandbox_sign_in_hints_point_at_a_working_account() {
        let w = Words::with_flags(&["--sandbox=expired".to_string()])
            .in_sandbox(Some("expired".to_string()));
        let hint = w.hint(&Hint::SignInAgain);
        assert!(hint.contains("on purpose"), "{hint}");
        assert!(
            hint.contains("`linkedin-privacy --sandbox audit`"),
            "{hint}"
        );
        assert!(!hint.contains("login"), "{hint}");
        // Other hints keep their words.
        assert!(
            w.hint(&Hint::AuditAgain)
                .contains("--sandbox=expired audit")
        );
    }
}
