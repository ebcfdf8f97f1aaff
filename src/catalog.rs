//! The settings catalog: which LinkedIn settings exist, where they live, how each is read, and
//! which state keeps the member's data private. It is data (`src/catalog.toml`, embedded), not
//! code, and `--catalog FILE` replaces it.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Hint, Result};

/// The catalog compiled into the binary.
pub const DEFAULT_TOML: &str = include_str!("catalog.toml");

/// The catalog format this version reads.
pub const SCHEMA: u32 = 2;

/// The id `opt-out` acts on when no `--setting`, `--group` or `--all` is given.
pub const DEFAULT_OPT_OUT: &str = "generative-ai-training";

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub schema: u32,
    /// The categories of LinkedIn's discovery endpoint that hold the catalog's settings
    /// (`audit --discover` asks each once).
    #[serde(default)]
    pub discovery: Vec<String>,
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
    pub group: Group,
    pub title: String,
    pub meaning: String,
    pub page: String,
    #[serde(default)]
    pub kind: Kind,
    pub card: Option<String>,
    /// The setting's key inside the card; without it the card's only setting is read.
    pub key: Option<String>,
    /// A toggle: the position that keeps the data private.
    pub private: Option<Toggle>,
    /// A choice: every value the catalog knows, private or exposing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<ChoiceValue>,
    /// A choice: the value `opt-out` writes.
    pub write: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_offered_in: Vec<Region>,
    /// Ids of the settings a write of this one moves too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub moves: Vec<String>,
    pub provenance: Provenance,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Ai,
    Ads,
    Visibility,
}

impl Group {
    /// Every group: its name on the command line and in JSON, and what it holds.
    pub const ALL: [(Group, &'static str, &'static str); 3] = [
        (Group::Ai, "ai", "Generative AI training and research"),
        (Group::Ads, "ads", "Advertising and marketing"),
        (
            Group::Visibility,
            "visibility",
            "Who sees and finds your profile",
        ),
    ];

    pub fn name(self) -> &'static str {
        Group::ALL
            .iter()
            .find(|(g, _, _)| *g == self)
            .map_or("ai", |(_, n, _)| n)
    }

    pub fn from_name(name: &str) -> Option<Group> {
        Group::ALL
            .iter()
            .find(|(_, n, _)| n.eq_ignore_ascii_case(name))
            .map(|(g, _, _)| *g)
    }

    /// The heading people see.
    pub fn heading(self) -> &'static str {
        match self {
            Group::Ai => "AI",
            Group::Ads => "Ads",
            Group::Visibility => "Visibility",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Two-valued: a switch.
    #[default]
    Toggle,
    /// Many-valued: a RADIO or a DROPDOWN.
    Choice,
    /// Nothing to read.
    Informational,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Toggle => "toggle",
            Kind::Choice => "choice",
            Kind::Informational => "informational",
        }
    }

    /// The `settingDisplayType`s a setting of this kind may have; any other is drift.
    pub fn display_types(self) -> &'static [&'static str] {
        match self {
            Kind::Toggle => &["TOGGLE"],
            Kind::Choice => &["RADIO", "DROPDOWN"],
            Kind::Informational => &[],
        }
    }
}

/// A toggle position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Toggle {
    On,
    Off,
}

/// One value of a many-valued setting.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceValue {
    /// The value as the card's `value` holds it.
    pub value: String,
    /// The label LinkedIn shows for it.
    pub label: String,
    /// A few words for one-line output (at most 12 characters).
    pub short: String,
    /// Whether it keeps the member's data private.
    pub private: bool,
}

/// A region where a setting may not be offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Region {
    /// The EU and the EEA.
    Eea,
    /// Switzerland.
    Ch,
    /// The United Kingdom.
    Uk,
}

impl Region {
    pub fn name(self) -> &'static str {
        match self {
            Region::Eea => "the EU/EEA",
            Region::Ch => "Switzerland",
            Region::Uk => "the UK",
        }
    }
}

/// How sure the catalog is of a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// Public sources show it.
    Seen,
    /// It follows a seen pattern.
    Inferred,
}

/// Where each part of an entry comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    pub page: Mark,
    pub card: Option<Mark>,
    pub key: Option<Mark>,
    pub values: Option<Mark>,
}

/// What a readable entry needs to be read and judged: its card, the key (if named), and what
/// private means for it.
#[derive(Clone, Copy, Debug)]
pub struct CardRef<'a> {
    pub id: &'a str,
    pub card: &'a str,
    pub key: Option<&'a str>,
    pub rule: Rule<'a>,
}

/// What a value means for a readable entry.
#[derive(Clone, Copy, Debug)]
pub enum Rule<'a> {
    /// A switch, private in this position.
    Toggle(Toggle),
    /// Many values: the ones listed, and the one `opt-out` writes.
    Choice {
        values: &'a [ChoiceValue],
        write: &'a str,
    },
}

impl Rule<'_> {
    pub fn kind(&self) -> Kind {
        match self {
            Rule::Toggle(_) => Kind::Toggle,
            Rule::Choice { .. } => Kind::Choice,
        }
    }
}

impl Entry {
    /// How to read this entry; `None` for an informational one.
    pub fn card_ref(&self) -> Option<CardRef<'_>> {
        let card = self.card.as_deref()?;
        let rule = match (self.kind, self.private, self.write.as_deref()) {
            (Kind::Toggle, Some(private), _) => Rule::Toggle(private),
            (Kind::Choice, _, Some(write)) => Rule::Choice {
                values: &self.values,
                write,
            },
            _ => return None,
        };
        Some(CardRef {
            id: &self.id,
            card,
            key: self.key.as_deref(),
            rule,
        })
    }

    /// A choice's value as the catalog knows it.
    pub fn choice(&self, value: &str) -> Option<&ChoiceValue> {
        self.values.iter().find(|v| v.value == value)
    }

    /// "not offered in the EU/EEA, Switzerland and the UK", when the catalog says so.
    pub fn regions_text(&self) -> Option<String> {
        let names: Vec<&str> = self.not_offered_in.iter().map(|r| r.name()).collect();
        match names.as_slice() {
            [] => None,
            [one] => Some(one.to_string()),
            [init @ .., last] => Some(format!("{} and {last}", init.join(", "))),
        }
    }
}

fn is_key(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 100
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
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
        let text =
            crate::fsx::read_text_capped(path, 1024 * 1024).map_err(|e| bad(e.to_string()))?;
        Catalog::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, origin: &str) -> Result<Catalog> {
        let bad = |why: String| {
            Error::usage_with(
                format!("invalid catalog {origin}: {why}"),
                Hint::CatalogForm,
            )
        };
        // The schema first, so an older or newer file says so instead of naming a field.
        #[derive(Deserialize)]
        struct Head {
            schema: Option<toml::Value>,
        }
        let schema = toml::from_str::<Head>(text)
            .ok()
            .and_then(|h| h.schema)
            .and_then(|s| s.as_integer());
        if let Some(n) = schema
            && n != i64::from(SCHEMA)
        {
            return Err(bad(format!(
                "schema {n} is not supported (this version reads schema {SCHEMA})"
            )));
        }
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
        catalog.check().map_err(bad)?;
        Ok(catalog)
    }

    /// Everything a catalog must be for the reader to trust it, said one fault at a time.
    fn check(&self) -> std::result::Result<(), String> {
        if self.settings.is_empty() {
            return Err("it lists no settings".to_string());
        }
        for c in &self.discovery {
            if !c.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') || c.is_empty() {
                return Err(format!(
                    "the discovery category {c:?} must be capital letters and '_'"
                ));
            }
        }
        let mut ids = HashSet::new();
        for e in &self.settings {
            if !ids.insert(e.id.as_str()) {
                return Err(format!("the id {:?} appears twice", e.id));
            }
            if e.id.is_empty()
                || e.id.len() > 40
                || !e
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                return Err(format!(
                    "the id {:?} must be 1 to 40 lowercase letters, digits and '-'",
                    e.id
                ));
            }
            self.check_entry(e)
                .map_err(|why| format!("{}: {why}", e.id))?;
        }
        // Two entries on one card must each name their key: "the card's only setting" cannot
        // be two settings.
        for e in &self.settings {
            let Some(card) = &e.card else { continue };
            let sharing: Vec<&Entry> = self
                .settings
                .iter()
                .filter(|o| o.card.as_ref() == Some(card))
                .collect();
            if sharing.len() > 1 && sharing.iter().any(|o| o.key.is_none()) {
                return Err(format!(
                    "{}: the card {card:?} holds several entries, so each must name its key",
                    e.id
                ));
            }
            if let Some(key) = &e.key
                && sharing
                    .iter()
                    .filter(|o| o.key.as_ref() == Some(key))
                    .count()
                    > 1
            {
                return Err(format!("{}: the key {key:?} appears twice", e.id));
            }
        }
        Ok(())
    }

    fn check_entry(&self, e: &Entry) -> std::result::Result<(), String> {
        if !e.page.starts_with('/') || e.page.contains("..") || !crate::text::is_clean(&e.page) {
            return Err("page must be a plain path starting with '/'".to_string());
        }
        for (field, value) in [("card", &e.card), ("key", &e.key)] {
            if let Some(v) = value
                && !is_key(v)
            {
                return Err(format!(
                    "{field} {v:?} must be letters, digits, '_' and '-'"
                ));
            }
        }
        for text in [&e.title, &e.meaning] {
            if text.trim().is_empty() || !crate::text::is_clean(text) {
                return Err("title and meaning must be plain, non-empty text".to_string());
            }
        }
        let p = &e.provenance;
        let marked = |field: &str, has: bool, mark: Option<Mark>| match (has, mark) {
            (true, None) => Err(format!("provenance must say how {field} is known")),
            (false, Some(_)) => Err(format!("provenance names {field}, which it does not have")),
            _ => Ok(()),
        };
        marked("card", e.card.is_some(), p.card)?;
        marked("key", e.key.is_some(), p.key)?;
        marked("values", !e.values.is_empty(), p.values)?;
        let mut moved = HashSet::new();
        for id in &e.moves {
            if !moved.insert(id) {
                return Err(format!("moves names {id:?} twice"));
            }
            if id == &e.id {
                return Err("it cannot move itself".to_string());
            }
            match self.get(id) {
                Some(n) if n.card_ref().is_some() => {}
                _ => return Err(format!("moves names {id:?}, which has nothing to read")),
            }
        }
        match e.kind {
            Kind::Toggle => {
                if e.card.is_none() || e.private.is_none() {
                    return Err("a toggle needs card and private".to_string());
                }
                if !e.values.is_empty() || e.write.is_some() {
                    return Err(
                        "a toggle has no values or write (those are a choice's)".to_string()
                    );
                }
            }
            Kind::Choice => {
                if e.card.is_none() || e.private.is_some() {
                    return Err("a choice needs card, and values instead of private".to_string());
                }
                let mut seen = HashSet::new();
                for v in &e.values {
                    if !seen.insert(v.value.as_str()) {
                        return Err(format!("the value {:?} appears twice", v.value));
                    }
                    if !is_key(&v.value) || v.label.is_empty() || !crate::text::is_clean(&v.label) {
                        return Err(format!(
                            "the value {:?} needs a plain value and label",
                            v.value
                        ));
                    }
                    // A value is shown as the state: it must not read as one of the states.
                    if [
                        "on",
                        "off",
                        "unknown",
                        "not_offered",
                        "informational",
                        "chosen",
                    ]
                    .iter()
                    .any(|r| v.value.eq_ignore_ascii_case(r))
                    {
                        return Err(format!(
                            "the value {:?} is a state's name; a choice's value must not be",
                            v.value
                        ));
                    }
                    if v.short.is_empty()
                        || v.short.chars().count() > 12
                        || !crate::text::is_clean(&v.short)
                        || v.short.chars().any(crate::text::is_invisible)
                    {
                        return Err(format!(
                            "the value {:?} needs a short label of 1 to 12 characters",
                            v.value
                        ));
                    }
                }
                if !e.values.iter().any(|v| !v.private) || !e.values.iter().any(|v| v.private) {
                    return Err(
                        "a choice needs at least one private and one exposing value".to_string()
                    );
                }
                match &e.write {
                    Some(w) if e.choice(w).is_some_and(|v| v.private) => {}
                    Some(w) => {
                        return Err(format!("write {w:?} must be one of its private values"));
                    }
                    None => return Err("a choice needs write, the value opt-out sets".to_string()),
                }
            }
            Kind::Informational => {
                if e.card.is_some()
                    || e.key.is_some()
                    || e.private.is_some()
                    || !e.values.is_empty()
                    || e.write.is_some()
                    || !e.moves.is_empty()
                {
                    return Err(
                        "an informational entry has no card, key, private, values, write or moves"
                            .to_string(),
                    );
                }
            }
        }
        Ok(())
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

    /// The entries named by `ids` or in one of `groups`, in catalog order; all of them when
    /// both are empty.
    pub fn select(&self, ids: &[String], groups: &[Group]) -> Result<Vec<&Entry>> {
        if let Some(unknown) = ids.iter().find(|id| self.get(id).is_none()) {
            let known: Vec<&str> = self.settings.iter().map(|e| e.id.as_str()).collect();
            return Err(Error::usage(
                format!("unknown setting {:?}", crate::text::clean_line(unknown, 60)),
                Some(format!("known settings: {}", known.join(", "))),
            ));
        }
        let all = ids.is_empty() && groups.is_empty();
        Ok(self
            .settings
            .iter()
            .filter(|e| all || ids.contains(&e.id) || groups.contains(&e.group))
            .collect())
    }

    /// The entries a write of `entry` moves (readable ones only).
    pub fn neighbours(&self, entry: &Entry) -> Vec<&Entry> {
        entry
            .moves
            .iter()
            .filter_map(|id| self.get(id))
            .filter(|e| e.card_ref().is_some())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_has_the_contracts_rows() {
        let c = Catalog::builtin();
        assert_eq!(c.settings.len(), 18, "the contract's table has 18 rows");
        let ai = c.get("generative-ai-training").unwrap();
        assert_eq!(ai.page, "/mypreferences/d/settings/data-for-ai-improvement");
        assert_eq!(ai.card.as_deref(), Some("dataForAiImprovement"));
        assert_eq!(ai.key.as_deref(), Some("allowDataForGenerativeAI"));
        assert_eq!(ai.private, Some(Toggle::Off));
        let viewing = c.get("profile-viewing").unwrap();
        assert_eq!(viewing.kind, Kind::Choice);
        assert_eq!(viewing.write.as_deref(), Some("HIDE"));
        assert!(!viewing.choice("DISCLOSE_ANONYMOUS").unwrap().private);
        let promo = c.get("linkedin-promotions").unwrap();
        let mail = c.get("marketing-emails").unwrap();
        assert_eq!(promo.card, mail.card, "one card, two switches");
        let beyond = c.get("ads-beyond-linkedin").unwrap();
        assert_eq!(c.neighbours(beyond)[0].id, "partner-data-sharing");
        let partner = c.get("partner-data-sharing").unwrap();
        assert_eq!(
            partner.not_offered_in,
            [Region::Eea, Region::Ch, Region::Uk]
        );
        let other = c.get("other-ai-processing").unwrap();
        assert_eq!(other.kind, Kind::Informational);
        assert!(other.card_ref().is_none());
        assert!(c.get(DEFAULT_OPT_OUT).is_some());
        // Every group has settings, and the inferred rows name no key.
        for (g, _, _) in Group::ALL {
            assert!(c.settings.iter().any(|e| e.group == g));
        }
        for id in [
            "page-data-export",
            "discover-by-email",
            "partner-profile-visibility",
        ] {
            assert!(c.get(id).unwrap().key.is_none(), "{id}");
        }
    }

    #[test]
    fn bad_catalogs_are_refused_with_a_reason() {
        let entry = |extra: &str| {
            format!(
                "schema = 2\n[[setting]]\nid = \"x\"\ngroup = \"ai\"\ntitle = \"t\"\nmeaning = \"m\"\npage = \"/p\"\n{extra}"
            )
        };
        let toggle =
            "card = \"c\"\nprivate = \"off\"\nprovenance = { page = \"seen\", card = \"seen\" }";
        let choice = |values: &str, write: &str| {
            entry(&format!(
                "kind = \"choice\"\ncard = \"c\"\nwrite = \"{write}\"\nvalues = [{values}]\nprovenance = {{ page = \"seen\", card = \"seen\", values = \"seen\" }}"
            ))
        };
        let v = |value: &str, private: bool| {
            format!("{{ value = \"{value}\", label = \"L\", short = \"s\", private = {private} }},")
        };
        let cases = [
            (
                "schema = 1\nsetting = []".to_string(),
                "schema 1 is not supported",
            ),
            ("schema = 2\nsetting = []".to_string(), "no settings"),
            (
                entry("card = \"c\"\nprovenance = { page = \"seen\", card = \"seen\" }"),
                "needs card and private",
            ),
            (
                entry(
                    "kind = \"informational\"\ncard = \"c\"\nprovenance = { page = \"seen\", card = \"seen\" }",
                ),
                "informational entry",
            ),
            (
                entry(&toggle.replace("\"c\"", "\"../x\"")),
                "must be letters",
            ),
            (
                entry(&toggle.replace("\"off\"", "\"maybe\"")),
                "unknown variant",
            ),
            (
                entry(&format!("{toggle}\ncolour = \"red\"")),
                "unknown field",
            ),
            (
                entry("card = \"c\"\nprivate = \"off\"\nprovenance = { page = \"seen\" }"),
                "how card is known",
            ),
            (
                entry(&format!("{toggle}\nmoves = [\"x\"]")),
                "cannot move itself",
            ),
            (
                entry(&format!("{toggle}\nmoves = [\"nope\"]")),
                "nothing to read",
            ),
            (choice(&v("A", false), "A"), "one private and one exposing"),
            (
                choice(&format!("{}{}", v("A", false), v("B", true)), "A"),
                "one of its private values",
            ),
            (
                choice(&format!("{}{}", v("A", false), v("A", true)), "A"),
                "appears twice",
            ),
            (
                choice(&format!("{}{}", v("A", false), v("B", true)), "B")
                    .replace("short = \"s\"", "short = \"far too long a label\""),
                "short label",
            ),
            (
                entry(toggle).replace("id = \"x\"", "id = \"X y\""),
                "lowercase",
            ),
            (
                choice(&format!("{}{}", v("off", false), v("B", true)), "B"),
                "a state's name",
            ),
        ];
        for (text, want) in cases {
            let err = Catalog::parse(&text, "test").unwrap_err().to_string();
            assert!(err.contains(want), "{err:?} should mention {want:?}");
            assert!(!err.contains('\n'), "one line: {err:?}");
        }
        assert!(
            Catalog::parse(
                &choice(&format!("{}{}", v("A", false), v("B", true)), "B"),
                "t"
            )
            .is_ok()
        );
        // Two entries on one card without keys: which would be "the only setting"?
        let second = entry(toggle)
            .replace("schema = 2\n", "")
            .replace("id = \"x\"", "id = \"y\"");
        let twice = format!("{}\n{second}", entry(toggle));
        assert!(
            Catalog::parse(&twice, "t")
                .unwrap_err()
                .to_string()
                .contains("each must name its key")
        );
    }

    #[test]
    fn select_keeps_catalog_order_takes_groups_and_rejects_unknown_ids() {
        let c = Catalog::builtin();
        let picked = c
            .select(
                &["research-data".into(), "generative-ai-training".into()],
                &[],
            )
            .unwrap();
        assert_eq!(picked[0].id, "generative-ai-training");
        assert_eq!(picked.len(), 2);
        let ads = c.select(&[], &[Group::Ads]).unwrap();
        assert!(ads.len() >= 9 && ads.iter().all(|e| e.group == Group::Ads));
        let both = c.select(&["profile-viewing".into()], &[Group::Ai]).unwrap();
        assert!(both.iter().any(|e| e.id == "profile-viewing"));
        assert!(both.iter().any(|e| e.id == "research-data"));
        assert_eq!(c.select(&[], &[]).unwrap().len(), c.settings.len());
        let err = c.select(&["nope".into()], &[]).unwrap_err();
        assert_eq!(err.kind().as_str(), "usage");
        assert!(err.hint().unwrap().as_text().contains("research-data"));
    }
}
