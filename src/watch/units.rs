//! What `watch install` writes for each scheduler: a systemd user service and timer, a crontab
//! line, a launchd agent, a Task Scheduler command. Each runs `linkedin-privacy [flags] watch
//! run`; none holds a session, a token or a webhook address (those stay in the keyring).

use std::path::Path;

use super::schedule::Schedule;

/// The name every scheduler knows the check by.
pub const NAME: &str = "linkedin-privacy-watch";
/// launchd's label.
pub const LAUNCHD_LABEL: &str = "org.linkedin-privacy.watch";
/// The comment that marks the crontab line as this tool's (`watch remove` removes that line).
pub const CRON_MARKER: &str =
    "# linkedin-privacy-watch (remove with: linkedin-privacy watch remove)";

/// The command a scheduler runs.
pub struct Job<'a> {
    pub exe: &'a Path,
    /// The flags before `watch run` (the target, the profile, the history), none secret.
    pub args: &'a [String],
    pub schedule: Schedule,
}

impl Job<'_> {
    fn argv(&self) -> Vec<String> {
        let mut argv = vec![self.exe.display().to_string()];
        argv.extend(self.args.iter().cloned());
        argv.extend(["watch".to_string(), "run".to_string()]);
        argv
    }

    /// The service: one run of the check, no terminal.
    pub fn systemd_service(&self) -> String {
        let exec: Vec<String> = self.argv().iter().map(|a| systemd_quote(a)).collect();
        format!(
            "# Written by `linkedin-privacy watch install`; `linkedin-privacy watch remove` removes it.\n\
             [Unit]\n\
             Description=linkedin-privacy: check LinkedIn privacy settings and tell when one changes\n\
             After=network-online.target\n\
             \n\
             [Service]\n\
             Type=oneshot\n\
             # A run that hangs is stopped, so that the next one can start.\n\
             TimeoutStartSec=30min\n\
             ExecStart={}\n\
             Environment=NO_COLOR=1\n\
             # Exit 1 (a setting exposes data) is the check working, not failing.\n\
             SuccessExitStatus=1\n",
            exec.join(" ")
        )
    }

    /// The timer: `Persistent=true`, so a run missed while the machine was off happens at the
    /// next boot; a random delay of up to 10 minutes, so that many machines do not ask at once.
    pub fn systemd_timer(&self) -> String {
        format!(
            "# Written by `linkedin-privacy watch install`; `linkedin-privacy watch remove` removes it.\n\
             [Unit]\n\
             Description=linkedin-privacy: scheduled privacy check ({})\n\
             \n\
             [Timer]\n\
             OnCalendar={}\n\
             Persistent=true\n\
             RandomizedDelaySec=10min\n\
             \n\
             [Install]\n\
             WantedBy=timers.target\n",
            self.schedule,
            self.schedule.on_calendar()
        )
    }

    /// One crontab line, marked as this tool's. Its output goes nowhere: the run keeps its own
    /// log and notifies on its own.
    pub fn cron_line(&self) -> String {
        let command: Vec<String> = self.argv().iter().map(|a| cron_quote(a)).collect();
        format!(
            "{} {} >/dev/null 2>&1 {CRON_MARKER}",
            self.schedule.cron_fields(),
            command.join(" ")
        )
    }

    /// The launchd agent (`~/Library/LaunchAgents/org.linkedin-privacy.watch.plist`).
    pub fn launchd_plist(&self) -> String {
        let args: String = self
            .argv()
            .iter()
            .map(|a| format!("\t\t<string>{}</string>\n", xml_escape(a)))
            .collect();
        let mut when = String::new();
        for entry in self.schedule.launchd() {
            when.push_str("\t\t<dict>\n");
            for (k, v) in entry {
                when.push_str(&format!(
                    "\t\t\t<key>{k}</key>\n\t\t\t<integer>{v}</integer>\n"
                ));
            }
            when.push_str("\t\t</dict>\n");
        }
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
             <plist version=\"1.0\">\n\
             <dict>\n\
             \t<key>Label</key>\n\t<string>{LAUNCHD_LABEL}</string>\n\
             \t<key>ProgramArguments</key>\n\t<array>\n{args}\t</array>\n\
             \t<key>StartCalendarInterval</key>\n\t<array>\n{when}\t</array>\n\
             \t<key>ProcessType</key>\n\t<string>Background</string>\n\
             </dict>\n\
             </plist>\n"
        )
    }

    /// `schtasks` arguments that create the task.
    pub fn schtasks(&self) -> Vec<String> {
        let command: Vec<String> = self.argv().iter().map(|a| windows_quote(a)).collect();
        let mut args = vec![
            "/Create".to_string(),
            "/F".to_string(),
            "/TN".to_string(),
            NAME.to_string(),
            "/TR".to_string(),
            command.join(" "),
        ];
        args.extend(self.schedule.schtasks());
        args
    }
}

/// systemd's quoting: in double quotes, `\` and `"` escaped, `%` and `$` doubled (specifiers
/// and variables are never expanded).
fn systemd_quote(arg: &str) -> String {
    let mut out = String::from("\"");
    for c in arg.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '%' => out.push_str("%%"),
            '$' => out.push_str("$$"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A shell word in single quotes ([`cron_safe`] has refused `%` and backslashes).
fn cron_quote(arg: &str) -> String {
    format!("'{}'", arg.replace('\'', "'\\''"))
}

fn windows_quote(arg: &str) -> String {
    if arg.is_empty() || arg.contains([' ', '\t', '"']) {
        format!("\"{}\"", arg.replace('"', "\\\""))
    } else {
        arg.to_string()
    }
}

fn xml_escape(s: &str) -> String {
    crate::pages::esc(s)
}

/// Whether a crontab line can carry the job: cron reads `%` as a newline, and a backslash
/// before it changes how; such arguments are refused rather than half-escaped.
pub fn cron_safe(job: &Job) -> bool {
    job.argv().iter().all(|a| !a.contains(['%', '\\']))
}

/// Whether every argument can go into a unit file as it is: no control characters (a newline
/// would end the line and start another directive).
pub fn writable(args: &[String]) -> bool {
    args.iter().all(|a| !a.chars().any(char::is_control))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scheduler_gets_the_arguments_quoted_its_way() {
        assert_eq!(systemd_quote(r#"a b"%$\"#), r#""a b\"%%$$\\""#);
        assert_eq!(cron_quote("it's"), r"'it'\''s'");
        assert_eq!(
            windows_quote("C:\\Program Files\\x.exe"),
            "\"C:\\Program Files\\x.exe\""
        );
        assert!(!writable(&["a\nExecStart=/bin/evil".to_string()]));
    }
}
