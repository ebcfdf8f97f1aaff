//! The standalone page: the walk through LinkedIn's form and every value with a copy button.

use super::fill::Filled;
use super::lang::Lang;
use super::ui::ui;
use crate::pages::esc as escape;

/// A standalone page in `lang`: the walk through the form (`steps`, worded by the caller), then
/// every value with a copy button, the option to pick as what to pick, and the confirmation
/// checkbox as a checkbox with what to do. It submits nothing. Opened as `PAGE#selftest`, it
/// presses every copy button itself and leaves on each what it copied (`data-copied`) and
/// whether the clipboard took it (`data-result`), for a test in a real browser.
pub fn html_page(url: &str, fields: &[Filled], lang: Lang, steps: &[String]) -> String {
    let ui = ui(lang);
    let mut rows = String::new();
    for (n, f) in fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.kind != "hidden")
    {
        let label = escape(f.label.as_deref().unwrap_or(&f.name));
        let shown = f
            .choice
            .clone()
            .or_else(|| f.value.clone())
            .unwrap_or_default();
        let body = match f.kind.as_str() {
            "checkbox" => format!(
                "<label class=\"check\"><input type=\"checkbox\" disabled> {label}</label>\n<p class=\"tick\">{}</p>",
                escape(ui.tick)
            ),
            "select" | "radio" if f.value.is_some() => format!(
                "<label>{label}</label>\n<p class=\"pick\"><strong>{}:</strong> {}</p>",
                escape(ui.pick),
                escape(&shown)
            ),
            _ if f.value.is_none() => format!(
                "<label>{label}</label>\n<p class=\"todo\">{}</p>",
                escape(ui.yourself)
            ),
            "textarea" => format!(
                "<label for=\"f{n}\">{label}</label>\n<div class=\"row\"><textarea id=\"f{n}\" readonly rows=\"20\">{}</textarea><button type=\"button\" data-copy=\"f{n}\">{}</button></div>",
                escape(&shown),
                escape(ui.copy)
            ),
            _ => format!(
                "<label for=\"f{n}\">{label}</label>\n<div class=\"row\"><input id=\"f{n}\" readonly value=\"{}\"><button type=\"button\" data-copy=\"f{n}\">{}</button></div>",
                escape(&shown),
                escape(ui.copy)
            ),
        };
        rows.push_str(&format!("<div class=\"field\">{body}</div>\n"));
    }
    let steps: String = steps
        .iter()
        .map(|s| format!("<li>{}</li>\n", escape(s)))
        .collect();
    format!(
        r##"{head}<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1d2226; }}
.field {{ margin: 1.2rem 0; }}
label {{ display: block; font-weight: 600; }}
.row {{ display: flex; gap: .5rem; align-items: flex-start; }}
input, textarea {{ flex: 1; font: inherit; padding: .4rem; border: 1px solid #8c8c8c; border-radius: 4px; }}
button {{ font: inherit; padding: .4rem .9rem; border-radius: 4px; border: 1px solid #0a66c2; background: #0a66c2; color: white; cursor: pointer; }}
.pick {{ padding: .5rem .7rem; border-left: 4px solid #0a66c2; background: #eef3f8; margin: .3rem 0; }}
.check input {{ width: 1.2rem; height: 1.2rem; vertical-align: middle; }}
.tick, .todo {{ color: #b24020; margin: .2rem 0; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p><a href="{url}" target="_blank" rel="noopener noreferrer">{url}</a></p>
<h2>{walk}</h2>
<ol>
{steps}</ol>
<h2>{values}</h2>
{rows}<p>{nothing_sent}</p>
<script>
(function () {{
  function viaSelection(text) {{
    var t = document.createElement("textarea");
    t.value = text;
    document.body.appendChild(t);
    t.select();
    var ok = false;
    try {{ ok = document.execCommand("copy"); }} catch (e) {{ ok = false; }}
    t.remove();
    return ok;
  }}
  function copy(text, done) {{
    if (navigator.clipboard && navigator.clipboard.writeText) {{
      navigator.clipboard.writeText(text).then(function () {{ done(true); }}, function () {{ done(viaSelection(text)); }});
    }} else {{
      done(viaSelection(text));
    }}
  }}
  var buttons = document.querySelectorAll("button[data-copy]");
  buttons.forEach(function (b) {{
    b.addEventListener("click", function () {{
      var text = document.getElementById(b.dataset.copy).value;
      b.dataset.copied = text;
      copy(text, function (ok) {{
        b.dataset.result = ok ? "copied" : "failed";
        if (ok) {{ b.textContent = {copied}; }}
      }});
    }});
  }});
  if (location.hash === "#selftest") {{
    buttons.forEach(function (b) {{ b.click(); }});
  }}
}})();
</script>
</body>
</html>
"##,
        head = crate::pages::head(lang.code(), &escape(ui.title), ""),
        title = escape(ui.title),
        walk = escape(ui.walk),
        values = escape(ui.values),
        nothing_sent = escape(ui.nothing_sent),
        copied = serde_json::to_string(ui.copied)
            .unwrap_or_else(|_| "\"\"".to_string())
            .replace('<', "\\u003c"),
        url = escape(url),
    )
}
