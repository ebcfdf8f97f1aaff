//! The summary as one self-contained page: no network, nothing from elsewhere; the bars are SVG
//! the tool draws, the member table sorts with a few lines of inline script. Every text from a
//! report is escaped.

use std::fmt::Write as _;

use crate::pages::esc;

use super::Summary;

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// One bar: the segments' widths out of `width`, with their classes and counts.
fn bar(segments: &[(&str, u64)], total: u64, width: f64) -> String {
    let mut out = String::new();
    let mut x = 0.0;
    for (class, n) in segments {
        if *n == 0 || total == 0 {
            continue;
        }
        let w = *n as f64 * width / total as f64;
        let _ = write!(
            out,
            "<rect class=\"{class}\" x=\"{x:.2}\" y=\"0\" width=\"{w:.2}\" height=\"18\"><title>{class}: {n}</title></rect>"
        );
        x += w;
    }
    out
}

pub fn page(s: &Summary, made_at: &str) -> String {
    let mut settings = String::new();
    for c in &s.settings {
        let total = c.private + c.exposed + c.unknown + c.not_offered;
        let _ = writeln!(
            settings,
            "<tr class=\"setting\" data-id=\"{id}\" data-private=\"{p}\" data-exposed=\"{e}\" data-unknown=\"{u}\" data-not-offered=\"{n}\"><th scope=\"row\">{id}</th><td><svg class=\"bar\" width=\"320\" height=\"18\" viewBox=\"0 0 320 18\" role=\"img\" aria-label=\"{p} private, {e} exposed, {u} unknown, {n} not offered\">{bar}</svg></td><td class=\"num\">{p}</td><td class=\"num\">{e}</td><td class=\"num\">{u}</td><td class=\"num\">{n}</td></tr>",
            id = esc(&c.id),
            p = c.private,
            e = c.exposed,
            u = c.unknown,
            n = c.not_offered,
            bar = bar(
                &[
                    ("private", c.private),
                    ("exposed", c.exposed),
                    ("unknown", c.unknown),
                    ("not-offered", c.not_offered)
                ],
                total,
                320.0
            ),
        );
    }
    let mut members = String::new();
    for m in &s.rows {
        let _ = writeln!(
            members,
            "<tr class=\"member {v}\" data-verdict=\"{v}\"><td>{id}</td><td>{v}</td><td class=\"num\">{e}</td><td class=\"num\">{p}</td><td class=\"num\">{u}</td><td>{t}</td><td>{src}</td></tr>",
            v = m.verdict,
            id = esc(&m.id),
            e = m.exposed,
            p = m.private,
            u = m.unknown,
            t = esc(m.made_at.as_deref().unwrap_or("-")),
            src = esc(&m.source),
        );
    }
    let mut notes = String::new();
    if s.duplicate_count > 0 {
        let _ = write!(
            notes,
            "<h2>Duplicates ({})</h2>\n<p>The same report more than once: counted once.</p>\n<ul>",
            s.duplicate_count
        );
        for d in &s.duplicates {
            let _ = write!(
                notes,
                "<li><code>{}</code> in {}</li>",
                esc(&d.id),
                esc(&d.source)
            );
        }
        notes.push_str("</ul>\n");
    }
    if s.skipped_count > 0 {
        let _ = write!(
            notes,
            "<h2>Skipped ({})</h2>\n<p>Not counted: damaged, foreign, or written by a newer version.</p>\n<ul>",
            s.skipped_count
        );
        for k in &s.skipped {
            let _ = write!(notes, "<li>{} {}</li>", esc(&k.source), esc(&k.why));
        }
        notes.push_str("</ul>\n");
    }
    let versions = |m: &std::collections::BTreeMap<String, u64>| -> String {
        m.iter()
            .map(|(k, n)| format!("<code>{}</code> ({n})", esc(k)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let share = percent(s.fully_private, s.members);
    format!(
        r##"{head}<style>
body {{ font: 15px/1.5 system-ui, sans-serif; max-width: 64rem; margin: 2rem auto; padding: 0 1rem; color: #1d2226; }}
table {{ border-collapse: collapse; }}
th, td {{ padding: .2rem .5rem; text-align: left; border-bottom: 1px solid #e0e0e0; vertical-align: middle; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.private {{ fill: #1a7f37; }} .exposed {{ fill: #cf222e; }} .unknown {{ fill: #8c959f; }} .not-offered {{ fill: #d0d7de; }}
tr.member.exposed td:nth-child(2) {{ color: #cf222e; font-weight: 600; }}
tr.member.private td:nth-child(2) {{ color: #1a7f37; }}
th[data-sort] {{ cursor: pointer; text-decoration: underline dotted; }}
.big {{ font-size: 2.2rem; font-weight: 700; }}
.key span {{ display: inline-block; width: .9rem; height: .9rem; vertical-align: middle; margin: 0 .3rem 0 1rem; }}
</style>
</head>
<body>
<h1>Where the group stands</h1>
<p>From {members} file(s) or line(s) that claim to be members' reports, in {files} file(s), gathered {made_at}. The tool used nobody's session; a report's digest shows accidental damage, not who made it.</p>
<p><span class="big" id="share" data-fully-private="{fully_private}" data-members="{members}">{share:.0} %</span> fully private ({fully_private} of {members}); {exposed} exposed, {incomplete} incomplete.</p>
<svg width="640" height="18" viewBox="0 0 640 18" role="img" aria-label="{fully_private} of {members} fully private">{share_bar}</svg>
<h2>Settings</h2>
<p class="key"><span style="background:#1a7f37"></span>private<span style="background:#cf222e"></span>exposed<span style="background:#8c959f"></span>unknown<span style="background:#d0d7de"></span>not offered</p>
<table id="settings">
<thead><tr><th>Setting</th><th>Members</th><th>Private</th><th>Exposed</th><th>Unknown</th><th>Not offered</th></tr></thead>
<tbody>
{settings}</tbody>
</table>
<p>Oldest report: {oldest}. Catalogs: {catalogs}. Tool versions: {tools}.</p>
<h2>Members</h2>
<table id="members">
<thead><tr><th data-sort="text">Report</th><th data-sort="text">Verdict</th><th data-sort="num">Exposed</th><th data-sort="num">Private</th><th data-sort="num">Unknown</th><th data-sort="text">Made</th><th data-sort="text">File</th></tr></thead>
<tbody>
{member_rows}</tbody>
</table>
{notes}<script>
(function () {{
  var table = document.getElementById("members");
  table.querySelectorAll("th[data-sort]").forEach(function (th, col) {{
    var up = true;
    th.addEventListener("click", function () {{
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var num = th.dataset.sort === "num";
      rows.sort(function (a, b) {{
        var x = a.cells[col].textContent, y = b.cells[col].textContent;
        var d = num ? (Number(x) - Number(y)) : x.localeCompare(y);
        return up ? d : -d;
      }});
      up = !up;
      rows.forEach(function (r) {{ body.appendChild(r); }});
    }});
  }});
}})();
</script>
</body>
</html>
"##,
        head = crate::pages::head(
            "en",
            "LinkedIn privacy: where the group stands",
            "img-src data:"
        ),
        members = s.members,
        files = s.files,
        made_at = esc(made_at),
        fully_private = s.fully_private,
        exposed = s.exposed,
        incomplete = s.incomplete,
        share_bar = bar(
            &[
                ("private", s.fully_private),
                ("exposed", s.exposed),
                ("unknown", s.incomplete)
            ],
            s.members,
            640.0
        ),
        oldest = s
            .oldest
            .as_ref()
            .map(|o| format!(
                "{} (<code>{}</code>, {})",
                esc(&o.made_at),
                esc(&o.id),
                esc(&o.source)
            ))
            .unwrap_or_else(|| "-".to_string()),
        catalogs = versions(&s.catalogs),
        tools = versions(&s.tools),
        member_rows = members,
    )
}
