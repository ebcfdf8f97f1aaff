//! Knowing when LinkedIn changes: [`record`] fetches every endpoint the tool only reads and keeps
//! each reply, redacted, as a recording ([`recording`]); [`compare`] compares two recordings by
//! shape; [`selfcheck`] proves the fixtures parse and the sandbox serves what they say.

pub mod assumptions;
pub mod compare;
mod normal;
pub mod page;
pub mod recording;
pub mod redact;
pub mod selfcheck;
mod spill;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use reqwest::header::{self, HeaderMap};

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::linkedin::endpoints::{self, Access, Endpoint};
use crate::linkedin::{Exchange, Member, Observer};
use recording::{KIND, Manifest, ReplyEntry, Tool, read_manifest, sha256};
use redact::Redactor;

/// One exchange as the recorder kept it, before redaction.
struct Captured {
    endpoint: &'static Endpoint,
    arg: String,
    status: Option<u16>,
    content_type: Option<String>,
    headers: BTreeMap<String, String>,
    set_cookie: Vec<String>,
    body: Option<spill::Kept>,
    error: Option<String>,
}

/// An observer that keeps the last exchange of every read-only endpoint, until it is redacted
/// and written: in memory, a large reply sealed in a temporary file (see [`spill`]).
#[derive(Default)]
pub struct Recorder {
    captured: Mutex<Vec<Captured>>,
    keeper: Mutex<spill::Keeper>,
}

impl Recorder {
    fn keep(&self, c: Captured) {
        let mut all = self.captured.lock().unwrap_or_else(|p| p.into_inner());
        // A retried request: the last attempt is the reply.
        all.retain(|x| !(std::ptr::eq(x.endpoint, c.endpoint) && x.arg == c.arg));
        all.push(c);
    }
}

fn headers_that_matter(h: &HeaderMap) -> (Option<String>, BTreeMap<String, String>, Vec<String>) {
    let text = |name| {
        h.get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let mut kept = BTreeMap::new();
    if let Some(r) = text(header::RETRY_AFTER) {
        kept.insert("retry-after".to_string(), crate::text::clean_line(&r, 64));
    }
    if let Some(l) = text(header::LOCATION) {
        // The path only: a query may carry anything.
        let path = l.split(['?', '#']).next().unwrap_or("").to_string();
        kept.insert("location".to_string(), crate::text::clean_line(&path, 200));
    }
    // A cookie's name only, and only when it is one: the part before `=`, a short token. A
    // header without `=` (which may be nothing but a value) is never kept as a name.
    let cookies = h
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| {
            let pair = v
                .as_bytes()
                .split(|b| *b == b';')
                .next()
                .unwrap_or_default();
            let name = pair
                .iter()
                .position(|b| *b == b'=')
                .map(|at| pair[..at].trim_ascii())
                .filter(|n| {
                    !n.is_empty()
                        && n.len() <= 64
                        && n.iter()
                            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(b))
                });
            match name {
                Some(n) => String::from_utf8_lossy(n).into_owned(),
                None => "(a cookie without a name)".to_string(),
            }
        })
        .collect();
    (text(header::CONTENT_TYPE), kept, cookies)
}

impl Observer for Recorder {
    fn observe(&self, ex: &Exchange<'_>) {
        if ex.endpoint.access != Access::Read {
            return;
        }
        let (content_type, headers, set_cookie) = headers_that_matter(ex.headers);
        self.keep(Captured {
            endpoint: ex.endpoint,
            arg: ex
                .endpoint
                .matches(ex.endpoint.method, ex.path)
                .unwrap_or("")
                .to_string(),
            status: Some(ex.status),
            content_type,
            headers,
            set_cookie,
            body: ex.body.map(|b| {
                self.keeper
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .keep(b)
            }),
            error: None,
        });
    }

    fn failed(&self, endpoint: &'static Endpoint, path: &str, error: &Error) {
        if endpoint.access != Access::Read {
            return;
        }
        self.keep(Captured {
            endpoint,
            arg: endpoint
                .matches(endpoint.method, path)
                .unwrap_or("")
                .to_string(),
            status: None,
            content_type: None,
            headers: BTreeMap::new(),
            set_cookie: Vec::new(),
            body: None,
            error: Some(crate::text::clean_line(&error.to_string(), 200)),
        });
    }
}

/// A discovery category public sources show answering; recorded to settle the endpoint's
/// shape, though it holds no setting of the catalog.
pub const SEEN_CATEGORY: &str = "SIGN_IN_AND_SECURITY";

/// Fetches every endpoint the tool only reads, once each: `/me`, each card of the catalog,
/// each settings page (the second source), the discovery list of each category, the objection
/// form. Never a write, never a sign-in. A session, throttle or network failure stops it; any
/// other reply is recorded as it came.
pub fn fetch(member: &Member<'_>, catalog: &Catalog) -> Result<()> {
    let keep_going = |r: Result<()>| match r {
        Err(e) if e.ends_account() => Err(e),
        _ => Ok(()),
    };
    keep_going(member.me().map(|_| ()))?;
    let mut cards: Vec<&str> = Vec::new();
    let mut pages: Vec<&str> = Vec::new();
    for e in &catalog.settings {
        if let Some(card) = e.card.as_deref()
            && !cards.contains(&card)
        {
            cards.push(card);
        }
        if let Some(path) = e.page.strip_prefix("/mypreferences/d/")
            && e.card.is_some()
            && !pages.contains(&path)
        {
            pages.push(path);
        }
    }
    for card in cards {
        keep_going(member.card(card).map(|_| ()))?;
    }
    for path in pages {
        keep_going(member.settings_page(path).map(|_| ()))?;
    }
    let mut categories: Vec<&str> = catalog.discovery.iter().map(String::as_str).collect();
    if !categories.contains(&SEEN_CATEGORY) {
        categories.push(SEEN_CATEGORY);
    }
    for category in categories {
        keep_going(member.discovery(category).map(|_| ()))?;
    }
    keep_going(member.objection_form().map(|_| ()))
}

/// What `write` did.
pub struct Written {
    pub manifest: Manifest,
}

/// A whole recording: fetches every read-only endpoint as `member` (whose client `recorder`
/// observes), then redacts and writes the replies to `dir` (already prepared).
pub fn record(
    member: &Member<'_>,
    session: &crate::linkedin::Session,
    catalog: &Catalog,
    recorder: &Recorder,
    dir: &Path,
    recorded_at: String,
) -> Result<Manifest> {
    fetch(member, catalog)?;
    let mut redactor = Redactor::new(session.li_at(), session.jsessionid());
    Ok(write(dir, recorder, &mut redactor, recorded_at)?.manifest)
}

/// Redacts what the recorder kept and writes it to `dir` with its manifest. `dir` must be new,
/// empty, or an earlier recording (whose files are replaced); anything else is refused.
pub fn write(
    dir: &Path,
    recorder: &Recorder,
    redactor: &mut Redactor,
    recorded_at: String,
) -> Result<Written> {
    let earlier = prepare_dir(dir)?;
    let captured = recorder.captured.lock().unwrap_or_else(|p| p.into_inner());
    let keeper = recorder.keeper.lock().unwrap_or_else(|p| p.into_inner());
    // One kept body at a time, as it came.
    fn body_of<'c>(
        keeper: &spill::Keeper,
        c: &'c Captured,
    ) -> Result<Option<std::borrow::Cow<'c, [u8]>>> {
        c.body
            .as_ref()
            .map(|kept| keeper.read(kept))
            .transpose()
            .map_err(|e| Error::Io {
                what: "a reply kept for the recording".to_string(),
                detail: e.to_string(),
            })
    }
    // Every value to redact first (the member's, from `/me` and any other reply; the pages'
    // hidden inputs and emails), so each is found wherever it occurs.
    // A page that cannot be read within the time a page gets cannot be redacted: its body is
    // not written.
    let mut unreadable: Vec<*const Captured> = Vec::new();
    for c in captured.iter() {
        let Some(body) = body_of(&keeper, c)? else {
            continue;
        };
        let body = &*body;
        match crate::json::from_slice(body) {
            Ok(v) => redactor.learn(&v),
            Err(_) => {
                let deadline = std::time::Instant::now() + crate::objection::PARSE_LIMIT;
                let text = String::from_utf8_lossy(body);
                if redactor.learn_page(&text, Some(deadline)).is_err() {
                    unreadable.push(c as *const Captured);
                }
            }
        }
    }
    let mut replies = Vec::new();
    let mut order: Vec<&Captured> = captured.iter().collect();
    order.sort_by_key(|c| {
        let rank = endpoints::ALL
            .iter()
            .position(|e| std::ptr::eq(*e, c.endpoint))
            .unwrap_or(usize::MAX);
        (rank, c.arg.clone())
    });
    for c in order {
        let json = c
            .content_type
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().contains("json"));
        let too_slow = unreadable.contains(&(c as *const Captured));
        let body = body_of(&keeper, c)?;
        let (file, sha) = match body.as_deref() {
            Some(body) if !body.is_empty() && !too_slow => {
                // Strictly: a reply with a key twice is kept as text (redacted by value), so the
                // recording shows what came, not what "last one wins" makes of it.
                let redacted = match crate::json::from_slice(body) {
                    Ok(mut v) if json => {
                        redactor.json(&mut v);
                        let mut s = serde_json::to_string_pretty(&v).expect("JSON serializes");
                        s.push('\n');
                        s.into_bytes()
                    }
                    _ => redactor.text(&String::from_utf8_lossy(body)).into_bytes(),
                };
                let ext = if json { "json" } else { "html" };
                let name = if c.arg.is_empty() {
                    format!("{}.{ext}", c.endpoint.name)
                } else {
                    format!("{}-{}.{ext}", c.endpoint.name, safe_name(&c.arg))
                };
                // A whole new file replaces the old one: a link planted in an earlier recording
                // is replaced, never written through.
                crate::fsx::write_atomic(&dir.join(&name), &redacted, 0o600).map_err(|e| {
                    Error::Io {
                        what: dir.join(&name).display().to_string(),
                        detail: e.to_string(),
                    }
                })?;
                (Some(name), Some(sha256(&redacted)))
            }
            _ => (None, None),
        };
        replies.push(ReplyEntry {
            endpoint: c.endpoint.name.to_string(),
            arg: c.arg.clone(),
            status: c.status,
            content_type: c.content_type.as_deref().map(|t| redactor.text(t)),
            headers: c
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), redactor.text(v)))
                .collect(),
            set_cookie: c.set_cookie.iter().map(|n| redactor.text(n)).collect(),
            file,
            sha256: sha,
            error: match (&c.error, too_slow) {
                (Some(e), _) => Some(redactor.text(e)),
                (None, true) => Some(format!(
                    "the page took longer than {} s to read, so it could not be redacted and is not recorded",
                    crate::objection::PARSE_LIMIT.as_secs()
                )),
                (None, false) => None,
            },
        });
    }
    // Files of the earlier recording that this one does not have any more: only names this
    // tool gives its files (a manifest planted in a folder of the user's must not delete their
    // documents).
    if let Some(old) = earlier {
        for r in old.replies {
            if let Some(f) = r.file
                && !replies
                    .iter()
                    .any(|n| n.file.as_deref() == Some(f.as_str()))
                && is_reply_file_name(&f)
            {
                let _ = std::fs::remove_file(dir.join(f));
            }
        }
    }
    let manifest = Manifest {
        schema: 1,
        kind: KIND.to_string(),
        tool: Tool {
            name: "linkedin-privacy".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        recorded_at: Some(recorded_at),
        note: None,
        replies,
        fixtures: Vec::new(),
    };
    let mut text = serde_json::to_string_pretty(&manifest).expect("a manifest serializes");
    text.push('\n');
    crate::fsx::write_atomic(&dir.join("manifest.json"), text.as_bytes(), 0o600).map_err(|e| {
        Error::Io {
            what: dir.join("manifest.json").display().to_string(),
            detail: e.to_string(),
        }
    })?;
    Ok(Written { manifest })
}

/// Whether a file name is one `record` gives a reply: `ENDPOINT.json`, `ENDPOINT.html`, or
/// `ENDPOINT-ARG.json|html`, for an endpoint of the registry.
fn is_reply_file_name(name: &str) -> bool {
    let Some(stem) = name
        .strip_suffix(".json")
        .or_else(|| name.strip_suffix(".html"))
    else {
        return false;
    };
    endpoints::ALL.iter().any(|e| {
        stem == e.name
            || stem
                .strip_prefix(e.name)
                .and_then(|r| r.strip_prefix('-'))
                .is_some_and(|arg| {
                    !arg.is_empty()
                        && arg
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                })
    })
}

/// A card key as a file name: letters, digits, '-' and '_'.
fn safe_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Makes `dir` ready: created when missing; kept when empty or an earlier recording (whose
/// manifest is returned); refused otherwise, before anything is fetched or written.
pub fn prepare_dir(dir: &Path) -> Result<Option<Manifest>> {
    match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            crate::fsx::create_private_dir(dir).map_err(|e| Error::Io {
                what: dir.display().to_string(),
                detail: e.to_string(),
            })?;
            Ok(None)
        }
        Err(e) => Err(Error::usage(
            format!("cannot use {}: {e}", dir.display()),
            None,
        )),
        Ok(mut entries) => {
            if let Some(m) = read_manifest(dir)? {
                return Ok(Some(m));
            }
            if entries.next().is_none() {
                return Ok(None);
            }
            Err(Error::usage(
                format!(
                    "{} exists and is not an earlier recording; refusing to write into it",
                    dir.display()
                ),
                Some("give a new or empty folder, or one an earlier `record` wrote".to_string()),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_that_is_not_a_recording_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new");
        assert!(prepare_dir(&new).unwrap().is_none());
        assert!(new.is_dir());
        assert!(prepare_dir(&new).unwrap().is_none(), "empty is fine");
        std::fs::write(new.join("notes.txt"), "mine").unwrap();
        let err = prepare_dir(&new).unwrap_err();
        assert!(
            err.to_string().contains("not an earlier recording"),
            "{err}"
        );
        assert_eq!(safe_name("a/../b"), "a____b");
    }
}
