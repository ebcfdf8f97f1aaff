//! Pages people can look at: one self-contained HTML file each (no network, nothing from
//! elsewhere; charts are SVG drawn here), every text escaped. The summary's page is in
//! `summary::html`; here, one member's audit ([`audit`]) and their history ([`history`]).

pub mod audit;
pub mod history;

/// Text for HTML: element content and quoted attribute values alike.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Every page's head up to its styles: the language, a strict Content-Security-Policy (inline
/// styles and scripts only, and `more` sources such as `img-src data:`), the title. `title` is
/// already escaped.
pub fn head(lang: &str, title: &str, more: &str) -> String {
    let more = if more.is_empty() {
        String::new()
    } else {
        format!("; {more}")
    };
    format!(
        r##"<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'{more}">
<title>{title}</title>
"##
    )
}

/// A whole page around `body`: [`head`], the shared styles.
pub fn shell(title: &str, body: &str) -> String {
    format!(
        r##"{head}<style>
body {{ font: 15px/1.5 system-ui, sans-serif; max-width: 64rem; margin: 2rem auto; padding: 0 1rem; color: #1d2226; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ padding: .3rem .5rem; text-align: left; border-bottom: 1px solid #e0e0e0; vertical-align: top; }}
.private {{ fill: #1a7f37; color: #1a7f37; }} .exposed {{ fill: #cf222e; color: #cf222e; font-weight: 600; }}
.unknown {{ fill: #8c959f; color: #57606a; }} .not-offered {{ fill: #d0d7de; color: #57606a; }}
code {{ background: #f3f4f6; padding: 0 .25rem; border-radius: 3px; }}
.meaning {{ color: #57606a; font-size: .92em; }}
.big {{ font-size: 2rem; font-weight: 700; }}
</style>
</head>
<body>
{body}
</body>
</html>
"##,
        head = head("en", &esc(title), ""),
    )
}

/// The class a state is drawn with.
pub fn class_of(private: Option<bool>, state: &str) -> &'static str {
    match (private, state) {
        (Some(true), _) => "private",
        (Some(false), _) => "exposed",
        (None, "not_offered") => "not-offered",
        _ => "unknown",
    }
}
