//! Text that came from a server, made safe to show: control characters (which a terminal would
//! obey: clear the screen, retitle the window, hide text) are removed, and values are quoted only
//! when short and clean, so a hostile reply can neither drive the terminal nor flood the output.

use serde_json::Value;

/// The most characters of a server-supplied string the tool ever shows.
pub const MAX_SHOWN: usize = 200;

/// Whether a character is one a terminal could act on, or one that reorders the text around it:
/// C0 controls (tab and newline included), DEL, C1 controls, and the bidirectional overrides and
/// isolates.
pub fn is_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// Whether a character is one a reader cannot see or tell from a plain space: format
/// characters (zero-width spaces and joiners, the byte-order mark, soft hyphens, invisible
/// operators, tags), variation selectors, and spaces other than the ASCII one.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}'
            | '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{1680}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{2000}'..='\u{200F}'
            | '\u{2028}'..='\u{202F}'
            | '\u{205F}'..='\u{206F}'
            | '\u{2800}'
            | '\u{3000}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D159}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    ) || is_control(c)
}

/// One line of server text, safe for a terminal: each run of control characters becomes one
/// space, the ends are trimmed, and more than `max` characters are cut with an ellipsis.
pub fn clean_line(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max.saturating_add(4)));
    let mut count = 0;
    let mut gap = false;
    for c in text.chars() {
        if is_control(c) || c.is_whitespace() {
            gap = !out.is_empty();
            continue;
        }
        if gap {
            if count + 1 >= max {
                out.push('…');
                return out;
            }
            out.push(' ');
            count += 1;
            gap = false;
        }
        if count >= max {
            out.push('…');
            return out;
        }
        out.push(c);
        count += 1;
    }
    out
}

/// Server text of several lines (an explanation, a page's text): control characters go, line
/// breaks and tabs stay.
pub fn clean_block(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max.saturating_add(4)));
    for (count, c) in text.chars().enumerate() {
        if count >= max {
            out.push('…');
            break;
        }
        if c == '\n' || c == '\t' || !is_control(c) {
            out.push(c);
        }
    }
    out
}

/// Whether `text` holds nothing a terminal could act on.
pub fn is_clean(text: &str) -> bool {
    !text.chars().any(is_control)
}

/// A JSON value from a reply, for a message: the value itself when it is short and clean, else
/// what kind of value it is and how big, never its content.
pub fn describe(value: &Value) -> String {
    const SHORT: usize = 40;
    let shown = value.to_string();
    if shown.chars().count() <= SHORT && is_clean(&shown) {
        return shown;
    }
    match value {
        Value::String(s) => format!("a string of {} characters", s.chars().count()),
        Value::Array(a) => format!("an array of {} items", a.len()),
        Value::Object(o) => format!("an object with {} keys", o.len()),
        Value::Number(_) => "a long number".to_string(),
        Value::Bool(_) | Value::Null => shown,
    }
}

/// A word from a reply that may echo what was sent (a sign-in result): never quoted, only its
/// length, so a server reflecting the request cannot put a password on the screen.
pub fn describe_word(word: &str) -> String {
    format!("a value of {} characters", word.chars().count())
}

/// JSON text with the control characters JSON itself leaves unescaped (C1 controls, the
/// bidirectional marks) written as `\uXXXX` escapes: the same JSON, safe on a terminal. They
/// can only occur inside strings, where an escape means the same character.
/// How many columns text takes on a terminal: its characters' widths (two for most CJK), without
/// the colour sequences (`ESC [ … m`) the tool itself adds.
pub fn visible_width(text: &str) -> usize {
    let mut width = 0;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        width += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
    }
    width
}

/// Text cut to at most `cols` terminal columns, with an ellipsis where it was cut, and padded
/// with spaces to exactly `cols` when `pad`. Control characters go first.
pub fn fit(text: &str, cols: usize, pad: bool) -> String {
    fit_with(text, cols, pad, "…")
}

/// [`fit`], cut with `mark` (`...` where only ASCII is drawn).
pub fn fit_with(text: &str, cols: usize, pad: bool, mark: &str) -> String {
    let clean = clean_line(text, usize::MAX);
    // A column narrower than the mark is cut without one.
    let (mark, mark_cols) = match visible_width(mark) {
        w if w < cols => (mark, w),
        _ => ("", 0),
    };
    let mut out = String::with_capacity(clean.len().min(cols * 4));
    let mut used = 0;
    if visible_width(&clean) <= cols {
        out.push_str(&clean);
        used = visible_width(&clean);
    } else if cols > 0 {
        for c in clean.chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if used + w + mark_cols > cols {
                break;
            }
            out.push(c);
            used += w;
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        used = visible_width(&out) + mark_cols;
        out.push_str(mark);
    }
    if pad {
        out.extend(std::iter::repeat_n(' ', cols.saturating_sub(used)));
    }
    out
}

/// Prose wrapped at spaces to `width` columns, each line after the first of a paragraph starting
/// with `indent`. A span in backticks (a command to copy) and a word longer than a line (an
/// address) are never broken; line breaks in the text stay.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (n, paragraph) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        // Words, with a backticked span kept as one; a backtick never closed (server text) keeps
        // nothing together.
        let mut words: Vec<String> = Vec::new();
        let mut open: Option<usize> = None;
        for word in paragraph.split(' ') {
            match words.last_mut() {
                Some(last) if open.is_some() => {
                    last.push(' ');
                    last.push_str(word);
                }
                _ => words.push(word.to_string()),
            }
            if word.matches('`').count() % 2 == 1 {
                open = match open {
                    Some(_) => None,
                    None => Some(words.len() - 1),
                };
            }
        }
        if let Some(from) = open {
            let unclosed = words.split_off(from);
            words.extend(
                unclosed
                    .iter()
                    .flat_map(|w| w.split(' '))
                    .map(str::to_string),
            );
        }
        let mut line = 0;
        // Whether the line holds nothing yet (but its indent): a word always goes there.
        let mut fresh = true;
        for (i, word) in words.iter().enumerate() {
            let w = visible_width(word);
            if i > 0 {
                if !fresh && line + 1 + w > width {
                    out.push('\n');
                    out.push_str(indent);
                    line = visible_width(indent);
                } else {
                    out.push(' ');
                    line += 1;
                }
            }
            out.push_str(word);
            line += w;
            fresh = false;
        }
    }
    out
}

/// `" line N"` for a parser's error span in `text` (TOML, JSON), or nothing without one.
pub fn line_of(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    match span {
        Some(span) => {
            let end = span.start.min(text.len());
            let line = text.as_bytes()[..end]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            format!(" line {line}")
        }
        None => String::new(),
    }
}

/// The day of an RFC 3339 time read from a file (the history): its first ten characters,
/// cleaned, whatever the file holds.
pub fn day_of(time: &str) -> String {
    let head: String = time.chars().take(10).collect();
    clean_line(&head, 10)
}

/// A word a POSIX shell reads back as itself: as is when it holds only characters no shell
/// treats specially, otherwise in single quotes (a single quote inside becomes `'\''`).
pub fn shell_word(word: &str) -> std::borrow::Cow<'_, str> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./:@=,+-%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        return std::borrow::Cow::Borrowed(word);
    }
    std::borrow::Cow::Owned(format!("'{}'", word.replace('\'', "'\\''")))
}

pub fn json_terminal_safe(json: &str) -> std::borrow::Cow<'_, str> {
    // Printable ASCII holds no control character: that is checked a byte at a time, which is
    // most of what an export or a report is.
    let printable = |b: &u8| (0x20..0x7f).contains(b) || matches!(b, b'\n' | b'\t' | b'\r');
    if json.as_bytes().iter().all(printable) || !json.chars().any(is_control) {
        return json.into();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_control(c) && !matches!(c, '\n' | '\t' | '\r') {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// A CSV cell a spreadsheet will not run as a formula: cells starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return get a leading apostrophe, as OWASP recommends.
pub fn csv_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[cfg(test)]
mod fit_tests {
    use super::*;

    #[test]
    fn fit_cuts_with_an_ellipsis_and_pads() {
        assert_eq!(fit("Ads beyond LinkedIn", 30, false), "Ads beyond LinkedIn");
        assert_eq!(fit("Use my data for training", 12, false), "Use my data…");
        assert_eq!(
            visible_width(&fit("Use my data for training", 12, false)),
            12
        );
        assert_eq!(fit("ab", 4, true), "ab  ");
        assert_eq!(visible_width(&fit("日本語のテキスト", 7, true)), 7);
        assert_eq!(fit("a\x1b[31mb", 10, false), "a [31mb");
        assert_eq!(fit("abc", 0, false), "");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prose_wraps_at_spaces_and_never_inside_a_command() {
        let text = "EXPOSED: turn it off with `linkedin-privacy --sandbox=demo opt-out --all` now, please, or later";
        let wrapped = wrap(text, 30, "  ");
        for line in wrapped.lines() {
            assert!(
                visible_width(line) <= 30 || line.contains('`'),
                "{line:?} in {wrapped}"
            );
        }
        assert!(wrapped.contains("`linkedin-privacy --sandbox=demo opt-out --all`"));
        assert_eq!(wrapped.replace("\n  ", " "), text);
        // Colour sequences take no room; an overlong word stays whole; line breaks stay.
        assert_eq!(visible_width("\x1b[1;31mEXPOSED:\x1b[0m"), 8);
        assert_eq!(
            wrap("a https://example.com/a/long/path b", 10, ""),
            "a\nhttps://example.com/a/long/path\nb"
        );
        assert_eq!(wrap("one\ntwo", 80, ""), "one\ntwo");
        // An unclosed backtick holds nothing together; wide characters count double.
        let wrapped = wrap("a `b c d e f g h i j k l m n o p", 10, "");
        assert!(wrapped.lines().all(|l| visible_width(l) <= 10), "{wrapped}");
        assert_eq!(visible_width("漢字"), 4);
        let cjk = wrap("漢字漢字 漢字漢字 漢字漢字", 10, "");
        assert!(cjk.lines().all(|l| visible_width(l) <= 10), "{cjk}");
    }

    #[test]
    fn shell_words_read_back_as_themselves() {
        assert_eq!(shell_word("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(shell_word("work-2"), "work-2");
        assert_eq!(shell_word(""), "''");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("x;rm -rf ~"), "'x;rm -rf ~'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word("$(id)`id`"), "'$(id)`id`'");
    }

    #[test]
    fn control_sequences_never_survive() {
        let hostile = "Ada\x1b[2J\x1b]0;owned\x07 Love\u{9b}31mlace\u{202e}\r\n";
        let clean = clean_line(hostile, MAX_SHOWN);
        assert!(is_clean(&clean), "{clean:?}");
        assert_eq!(clean, "Ada [2J ]0;owned Love 31mlace");
        assert_eq!(clean_block("a\nb\x1bc\x07", 100), "a\nbc");
    }

    #[test]
    fn long_text_is_cut() {
        let long = "x".repeat(10_000);
        assert_eq!(clean_line(&long, 10).chars().count(), 11);
        assert!(clean_line(&long, 10).ends_with('…'));
        assert_eq!(fit_with("abcdefghij", 8, true, "..."), "abcde...");
        assert_eq!(fit_with("abc", 8, true, "..."), "abc     ");
        assert_eq!(fit_with("abcdef", 2, false, "..."), "ab");
        assert_eq!(clean_line("  a   b  ", 10), "a b");
    }

    #[test]
    fn values_are_quoted_only_when_short_and_clean() {
        assert_eq!(describe(&json!("true")), "\"true\"");
        assert_eq!(describe(&json!(null)), "null");
        assert_eq!(
            describe(&json!("x".repeat(6_000_000))),
            "a string of 6000000 characters"
        );
        assert_eq!(
            describe(&json!("\u{9b}2J")),
            "a string of 3 characters",
            "C1 controls are not shown even though JSON does not escape them"
        );
        assert_eq!(describe(&json!([1, 2, 3])), "[1,2,3]");
        assert_eq!(
            describe_word("Hunter2-Secret.pw"),
            "a value of 17 characters"
        );
        assert_eq!(
            describe_word("session_password=hunter2&x"),
            "a value of 26 characters"
        );
    }

    #[test]
    fn json_keeps_its_meaning_and_loses_its_controls() {
        let v = serde_json::json!({"a": "x\u{9b}2J\u{202e}y\u{1b}", "b": [1, "ok"]});
        let text = serde_json::to_string(&v).unwrap();
        let safe = json_terminal_safe(&text);
        assert!(is_clean(&safe.replace('\n', "")), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn csv_formulas_are_neutralised() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(csv_safe(bad).starts_with('\''), "{bad}");
        }
        assert_eq!(csv_safe("Ada"), "Ada");
    }
}
