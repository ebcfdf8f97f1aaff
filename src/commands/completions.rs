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
    let script = if name == "bash" {
        bash(&completer)
    } else {
        let mut script = Vec::new();
        shell.write_registration(
            COMPLETE_VAR,
            "linkedin-privacy",
            "linkedin-privacy",
            &completer,
            &mut script,
        )?;
        String::from_utf8_lossy(&script).into_owned()
    };
    crate::output::write_stdout(&script)?;
    Ok(Exit::Ok)
}

/// The bash code: clap's protocol, with one thing clap's own bash code lacks. bash splits
/// `--sandbox=de` into three words at the `=` (it is in `COMP_WORDBREAKS`), so the binary would
/// see `--sandbox`, `=` and `de`, and offer commands as well as accounts. Here an option's `=`
/// and the value after it are joined back into one word before the binary is asked, and what
/// it offers is cut back to the part bash replaces (the word after the `=`).
fn bash(completer: &str) -> String {
    const CODE: &str = r#"
_linkedin_privacy() {
    local IFS=$'\013'
    local _CLAP_COMPLETE_COMP_TYPE=${COMP_TYPE}
    if compopt +o nospace 2> /dev/null; then
        local _CLAP_COMPLETE_SPACE=false
    else
        local _CLAP_COMPLETE_SPACE=true
    fi
    # Where each word starts in the line: an `=` is joined only to the words it touches, and
    # only words up to the cursor are read (the binary completes the one at the cursor).
    local words=() cword=0 i w raw joined=0 exact=1 touching
    local line=${COMP_LINE:0:COMP_POINT} pos=0 at=() last=$COMP_CWORD
    # With the cursor just before an `=` (`--sand|=demo`), bash points at the `=` and hands
    # over the word before it: that word is the one completed.
    if [[ ${COMP_WORDS[COMP_CWORD]} == "=" && -n $2 && "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        last=$(( COMP_CWORD - 1 ))
    fi
    for (( i = 0; i <= last && i < ${#COMP_WORDS[@]}; i++ )); do
        raw=${COMP_WORDS[i]}
        while [[ ${line:pos:1} == [[:space:]] ]]; do
            pos=$(( pos + 1 ))
        done
        [[ $raw == "${line:pos:${#raw}}"* ]] || exact=0
        at[i]=$pos
        pos=$(( pos + ${#raw} ))
        w=$raw
        if (( i == last )); then
            # At `--sandbox=<Tab>` the word bash completes is the empty one after the `=`.
            if [[ $raw == "=" ]]; then
                w=
            elif [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
                w=$2
            fi
        fi
        touching=0
        if (( i > 0 && exact )); then
            local before=${COMP_WORDS[i-1]}
            (( at[i] == at[i-1] + ${#before} )) && touching=1
        fi
        if (( touching )) && [[ $raw == "=" && ${words[${#words[@]}-1]} == --* ]]; then
            words[${#words[@]}-1]+="="
            joined=1
        elif (( touching && joined )) && [[ ${COMP_WORDS[i-1]} == "=" ]]; then
            words[${#words[@]}-1]+=$w
            joined=0
        else
            words+=("$w")
            joined=0
        fi
        if (( i == last )); then
            cword=$(( ${#words[@]} - 1 ))
        fi
    done
    local cur=$w
    local prefix=${words[cword]%"$cur"}
    local offered
    offered=( $( \
        _CLAP_IFS="$IFS" \
        _CLAP_COMPLETE_INDEX="$cword" \
        _CLAP_COMPLETE_COMP_TYPE="$_CLAP_COMPLETE_COMP_TYPE" \
        _CLAP_COMPLETE_SPACE="$_CLAP_COMPLETE_SPACE" \
        @VAR@="bash" \
        "@COMPLETER@" -- "${words[@]}" \
    ) ) || { unset COMPREPLY; return; }
    COMPREPLY=()
    for w in "${offered[@]}"; do
        if [[ $w == "$prefix"* ]]; then
            COMPREPLY+=("${w#"$prefix"}")
        fi
    done
    if [[ $_CLAP_COMPLETE_SPACE == false ]] && [[ "${COMPREPLY-}" =~ [=/:]$ ]]; then
        compopt -o nospace
    fi
}
if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -o nospace -o bashdefault -o nosort -F _linkedin_privacy linkedin-privacy
else
    complete -o nospace -o bashdefault -F _linkedin_privacy linkedin-privacy
fi
"#;
    CODE.replace("@COMPLETER@", completer)
        .replace("@VAR@", COMPLETE_VAR)
}
