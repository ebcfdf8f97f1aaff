//! The settings catalog: which LinkedIn settings exist, where they live, and which state keeps
//! the member's data private. It is data (`src/catalog.toml`, embedded), not code, and
//! `--catalog FILE` replaces it.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Hint, Result};

/// The catalog compiled into the binary.
pub const DEFAULT_TOML: &str = include_str!("catalog.toml");

/// The id `opt-out` acts on when no `--setting` is given.
pub const DEFAULT_OPT_OUT: &str = "generative-ai-training";

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub schema: u32,
    #[serde(rename = "setting")]
    pub settings: Vec<Entry>,
    /// Which catalog this is, for the history: `sha256:` and the first 16 hex digits of the
    /// TOML text's SHA-256.
    #[serde(skip)]
    pub version: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub meaning: String,
    pub page: String,
    #[serde(default)]
    pub kind: Kind,
    pub card: Option<String>,
    pub setting: Option<String>,
    pub private_when: Option<Toggle>,
    pub provenance: Provenance,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    #[default]
    Toggle,
    Informational,
}

/// A toggle position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Toggle {
    On,
    Off,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    Seen,
    Inferred,
}

/// A toggle entry's card, with everything a read needs. Informational entries have none.
pub struct CardRef<'a> {
    pub card: &'a str,
    pub setting: Option<&'a str>,
    pub private_when: Toggle,
}

impl Entry {
    pub fn card_ref(&self) -> Option<CardRef<'_>> {
        match (self.kind, self.card.as_deref(), self.private_when) {
            (Kind::Toggle, Some(card), Some(private_when)) => Some(CardRef {
                card,
                setting: self.setting.as_deref(),
                private_when,
            }),
            _ => None,
        }
    }
}

impl Catalog {
    pub fn builtin() -> Catalog {
        Catalog::parse(DEFAULT_TOML, "the built-in catalog").expect("the built-in catalog is valid")
    }

    /// Reads a catalog file: a regular file of at most 1 MiB (a pipe or a device would never
    /// end), in UTF-8.
    pub fn load(path: &Path) -> Result<Catalog> {
        let bad = |why: String| {
            Error::usage_with(
                format!("cannot read the catalog {}: {why}", path.display()),
                Hint::CatalogPath,
            )
        };
        let meta = std::fs::metadata(path).map_err(|e| bad(e.to_string()))?;
        if !meta.is_file() {
            return Err(bad("it is not a regular file".to_string()));
        }
        if meta.len() > 1024 * 1024 {
            return Err(bad("it is larger than 1 MiB".to_string()));
        }
        let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
        let text = String::from_utf8(bytes).map_err(|_| bad("it is not UTF-8 text".to_string()))?;
        Catalog::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, origin: &str) -> Result<Catalog> {
        let bad = |why: String| {
            Error::usage_with(
                format!("invalid catalog {origin}: {why}"),
                Hint::CatalogForm,
            )
        };
        let mut catalog: Catalog = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_string();
            bad(match e.span() {
                Some(_) => format!("{}: {message}", crate::text::line_of(text, e.span()).trim()),
                None => message,
            })
        })?;
        catalog.version = {
            use sha2::Digest as _;
            let digest = sha2::Sha256::digest(text.as_bytes());
            let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
            format!("sha256:{hex}")
        };
        if catalog.schema != 1 {
            return Err(bad(format!(
                "schema {} is not supported (this version reads schema 1)",
                catalog.schema
            )));
        }
        if catalog.settings.is_empty() {
            return Err(bad("it lists no settings".to_string()));
        }
        let mut ids = HashSet::new();
        for e in &catalog.settings {
            if !ids.insert(e.id.as_str()) {
                return Err(bad(format!("the id {:?} appears twice", e.id)));
            }
            if e.id.is_empty() || !e.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(bad(format!(
                    "the id {:?} must be letters, digits and '-'",
                    e.id
                )));
            }
            if !e.page.starts_with('/') {
                return Err(bad(format!(
                    "{}: page must be a path starting with '/'",
                    e.id
                )));
            }
            for (field, value) in [("card", &e.card), ("setting", &e.setting)] {
                if let Some(v) = value
                    && (v.is_empty()
                        || !v
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
                {
                    return Err(bad(format!(
                        "{}: {field} {v:?} must be letters, digits, '_' and '-'",
                        e.id
                    )));
                }
            }
            match e.kind {
                Kind::Toggle if e.card.is_none() || e.private_when.is_none() => {
                    return Err(bad(format!(
                        "{}: a toggle needs both card and private_when",
                        e.id
                    )));
                }
                Kind::Informational
                    if e.card.is_some() || e.setting.is_some() || e.private_when.is_some() =>
                {
                    return Err(bad(format!(
                        "{}: an informational entry has no card, setting or private_when",
                        e.id
                    )));
                }
                _ => {}
            }
        }
        Ok(catalog)
    }

    /// The ids of the settings that can be read (informational entries have nothing to read)
    /// and are not among `read`: what a run over `read` leaves out.
    pub fn unread(&self, read: &[&Entry]) -> Vec<String> {
        self.settings
            .iter()
            .filter(|e| e.card_ref().is_some() && !read.iter().any(|r| r.id == e.id))
            .map(|e| e.id.clone())
            .collect()
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.settings.iter().find(|e| e.id == id)
    }

    /// The entries named by `ids`, in catalog order; all of them when `ids` is empty.
    pub fn select(&self, ids: &[String]) -> Result<Vec<&Entry>> {
        if let Some(unknown) = ids.iter().find(|id| self.get(id).is_none()) {
            let known: Vec<&str> = self.settings.iter().map(|e| e.id.as_str()).collect();
            return Err(Error::usage(
                format!("unknown setting {unknown:?}"),
                Some(format!("known settings: {}", known.join(", "))),
            ));
        }
        Ok(self
            .settings
            .iter()
            .filter(|e| ids.is_empty() || ids.contains(&e.id))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_has_the_required_entries() {
        let c = Catalog::builtin();
        let ai = c.get("generative-ai-training").unwrap();
        assert_eq!(ai.page, "/mypreferences/d/settings/data-for-ai-improvement");
        assert_eq!(ai.card.as_deref(), Some("dataForAiImprovement"));
        assert_eq!(ai.private_when, Some(Toggle::Off));
        let research = c.get("research-data").unwrap();
        assert_eq!(research.card.as_deref(), Some("policyAndAcademicResearch"));
        assert_eq!(
            research.setting.as_deref(),
            Some("allowAnonymizedDataResearch")
        );
        let other = c.get("other-ai-processing").unwrap();
        assert_eq!(other.kind, Kind::Informational);
        assert!(other.card_ref().is_none());
        assert_eq!(other.page, "/help/linkedin/ask/TS-DPRO");
        assert!(c.get(DEFAULT_OPT_OUT).is_some());
    }

    #[test]
    fn bad_catalogs_are_refused_with_a_reason() {
        let entry = |extra: &str| {
            format!(
                "schema = 1\n[[setting]]\nid = \"x\"\ntitle = \"t\"\nmeaning = \"m\"\npage = \"/p\"\nprovenance = \"seen\"\n{extra}"
            )
        };
        let cases = [
            ("schema = 2\nsetting = []", "schema 2"),
            ("schema = 1\nsetting = []", "no settings"),
            (&entry("card = \"c\""), "needs both card and private_when"),
            (
                &entry("kind = \"informational\"\ncard = \"c\""),
                "informational entry",
            ),
            (
                &entry("card = \"../x\"\nprivate_when = \"off\""),
                "must be letters",
            ),
            (&entry("private_when = \"maybe\""), "unknown variant"),
            (&entry("colour = \"red\""), "unknown field"),
        ];
        for (text, want) in cases {
            let err = Catalog::parse(text, "test").unwrap_err().to_string();
            assert!(err.contains(want), "{err:?} should mention {want:?}");
            assert!(!err.contains('\n'), "one line: {err:?}");
        }
        let twice = format!(
            "{}\n{}",
            entry("card = \"c\"\nprivate_when = \"off\""),
            entry("card = \"c\"\nprivate_when = \"off\"").replace("schema = 1\n", "")
        );
        assert!(
            Catalog::parse(&twice, "t")
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
    }

    #[test]
    fn select_keeps_catalog_order_and_rejects_unknown_ids() {
        let c = Catalog::builtin();
        let picked = c
            .select(&["research-data".into(), "generative-ai-training".into()])
            .unwrap();
        assert_eq!(picked[0].id, "generative-ai-training");
        assert_eq!(picked.len(), 2);
        let err = c.select(&["nope".into()]).unwrap_err();
        assert_eq!(err.kind().as_str(), "usage");
        assert!(err.hint().unwrap().as_text().contains("research-data"));
    }
}
