//! The second source: a settings page (`/mypreferences/d/…`) embeds the settings it shows as
//! JSON inside `<code>` elements (`included[]`, each with `key`, `value`,
//! `settingDisplayValues`). Read for `record` and `drift`; never for a verdict.

use std::time::Instant;

use serde_json::Value;

use crate::html::{self, Event};

/// The most `<code>` text kept from one page.
const MAX_CODE: usize = 4 * 1024 * 1024;

/// The settings a page embeds: every object of an `included` list (or a `settings` list) of a
/// `<code>` element's JSON that has a `key` and a `settingDisplayType`. `Err` when the page
/// could not be read in time; an empty list when it embeds none.
pub fn embedded_settings(page: &str, deadline: Option<Instant>) -> Result<Vec<Value>, String> {
    let mut blocks: Vec<String> = Vec::new();
    let mut inside = false;
    let mut kept = 0usize;
    html::scan(page, deadline, |e| match e {
        Event::Start { name: "code", .. } => {
            inside = true;
            blocks.push(String::new());
        }
        Event::End { name: "code" } => inside = false,
        Event::Text(t) if inside && kept + t.len() <= MAX_CODE => {
            kept += t.len();
            if let Some(b) = blocks.last_mut() {
                b.push_str(t);
            }
        }
        _ => {}
    })
    .map_err(|_| "the page took too long to read".to_string())?;
    let mut settings = Vec::new();
    for block in blocks {
        let Ok(json) = crate::json::from_slice(block.trim().as_bytes()) else {
            continue;
        };
        for list in ["included", "settings"] {
            let items = json
                .get(list)
                .or_else(|| json.get("data").and_then(|d| d.get(list)))
                .and_then(Value::as_array);
            for item in items.into_iter().flatten() {
                if item.get("key").is_some() && item.get("settingDisplayType").is_some() {
                    settings.push(item.clone());
                }
            }
        }
    }
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_come_out_of_escaped_code_elements() {
        let page = r#"<html><body><code style="display: none" id="bpr-guid-1">{&quot;data&quot;:{},&quot;included&quot;:[{&quot;key&quot;:&quot;discloseAsProfileViewer&quot;,&quot;settingDisplayType&quot;:&quot;RADIO&quot;,&quot;value&quot;:&quot;HIDE&quot;},{&quot;$type&quot;:&quot;other&quot;}]}</code>
            <code>not json</code><script>{"included":[{"key":"x","settingDisplayType":"TOGGLE"}]}</script></body></html>"#;
        let found = embedded_settings(page, None).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0]["value"], "HIDE");
        assert!(
            embedded_settings("<html>nothing</html>", None)
                .unwrap()
                .is_empty()
        );
    }
}
