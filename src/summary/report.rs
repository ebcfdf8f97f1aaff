//! The report a member makes of their own account and sends to an advocate: the audit's states,
//! when, which tool and catalog, and an integrity block. No session, no cookie, no e-mail
//! address; the member's name only when they ask for it. See docs/report-format.md.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::report::{Report, Verdict};

/// What a report file says it is.
pub const KIND: &str = "linkedin-privacy-report";
/// The report format this version writes and reads.
pub const SCHEMA: u64 = 1;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MemberReport {
    pub kind: String,
    pub schema: u64,
    /// A random id the member can quote (`lp-` and 16 hex digits): the same report sent twice
    /// is counted once.
    pub report_id: String,
    /// When the audit ran (RFC 3339, UTC).
    pub made_at: String,
    pub tool: ToolName,
    /// Which catalog the audit read (`sha256:` and 16 hex digits of its TOML).
    pub catalog: String,
    /// Only with `--with-identity`.
    pub member: Option<Member>,
    pub verdict: Verdict,
    pub settings: Vec<ReportedSetting>,
    /// The catalog's settings this audit did not read (`--setting`, `--group`): a summary never
    /// counts the member fully private while any is missing.
    pub not_read: Vec<String>,
    /// Why the audit stopped early (an error kind such as `throttled`), when it did.
    pub stopped: Option<String>,
    pub integrity: Option<Integrity>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ToolName {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Member {
    pub name: Option<String>,
    pub public_id: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReportedSetting {
    pub id: String,
    pub group: String,
    /// `on`, `off`, `not_offered`, `unknown`, or a many-valued setting's value.
    pub state: String,
    pub private: Option<bool>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Integrity {
    pub algorithm: String,
    /// What the digest covers, in words.
    pub covers: String,
    pub sha256: String,
}

const COVERS: &str = "the report without its integrity field, as JSON with object keys sorted by their UTF-8 bytes, no spaces, strings escaped as serde_json writes them (see docs/report-format.md)";

impl MemberReport {
    /// The report of one audit. `report_id` is random; the identity only when asked for.
    pub fn of(
        report: &Report,
        catalog: &str,
        report_id: String,
        with_identity: bool,
    ) -> MemberReport {
        let settings = report
            .settings
            .iter()
            .filter(|s| s.state != crate::report::State::Informational)
            .map(|s| ReportedSetting {
                id: s.id.clone(),
                group: crate::catalog::Group::ALL
                    .iter()
                    .find(|(g, _, _)| *g == s.group)
                    .map_or("", |(_, name, _)| name)
                    .to_string(),
                state: s.state_name().to_string(),
                private: s.private,
            })
            .collect();
        let mut out = MemberReport {
            kind: KIND.to_string(),
            schema: SCHEMA,
            report_id,
            made_at: report.checked_at.clone(),
            tool: ToolName {
                name: "linkedin-privacy".to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
            },
            catalog: catalog.to_string(),
            member: with_identity.then(|| Member {
                name: report.account.name.clone(),
                public_id: report.account.public_id.clone(),
            }),
            verdict: report.verdict,
            settings,
            not_read: report.not_read.clone(),
            stopped: report.error.as_ref().map(|e| e.kind.as_str().to_string()),
            integrity: None,
        };
        out.integrity = Some(Integrity {
            algorithm: "sha256".to_string(),
            covers: COVERS.to_string(),
            sha256: digest(&out),
        });
        out
    }
}

/// The SHA-256 of the report's canonical form (its integrity field left out).
fn digest(r: &MemberReport) -> String {
    let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
    if let Value::Object(o) = &mut v {
        o.remove("integrity");
    }
    crate::linkedin::client::sha256_hex(canonical(&v).as_bytes())
}

/// Whether the integrity block matches the rest of the document, as it was read (so that a
/// field this version does not know is covered too).
pub fn intact(doc: &super::raw::Raw) -> bool {
    let Some(claimed) = doc
        .get("integrity")
        .and_then(|i| i.get("sha256"))
        .and_then(super::raw::Raw::as_str)
    else {
        return false;
    };
    let mut out = Vec::with_capacity(4096);
    doc.write_canonical(&mut out, Some("integrity"));
    crate::linkedin::client::sha256_hex(&out) == claimed
}

/// JSON with object keys sorted (by their UTF-8 bytes), no spaces, strings escaped as
/// serde_json writes them.
pub fn canonical(v: &Value) -> String {
    let mut out = Vec::new();
    write(v, &mut out, None);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes `v` canonically; `skip` is a key of the outermost object left out.
fn write(v: &Value, out: &mut Vec<u8>, skip: Option<&str>) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().filter(|k| Some(k.as_str()) != skip).collect();
            // serde_json's map is usually ordered already; sorted either way.
            if !keys.is_sorted() {
                keys.sort_unstable();
            }
            out.push(b'{');
            for (n, k) in keys.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                let _ = serde_json::to_writer(&mut *out, k);
                out.push(b':');
                write(&map[*k], out, None);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                write(item, out, None);
            }
            out.push(b']');
        }
        other => {
            let _ = serde_json::to_writer(&mut *out, other);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canonical_form_sorts_keys_and_drops_spaces() {
        let v: Value =
            serde_json::from_str(r#"{"b": [1, {"z": null, "a": "é\n"}], "a": true}"#).unwrap();
        assert_eq!(canonical(&v), r#"{"a":true,"b":[1,{"a":"é\n","z":null}]}"#);
    }

    #[test]
    fn a_changed_byte_shows() {
        let report = Report::new(
            crate::report::Identity::default(),
            vec![crate::report::SettingRow::bare(
                "generative-ai-training",
                crate::report::State::On,
                Some(false),
            )],
            "2026-12-01T08:00:00Z".to_string(),
        );
        let r = MemberReport::of(&report, "sha256:0123456789abcdef", "lp-00".into(), false);
        let mut v = serde_json::to_value(&r).unwrap();
        let read = |v: &Value| intact(&serde_json::from_str(&v.to_string()).unwrap());
        assert!(read(&v));
        v["settings"][0]["state"] = Value::String("off".into());
        assert!(!read(&v));
        assert!(r.member.is_none());
    }
}
