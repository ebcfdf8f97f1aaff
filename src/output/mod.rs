//! The output layer: commands build `Serialize` views (and reports, streamed through a [`Sink`])
//! and this module renders them as a table for people, or JSON, NDJSON or CSV for scripts.
//! Colour only on a terminal, and never when `NO_COLOR` is set. Everything on stderr (errors,
//! warnings, notes, prompts) goes through one owner, [`Output`], so lines never interleave.
//! Advice and hints are data until here: [`advice`] words them.

pub mod advice;
pub mod csv;
pub mod junit;
pub mod progress;
pub mod prompt;
pub mod report;
pub mod sink;
pub mod talk;

use std::collections::HashSet;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};
use serde::Serialize;

use crate::error::Error;
use crate::report::ErrorView;
use crate::text;

pub use advice::Words;
pub use csv::Csv;
pub use sink::Sink;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A table and a sentence, for people.
    Table,
    /// One pretty-printed JSON document.
    Json,
    /// One JSON document per line.
    Ndjson,
    /// Comma-separated values with a header row.
    Csv,
    /// A JUnit XML report (audits over several accounts, drift), for CI dashboards.
    Junit,
}

impl Format {
    /// Every format: its name on the command line and in `config.toml`, and what it is.
    pub const ALL: [(Format, &'static str, &'static str); 5] = [
        (Format::Table, "table", "A table and a sentence, for people"),
        (Format::Json, "json", "One pretty-printed JSON document"),
        (Format::Ndjson, "ndjson", "One JSON document per line"),
        (
            Format::Csv,
            "csv",
            "Comma-separated values with a header row",
        ),
        (
            Format::Junit,
            "junit",
            "A JUnit XML report, for CI dashboards (audit, drift)",
        ),
    ];

    /// The format a name stands for (any letter case).
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .iter()
            .find(|(_, n, _)| n.eq_ignore_ascii_case(name))
            .map(|(f, _, _)| *f)
    }

    pub fn name(self) -> &'static str {
        Format::ALL
            .iter()
            .find(|(f, _, _)| *f == self)
            .map_or("table", |(_, n, _)| n)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Every choice, by its name.
    pub const ALL: [(ColorChoice, &'static str, &'static str); 3] = [
        (
            ColorChoice::Auto,
            "auto",
            "Only on a terminal, and never with NO_COLOR set",
        ),
        (ColorChoice::Always, "always", "Always"),
        (ColorChoice::Never, "never", "Never"),
    ];

    pub fn from_name(name: &str) -> Option<ColorChoice> {
        ColorChoice::ALL
            .iter()
            .find(|(_, n, _)| n.eq_ignore_ascii_case(name))
            .map(|(c, _, _)| *c)
    }
}

/// Something a command prints.
pub trait View: Serialize {
    /// The human rendering; `style` says whether colour is allowed, `words` how to word advice.
    fn table(&self, style: &Style, words: &Words) -> String;
    /// The CSV rows, as plain `Serialize` structs handed to the one writer.
    fn csv(&self, csv: &mut Csv);
}

/// Colour and width decisions for one stream.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    /// The columns prose is wrapped to: `COLUMNS`, else the terminal's width (80 when it
    /// reports none); `None` off a terminal, where prose is left for the reader to wrap.
    pub width: Option<usize>,
    /// Reports in their long form (`--wide`, `-v`).
    pub long: bool,
    /// Tables drawn in ASCII, for a terminal or locale without box-drawing characters.
    pub ascii: bool,
}

/// The width tables are laid out for when no terminal says otherwise.
pub const DEFAULT_WIDTH: usize = 80;

impl Style {
    pub fn paint(&self, text: &str, ansi: &str) -> String {
        if self.color {
            format!("\x1b[{ansi}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    pub fn bold(&self, t: &str) -> String {
        self.paint(t, "1")
    }
    pub fn red(&self, t: &str) -> String {
        self.paint(t, "1;31")
    }
    pub fn green(&self, t: &str) -> String {
        self.paint(t, "1;32")
    }
    pub fn yellow(&self, t: &str) -> String {
        self.paint(t, "1;33")
    }
    pub fn dim(&self, t: &str) -> String {
        self.paint(t, "2")
    }

    /// Prose for this stream: wrapped to its width (continuation lines start with `indent`),
    /// or left whole off a terminal.
    pub fn wrap(&self, text: &str, indent: &str) -> String {
        match self.width {
            Some(width) => text::wrap(text, width, indent),
            None => text.to_string(),
        }
    }

    /// A table in the project's look, laid out for the stream's width (80 columns when it has
    /// none); cells keep their colours only when colour is on.
    pub fn table(&self, header: &[&str]) -> Table {
        let mut table = Table::new();
        if self.ascii {
            table.load_style(presets::ASCII_FULL_CONDENSED);
        } else {
            table.load_style(presets::UTF8_FULL_CONDENSED.with_rounded_corners());
        }
        if self.color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        table.set_content_arrangement(ContentArrangement::Dynamic);
        let width = self.width.unwrap_or(DEFAULT_WIDTH);
        table.set_width(u16::try_from(width).unwrap_or(u16::MAX));
        table.set_header(header.iter().map(|h| Cell::new(h).fg(Color::Reset)));
        table
    }

    /// Keeps a column at least as wide as its longest line (an id, a date), so the layout
    /// squeezes the prose columns instead of cutting an identifier in two.
    pub fn keep_whole(table: &mut Table, column: usize) {
        let widest = table
            .column_max_content_widths()
            .get(column)
            .copied()
            .unwrap_or(0);
        Style::at_least(table, column, usize::from(widest));
    }

    /// Keeps a column at least `width` characters wide (its longest id, say, when the same
    /// cell also holds prose that may wrap).
    pub fn at_least(table: &mut Table, column: usize, width: usize) {
        if let Some(c) = table.column_mut(column) {
            c.set_constraint(comfy_table::ColumnConstraint::LowerBoundary(
                // The width counts the cell's padding, one column each side.
                comfy_table::Width::Fixed(
                    u16::try_from(width.saturating_add(2)).unwrap_or(u16::MAX),
                ),
            ));
        }
    }

    /// Text cut to `cols` columns (see [`text::fit`]), with `...` where only ASCII is drawn.
    pub fn fit(&self, text: &str, cols: usize, pad: bool) -> String {
        text::fit_with(text, cols, pad, if self.ascii { "..." } else { "…" })
    }

    /// A table cell. Its text is cleaned of control characters whatever its source (the cell
    /// is the last stop before the terminal); colour comes from the table, never from the text.
    pub fn cell(&self, text: &str, color: Option<Color>) -> Cell {
        let text = clean_cell(text);
        match color {
            Some(c) if self.color => Cell::new(text).fg(c),
            _ => Cell::new(text),
        }
    }
}

/// Where and how a command's results are printed. Cheap to clone; every clone shares the one
/// owner of stderr.
#[derive(Clone)]
pub struct Output {
    pub format: Format,
    pub stdout: Style,
    pub stderr: Style,
    pub words: Words,
    /// `--quiet`: no notes, no progress; warnings and errors still show.
    pub quiet: bool,
    /// Whether stderr is a terminal (progress is drawn only there).
    pub stderr_tty: bool,
    /// Whether stdout is a terminal.
    pub stdout_tty: bool,
    term: Arc<Term>,
}

/// The one owner of stderr.
#[derive(Default)]
struct Term {
    /// Warnings already given once (`warn_once`).
    warned: Mutex<HashSet<String>>,
    lock: Mutex<()>,
    /// A progress bar being drawn: every other line on stderr passes above it.
    bar: Mutex<Option<indicatif::ProgressBar>>,
    /// Whether that bar is a bulk run's progress (not a spinner).
    progress: std::sync::atomic::AtomicBool,
    /// A wait the progress bar shows (a 429's back-off): until when, and why.
    wait: Mutex<Option<(std::time::Instant, String)>>,
}

/// What the terminal is, as the settings saw it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Tty {
    pub stdout: bool,
    pub stderr: bool,
    /// `NO_COLOR` is set (to anything but the empty string), or `TERM=dumb`.
    pub no_color: bool,
    /// Tables in ASCII (`TERM=dumb`, or a locale that is not UTF-8).
    pub ascii: bool,
    /// The width prose on each stream is wrapped to (see [`Style::width`]).
    pub stdout_width: Option<usize>,
    pub stderr_width: Option<usize>,
}

/// The width of the terminal on file descriptor `fd`, when it is one and reports a width.
pub fn terminal_width(fd: i32) -> Option<usize> {
    // SAFETY: TIOCGWINSZ fills a winsize struct that lives on this stack frame; a descriptor that
    // is not a terminal makes the call fail, and nothing is read then.
    unsafe {
        let mut size: libc::winsize = std::mem::zeroed();
        if libc::ioctl(fd, libc::TIOCGWINSZ, &mut size) == 0 && size.ws_col > 0 {
            Some(usize::from(size.ws_col))
        } else {
            None
        }
    }
}

impl Output {
    pub fn new(format: Format, color: ColorChoice, tty: Tty) -> Output {
        let allowed = |is_tty: bool| match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_tty && !tty.no_color,
        };
        Output {
            format,
            stdout: Style {
                color: allowed(tty.stdout),
                width: tty.stdout_width,
                long: false,
                ascii: tty.ascii,
            },
            stderr: Style {
                color: allowed(tty.stderr),
                width: tty.stderr_width,
                long: false,
                ascii: tty.ascii,
            },
            words: Words::default(),
            quiet: false,
            stderr_tty: tty.stderr,
            stdout_tty: tty.stdout,
            term: Arc::new(Term::default()),
        }
    }

    /// The same output, quiet or not.
    pub fn with_quiet(mut self, quiet: bool) -> Output {
        self.quiet = quiet;
        self
    }

    /// The same output in another format (a bulk run's default).
    pub fn with_format(mut self, format: Format) -> Output {
        self.format = format;
        self
    }

    /// The same output, its reports in the long form or not.
    pub fn with_long(mut self, long: bool) -> Output {
        self.stdout.long = long;
        self.stderr.long = long;
        self
    }

    /// The same output, wording advice with these words.
    pub fn with_words(mut self, words: Words) -> Output {
        self.words = words;
        self
    }

    /// Prints one account's report through the format's sink, and the error that stopped it
    /// on stderr. In table form a run that never got to read a setting shows the error alone.
    pub fn emit_report(&self, report: &crate::report::Report) -> io::Result<()> {
        let nothing_read = report.error.is_some() && report.settings.is_empty();
        if self.is_machine() || !nothing_read {
            let mut sink = sink::for_reports(self, false);
            sink.begin()?;
            sink.item(report)?;
            sink.finish()?;
        }
        if let Some(e) = &report.error {
            self.error_view(e);
        }
        Ok(())
    }

    /// For a command that failed before it had anything to show: in JSON or NDJSON, the one
    /// object the command prints, holding only the error (`{"schema": 1, "error": {…}}`).
    pub fn print_error_object(&self, err: &Error) -> io::Result<()> {
        #[derive(Serialize)]
        struct Failed {
            schema: u32,
            tool: crate::report::Tool,
            error: ErrorView,
        }
        let failed = Failed {
            schema: 1,
            tool: crate::report::Tool::default(),
            error: err.into(),
        };
        let text = match self.format {
            Format::Json => serde_json::to_string_pretty(&failed)?,
            Format::Ndjson => serde_json::to_string(&failed)?,
            Format::Table | Format::Csv | Format::Junit => return Ok(()),
        };
        write_stdout(&format!("{}\n", json_text(&text)))
    }

    pub fn is_machine(&self) -> bool {
        self.format != Format::Table
    }

    /// Prints a view to stdout. A closed pipe (`| head`) is not an error.
    pub fn print<V: View>(&self, view: &V) -> io::Result<()> {
        let text = self.render(view)?;
        write_stdout(&text)
    }

    pub fn render<V: View>(&self, view: &V) -> io::Result<String> {
        Ok(match self.format {
            Format::Table => view.table(&self.stdout, &self.words),
            Format::Json => {
                let mut s = json_text(&serde_json::to_string_pretty(view)?);
                s.push('\n');
                s
            }
            Format::Ndjson => {
                let mut s = json_text(&serde_json::to_string(view)?);
                s.push('\n');
                s
            }
            Format::Junit => {
                return Err(io::Error::other("--format junit is only for audit"));
            }
            Format::Csv => {
                let mut csv = Csv::default();
                view.csv(&mut csv);
                csv.take()
            }
        })
    }

    /// `linkedin-privacy: error: …` and, where one helps, a hint line. The message may quote a
    /// server, so it is cleaned before the colour is added.
    pub fn error(&self, err: &Error) {
        self.error_view(&err.into());
    }

    /// An error kept in a report (its message already cleaned), with its hint.
    pub fn error_view(&self, err: &ErrorView) {
        let s = &self.stderr;
        let message = text::clean_line(&err.message, 2 * text::MAX_SHOWN);
        let mut out = s.wrap(
            &format!("linkedin-privacy: {} {message}", s.red("error:")),
            "  ",
        );
        out.push('\n');
        if let Some(hint) = &err.hint {
            let hint = text::clean_line(&self.words.hint(hint), 2 * text::MAX_SHOWN);
            out.push_str(&s.wrap(&format!("  {} {hint}", s.bold("hint:")), "        "));
            out.push('\n');
        }
        self.stderr_write(&out);
    }

    pub fn warn(&self, message: &str) {
        let message = text::clean_line(message, 2 * text::MAX_SHOWN);
        let mut out = self.stderr.wrap(
            &format!(
                "linkedin-privacy: {} {message}",
                self.stderr.yellow("warning:")
            ),
            "  ",
        );
        out.push('\n');
        self.stderr_write(&out);
    }

    /// A warning given once per run, however many accounts meet the same thing.
    pub fn warn_once(&self, message: &str) {
        let first = self
            .term
            .warned
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(message.to_string());
        if first {
            self.warn(message);
        }
    }

    /// A line for the person at the terminal, on stderr so it never mixes with data. The text
    /// is the tool's own; server text in it must already be cleaned. Nothing with `--quiet`.
    pub fn note(&self, message: &str) {
        if !self.quiet {
            self.stderr_write(&format!("{}\n", self.stderr.wrap(message, "  ")));
        }
    }

    /// A run's summary on stderr; like every note, not with `--quiet` (the data alone).
    pub fn summary(&self, message: &str) {
        self.note(message);
    }

    /// A dimmed note (the sandbox banner).
    pub fn quiet_note(&self, message: &str) {
        let dim = self.stderr.dim(message);
        self.note(&dim);
    }

    /// Everything on stderr goes through here, one whole piece at a time, above the progress
    /// bar when one is drawn.
    fn stderr_write(&self, text: &str) {
        let _turn = self.term.lock.lock().unwrap_or_else(|p| p.into_inner());
        let bar = self
            .term
            .bar
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let write = || {
            let _ = io::stderr().lock().write_all(text.as_bytes());
        };
        match bar {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }

    /// Whether a bulk run's progress bar is drawn (it says how the run goes: no spinner, no
    /// line per wait).
    pub fn has_bar(&self) -> bool {
        self.term.progress.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Whether any bar is drawn on stderr (a spinner then stays away).
    pub fn drawing(&self) -> bool {
        self.term
            .bar
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Shows a wait on the bulk run's progress bar, counting down until it is over: `why` is
    /// short (`429`).
    pub fn bar_wait(&self, duration: std::time::Duration, why: &str) {
        let until = std::time::Instant::now() + duration;
        let mut wait = self.term.wait.lock().unwrap_or_else(|p| p.into_inner());
        // The longest wait shows: the run goes on once it is over.
        if wait.as_ref().is_none_or(|(end, _)| *end < until) {
            *wait = Some((until, why.to_string()));
        }
    }

    /// Marks a bulk run's progress bar as drawn, or gone.
    pub(crate) fn set_progress(&self, on: bool) {
        self.term
            .progress
            .store(on, std::sync::atomic::Ordering::SeqCst);
    }

    /// Draws (or, with `None`, stops drawing) a progress bar under everything else on stderr.
    pub(crate) fn set_bar(&self, bar: Option<indicatif::ProgressBar>) {
        // A signal ends the run at once: the bar must not stay on the screen.
        crate::interrupt::on_interrupt_clear(
            bar.clone()
                .map(|b| Box::new(move || b.finish_and_clear()) as Box<dyn Fn() + Send>),
        );
        *self.term.bar.lock().unwrap_or_else(|p| p.into_inner()) = bar;
    }

    /// Asks a question on the terminal (stderr) and reads a line from stdin.
    pub fn ask_line(&self, question: &str) -> crate::error::Result<String> {
        let _turn = self.term.lock.lock().unwrap_or_else(|p| p.into_inner());
        prompt::ask_line(question)
    }

    /// Asks on the terminal with echo off.
    pub fn ask_hidden(&self, question: &str) -> crate::error::Result<crate::secret::Secret> {
        let _turn = self.term.lock.lock().unwrap_or_else(|p| p.into_inner());
        prompt::ask_hidden(question)
    }
}

static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Standard output as a writer: a closed pipe (`| head`) is no error, but it is remembered (see
/// [`stdout_closed`]).
pub struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match io::stdout().lock().write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                STDOUT_CLOSED.store(true, std::sync::atomic::Ordering::SeqCst);
                Ok(buf.len())
            }
            other => other,
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match io::stdout().lock().flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                STDOUT_CLOSED.store(true, std::sync::atomic::Ordering::SeqCst);
                Ok(())
            }
            other => other,
        }
    }
}

/// Writes to standard output. A closed pipe (`| head`) is not an error, but it is remembered:
/// see [`stdout_closed`].
pub fn write_stdout(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        }
        other => other,
    }
}

/// Whether whoever reads standard output has gone: a long run stops instead of working on for
/// nobody.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(std::sync::atomic::Ordering::SeqCst)
}

/// JSON as printed: what JSON leaves unescaped but a terminal would obey is escaped.
pub fn json_text(json: &str) -> String {
    text::json_terminal_safe(json).into_owned()
}

/// Control characters out of a table cell; line breaks the table draws itself stay.
fn clean_cell(cell: &str) -> String {
    cell.lines()
        .map(|l| text::clean_line(l, usize::MAX))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_the_terminal_and_no_color() {
        let tty = Tty {
            stdout: true,
            stderr: false,
            no_color: false,
            ..Tty::default()
        };
        let out = Output::new(Format::Table, ColorChoice::Auto, tty);
        assert!(out.stdout.color && !out.stderr.color);
        let out = Output::new(
            Format::Table,
            ColorChoice::Auto,
            Tty {
                no_color: true,
                ..tty
            },
        );
        assert!(!out.stdout.color);
        let out = Output::new(Format::Table, ColorChoice::Always, Tty::default());
        assert!(out.stdout.color && out.stderr.color);
    }

    #[test]
    fn style_without_colour_adds_no_escapes() {
        let s = Style {
            color: false,
            width: None,
            long: false,
            ascii: false,
        };
        assert_eq!(s.red("x"), "x");
        let s = Style {
            color: true,
            width: None,
            long: false,
            ascii: false,
        };
        assert_eq!(s.red("x"), "\x1b[1;31mx\x1b[0m");
    }
}
