//! `linkedin-privacy completions SHELL`: print the shell code that asks the binary itself what
//! to complete (clap's dynamic engine). So completion works below the top level whatever the
//! binary's name, and completes what only the tool knows (the completers are in `cli.rs`).

use clap::Args;
use clap_complete::Shell;

use super::Ctx;
use super::exit::Exit;
use crate::error::Error;

/// The variable the shell code sets when it asks the binary for completions.
pub const COMPLETE_VAR: &str = "LINKEDIN_PRIVACY_COMPLETE";

#[derive(Debug, Args)]
#[command(after_help = "\
bash:  echo 'source <(linkedin-privacy completions bash)' >> ~/.bashrc
zsh:   echo 'source <(linkedin-privacy completions zsh)' >> ~/.zshrc
fish:  echo 'linkedin-privacy completions fish | source' >> ~/.config/fish/config.fish

The code calls this binary on Tab; load it anew in each shell (as above), so it always matches
the installed version.")]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum, ignore_case = true)]
    pub shell: Shell,
}

pub fn run(ctx: &Ctx, args: CompletionsArgs) -> anyhow::Result<Exit> {
    let name = args.shell.to_string();
    let shells = clap_complete::env::Shells::builtins();
    let Some(shell) = shells.completer(&name) else {
        return Err(Error::usage(
            format!("no completions for {name}"),
            Some("choose bash, zsh, fish, elvish or powershell".to_string()),
        )
        .into());
    };
    // The shell code calls this very binary, by its full path, so it completes even when the
    // binary is not on PATH; a path a shell would read otherwise than written (spaces, `$`,
    // quotes) is never put in shell code: then the code calls `linkedin-privacy` from PATH.
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| p.to_str().map(str::to_string));
    let completer = match exe {
        Some(p) if crate::text::shell_word(&p) == p.as_str() => p,
        Some(_) => {
            ctx.out.warn(
                "this binary's path holds characters a shell would interpret: the completions call `linkedin-privacy` from PATH",
            );
            "linkedin-privacy".to_string()
        }
        None => "linkedin-privacy".to_string(),
    };
    let mut script = Vec::new();
    shell.write_registration(
        COMPLETE_VAR,
        "linkedin-privacy",
        "linkedin-privacy",
        &completer,
        &mut script,
    )?;
    crate::output::write_stdout(&String::from_utf8_lossy(&script))?;
    Ok(Exit::Ok)
}
