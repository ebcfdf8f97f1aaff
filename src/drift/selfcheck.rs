//! `drift --self-check`: the fixtures keep the tool honest only if they are right. Every file
//! parses with today's parsers and reads as its manifest says, the manifest's hashes match,
//! every file's provenance is in fixtures/README.md, and the sandbox built from them serves
//! exactly what they say.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use super::recording::{Recording, sha256};
use super::{Recorder, compare};
use crate::audit::{Reading, read_card};
use crate::catalog::Catalog;
use crate::clock::Time;
use crate::linkedin::api::parse_me;
use crate::linkedin::{Client, NetConfig, Origin, Session};
use crate::objection;
use crate::report::State;
use crate::sandbox::{AccountsFile, CardSpec, Fault, Fixtures, Sandbox, SandboxOptions};

/// A reading's state by the name JSON gives it: `on`, `off`, `unknown`, or the value held.
fn state_name(r: &Reading) -> String {
    match &r.value {
        Some(v) => v.value.clone(),
        None => r.state.as_str().to_string(),
    }
}
use crate::secret::Secret;

#[derive(Clone, Debug, Serialize)]
pub struct Check {
    pub check: String,
    pub ok: bool,
    pub detail: Option<String>,
}

struct Checks(Vec<Check>);

impl Checks {
    fn add(&mut self, check: impl Into<String>, result: std::result::Result<(), String>) {
        self.0.push(Check {
            check: check.into(),
            ok: result.is_ok(),
            detail: result.err(),
        });
    }
}

/// Runs every check on `recording` (the fixtures); `dir` is its folder, `None` for the built-in
/// copy.
pub fn run(recording: &Recording, dir: Option<&Path>, time: &Time) -> Vec<Check> {
    let mut checks = Checks(Vec::new());
    let catalog = Catalog::builtin();
    let m = &recording.manifest;

    // The baseline replies: each file is there, its hash is the manifest's, and it reads.
    for r in &m.replies {
        let name = format!("reply {}", r.name());
        let Some(file) = &r.file else {
            checks.add(name, Err("the manifest names no file".to_string()));
            continue;
        };
        let result = recording
            .read(file)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                if r.sha256.as_deref() != Some(sha256(&bytes).as_str()) {
                    return Err(format!(
                        "{file}: the SHA-256 in the manifest is not the file's ({})",
                        sha256(&bytes)
                    ));
                }
                reads(&r.endpoint, &r.arg, &bytes, &catalog)
            });
        checks.add(name, result);
    }
    // Every other fixture: it parses as what the manifest says, and reads as expected.
    for fx in &m.fixtures {
        let result = recording
            .read(&fx.file)
            .map_err(|e| e.to_string())
            .and_then(|b| {
                let text = String::from_utf8_lossy(&b);
                match fx.parses_as.as_str() {
                    "card" => {
                        let json: Value =
                            serde_json::from_slice(&b).map_err(|e| format!("not JSON: {e}"))?;
                        let entry = fx
                            .entry
                            .as_deref()
                            .and_then(|id| catalog.get(id))
                            .and_then(|e| e.card_ref())
                            .ok_or("the manifest names no catalog entry to read it as")?;
                        let got = state_name(&read_card(&entry, &json));
                        let want = fx.expect.as_deref().unwrap_or("");
                        (got == want)
                            .then_some(())
                            .ok_or(format!("reads {got} where it must read {want}"))
                    }
                    "me" => serde_json::from_slice::<Value>(&b)
                        .map_err(|e| format!("not JSON: {e}"))
                        .and_then(|v| parse_me(&v).map(|_| ())),
                    "form" => {
                        let looks = objection::parse_form_within(&text, objection::PARSE_LIMIT)
                            .map_err(|_| "took too long to read".to_string())?
                            .is_some_and(|f| objection::looks_like_objection_form(&f));
                        let want = fx.expect.as_deref() == Some("objection-form");
                        (looks == want)
                            .then_some(())
                            .ok_or("is not read as the manifest says".to_string())
                    }
                    "discovery" => serde_json::from_slice::<Value>(&b)
                        .map_err(|e| format!("not JSON: {e}"))
                        .and_then(|v| match crate::linkedin::api::parse_discovery(&v) {
                            crate::linkedin::Discovery::Listed(..) => Ok(()),
                            crate::linkedin::Discovery::NotListed(why) => Err(why),
                        }),
                    "page" => text
                        .contains("<html")
                        .then_some(())
                        .ok_or("is not an HTML page".to_string()),
                    "accounts" => AccountsFile::parse(&text, &fx.file)
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                    other => Err(format!("no parser for {other:?}")),
                }
            });
        checks.add(format!("fixture {}", fx.file), result);
    }
    // Every file is accounted for, with its provenance in the README.
    let listed: Vec<String> = m
        .replies
        .iter()
        .filter_map(|r| r.file.clone())
        .chain(m.fixtures.iter().map(|f| f.file.clone()))
        .collect();
    let on_disk = files(recording, dir);
    let readme = recording
        .read("README.md")
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    for file in &on_disk {
        if file == "manifest.json" || file == "README.md" {
            continue;
        }
        let in_manifest = listed.contains(file);
        let provenance = readme.lines().any(|l| {
            l.contains(&format!("`{file}`"))
                && ["seen", "inferred", "chosen"].iter().any(|p| l.contains(p))
        });
        let result = match (in_manifest, provenance) {
            (true, true) => Ok(()),
            (false, _) => Err("the manifest does not say what it is".to_string()),
            (true, false) => {
                Err("fixtures/README.md gives no provenance (seen, inferred, chosen)".to_string())
            }
        };
        checks.add(format!("accounted for: {file}"), result);
    }
    for file in &listed {
        if !on_disk.contains(file) {
            checks.add(
                format!("accounted for: {file}"),
                Err("the manifest names a file that is not there".to_string()),
            );
        }
    }
    // The sandbox serves what the fixtures say.
    sandbox_serves_the_fixtures(&mut checks, recording, dir, time);
    checks.0
}

/// Reads a baseline reply with the tool's own parsers.
fn reads(endpoint: &str, arg: &str, bytes: &[u8], catalog: &Catalog) -> Result<(), String> {
    match endpoint {
        "me" => serde_json::from_slice::<Value>(bytes)
            .map_err(|e| format!("not JSON: {e}"))
            .and_then(|v| parse_me(&v).map(|_| ())),
        "card" => {
            let json: Value =
                serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
            reads_every_entry(catalog, |c| c.card.as_deref() == Some(arg), &json)
        }
        "settings-page" => {
            let page = format!("/mypreferences/d/{arg}");
            let settings = super::page::embedded_settings(&String::from_utf8_lossy(bytes), None)?;
            if settings.is_empty() {
                return Err("the page embeds no settings".to_string());
            }
            let json = serde_json::json!({ "settings": settings });
            reads_every_entry(catalog, |c| c.page == page, &json)
        }
        "discovery" => {
            let json: Value =
                serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
            match crate::linkedin::api::parse_discovery(&json) {
                crate::linkedin::Discovery::Listed(l, _) if !l.is_empty() => Ok(()),
                crate::linkedin::Discovery::Listed(..) => Err("lists no card".to_string()),
                crate::linkedin::Discovery::NotListed(why) => Err(why),
            }
        }
        // The Help Center's shell (no form: rendered in the browser) or a form that is the
        // objection form; a page with some other form is neither.
        "objection-form" => {
            match objection::parse_form_within(
                &String::from_utf8_lossy(bytes),
                objection::PARSE_LIMIT,
            )
            .map_err(|_| "took too long to read".to_string())?
            {
                None => Ok(()),
                Some(f) if objection::looks_like_objection_form(&f) => Ok(()),
                Some(_) => Err("holds a form that is not the objection form".to_string()),
            }
        }
        other => Err(format!("no reader for the endpoint {other:?}")),
    }
}

/// Every catalog entry `which` picks reads `json` with a proven state.
fn reads_every_entry(
    catalog: &Catalog,
    which: impl Fn(&crate::catalog::Entry) -> bool,
    json: &Value,
) -> Result<(), String> {
    let entries: Vec<&crate::catalog::Entry> = catalog
        .settings
        .iter()
        .filter(|e| e.card_ref().is_some() && which(e))
        .collect();
    if entries.is_empty() {
        return Err("no catalog entry reads it".to_string());
    }
    for e in entries {
        let r = read_card(&e.card_ref().expect("filtered"), json);
        if !matches!(r.state, State::On | State::Off | State::Chosen) {
            return Err(format!(
                "{} reads {}: {}",
                e.id,
                r.state.as_str(),
                r.reason.unwrap_or_default()
            ));
        }
    }
    Ok(())
}

/// The files of the recording.
fn files(recording: &Recording, dir: Option<&Path>) -> Vec<String> {
    match dir {
        None => crate::sandbox::fixtures::EMBEDDED
            .iter()
            .map(|(n, _)| n.to_string())
            .collect(),
        Some(root) => {
            let mut out = Vec::new();
            let mut stack = vec![root.to_path_buf()];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if let Ok(rel) = p.strip_prefix(root) {
                        out.push(rel.to_string_lossy().replace('\\', "/"));
                    }
                }
            }
            let _ = recording;
            out.sort();
            out
        }
    }
}

/// Starts the sandbox the fixtures describe and fetches every card of every account that serves
/// cards as they are: each must have its fixture's shape, and `/me` its fixture's member.
fn sandbox_serves_the_fixtures(
    checks: &mut Checks,
    recording: &Recording,
    dir: Option<&Path>,
    time: &Time,
) {
    let catalog = Catalog::builtin();
    let (file, fixtures) = match dir {
        None => (AccountsFile::builtin(), Fixtures::embedded()),
        Some(d) => match AccountsFile::load(&d.join("accounts.toml")) {
            Ok(x) => x,
            Err(e) => return checks.add("the sandbox starts", Err(e.to_string())),
        },
    };
    let sandbox = match Sandbox::start(SandboxOptions::default(), file.clone(), fixtures) {
        Ok(s) => s,
        Err(e) => return checks.add("the sandbox starts", Err(e.to_string())),
    };
    let recorder = Arc::new(Recorder::default());
    let client = Origin::parse(&sandbox.base_url())
        .and_then(|o| Client::new(NetConfig::new(o), time.clone()))
        .map(|c| c.observe(recorder.clone()));
    let client = match client {
        Ok(c) => c,
        Err(e) => return checks.add("the sandbox starts", Err(e.to_string())),
    };
    for account in &file.accounts {
        let serves = matches!(
            account.fault,
            Fault::None
                | Fault::PutForbidden
                | Fault::PutError
                | Fault::PutNoop
                | Fault::RereadThrottled
        );
        if !serves {
            continue;
        }
        let session = match Session::new(Secret::new(account.li_at.clone()), None, &*time.random) {
            Ok(s) => s,
            Err(e) => {
                checks.add(format!("sandbox {}", account.id), Err(e.to_string()));
                continue;
            }
        };
        let member = client.member(&session);
        // /me names the member of its fixture.
        let served = member.me().map_err(|e| e.to_string());
        let fixture = recording
            .read(&account.me)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice::<Value>(&b).map_err(|e| e.to_string()))
            .and_then(|v| parse_me(&v));
        checks.add(
            format!("sandbox {} serves /me", account.id),
            match (served, fixture) {
                (Ok(a), Ok(b)) if a == b => Ok(()),
                (Ok(a), Ok(b)) => Err(format!("serves {a:?} where the fixture says {b:?}")),
                (Err(e), _) | (_, Err(e)) => Err(e),
            },
        );
        // The cards the account has: the catalog's (with a preset), its own, less the absent.
        let mut cards: Vec<(String, String)> = Vec::new();
        if account.preset.is_some() {
            for e in &catalog.settings {
                if let Some(card) = &e.card
                    && !cards.iter().any(|(k, _)| k == card)
                {
                    cards.push((card.clone(), format!("cards/{card}.json")));
                }
            }
        }
        for (key, spec) in &account.cards {
            let source = match spec {
                CardSpec::File { file } => file.clone(),
                _ => format!("cards/{key}.json"),
            };
            cards.retain(|(k, _)| k != key);
            cards.push((key.clone(), source));
        }
        cards.retain(|(k, _)| !account.absent.contains(k));
        for (key, source) in &cards {
            let result = member
                .card(key)
                .map_err(|e| e.to_string())
                .and_then(|reply| match reply {
                    crate::linkedin::CardReply::Found(v) => Ok(v),
                    other => Err(format!("answers {other:?}")),
                })
                .and_then(|served| {
                    let fixture: Value = recording
                        .read(source)
                        .map_err(|e| e.to_string())
                        .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))?;
                    let same = compare::shape(&served) == compare::shape(&fixture);
                    same.then_some(())
                        .ok_or(format!("does not have the shape of {source}"))
                });
            checks.add(format!("sandbox {} serves card {key}", account.id), result);
        }
        for key in &account.absent {
            let result = match member.card(key) {
                Ok(crate::linkedin::CardReply::NotOffered) => Ok(()),
                Ok(other) => Err(format!("answers {other:?} where it must be not offered")),
                Err(e) => Err(e.to_string()),
            };
            checks.add(format!("sandbox {} lacks card {key}", account.id), result);
        }
    }
}
