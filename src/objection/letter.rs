//! The words: the explanation a person pastes into the form, and the standalone page with a
//! copy button per field.

use super::fill::{Filled, Inputs, Region};
use crate::report::State;

pub fn explanation(i: &Inputs) -> String {
    let law = match i.region {
        Some(Region::Eea) => "Article 21 of the General Data Protection Regulation (GDPR)",
        Some(Region::Uk) => "Article 21 of the UK GDPR",
        Some(Region::Ch) => "Article 21 GDPR and the Swiss Federal Act on Data Protection",
        Some(Region::Other) | None => "the data protection law that applies to me",
    };
    let genai = if i.include_genai {
        ", and the use of my data to train generative AI models that create content"
    } else {
        ""
    };
    let mut parts = vec![
        "Dear LinkedIn Data Protection team,".to_string(),
        format!(
            "I object to LinkedIn's processing of my personal data for artificial intelligence and machine learning that LinkedIn bases on its legitimate interests: the non-generative models used to personalise my feed, recommendations and advertising, to moderate content, and to infer characteristics about me such as my age and gender{genai}."
        ),
        format!(
            "I make this objection under {law}. Please stop this processing of my personal data, confirm in writing when you have done so, and tell me which processing, if any, you consider you may continue, and on what grounds."
        ),
    ];
    match i.genai_state {
        State::Off => parts.push(
            "I have already turned off the setting \"Use my data for training content creation AI models\" (Settings > Data privacy); this objection covers the processing that setting does not.".to_string(),
        ),
        State::On => parts.push(format!(
            "The setting \"Use my data for training content creation AI models\" is still on in my account{}.",
            if i.include_genai { "; my objection covers that use of my data too" } else { "" }
        )),
        State::Chosen | State::NotOffered | State::Unknown | State::Informational => {}
    }
    if let Some(reason) = i.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        parts.push(format!("In my own words: {reason}"));
    }
    let mut who = i.name.clone().unwrap_or_default();
    if let Some(url) = i.profile_url() {
        who = format!("{who}\n{url}").trim().to_string();
    }
    parts.push(format!("Kind regards,\n{who}").trim().to_string());
    parts.join("\n\n")
}

/// Fills the form. `Err` when `--type` names no option.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A standalone page mirroring the form with the values filled and a copy button per field.
pub fn html_page(url: &str, fields: &[Filled]) -> String {
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
        let control = if f.kind == "textarea" {
            format!(
                "<textarea id=\"f{n}\" readonly rows=\"14\">{}</textarea>",
                escape(&shown)
            )
        } else {
            format!("<input id=\"f{n}\" readonly value=\"{}\">", escape(&shown))
        };
        let button = if f.value.is_some() {
            format!("<button type=\"button\" data-copy=\"f{n}\">Copy</button>")
        } else {
            "<span class=\"todo\">fill this in yourself</span>".to_string()
        };
        rows.push_str(&format!(
            "<div class=\"field\"><label for=\"f{n}\">{label}</label>\n<div class=\"row\">{control}{button}</div>\n<small>{} &middot; <code>{}</code></small></div>\n",
            escape(f.source.as_str()),
            escape(&f.name)
        ));
    }
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>LinkedIn Data Processing Objection Form, pre-filled</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1d2226; }}
.field {{ margin: 1.2rem 0; }}
label {{ display: block; font-weight: 600; }}
.row {{ display: flex; gap: .5rem; align-items: flex-start; }}
input, textarea {{ flex: 1; font: inherit; padding: .4rem; border: 1px solid #8c8c8c; border-radius: 4px; }}
button {{ font: inherit; padding: .4rem .9rem; border-radius: 4px; border: 1px solid #0a66c2; background: #0a66c2; color: white; cursor: pointer; }}
small {{ color: #56687a; }}
.todo {{ color: #b24020; }}
</style>
</head>
<body>
<h1>Data Processing Objection Form, pre-filled</h1>
<p>Open <a href="{url}" target="_blank" rel="noopener">LinkedIn's form</a> and copy each value into it.
This page submits nothing; only you send the form.</p>
{rows}<script>
document.querySelectorAll("button[data-copy]").forEach(function (b) {{
  b.addEventListener("click", function () {{
    var el = document.getElementById(b.dataset.copy);
    navigator.clipboard.writeText(el.value).then(function () {{ b.textContent = "Copied"; }});
  }});
}});
</script>
</body>
</html>
"#,
        url = escape(url),
    )
}
