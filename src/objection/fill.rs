//! Recognising the form's fields by label or name, and filling what the profile, the user's
//! flags and the template can fill.

use serde::Serialize;

use super::form::{Form, FormOption, Role, role};
use crate::report::State;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    /// The EU/EEA: Article 21 GDPR
    Eea,
    /// The United Kingdom: Article 21 UK GDPR
    Uk,
    /// Switzerland: Article 21 GDPR and the Swiss FADP
    Ch,
    /// Elsewhere: the local data protection law
    Other,
}

/// Where a value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Profile,
    Template,
    User,
    Page,
    NotFilled,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Profile => "profile",
            Source::Template => "template",
            Source::User => "user",
            Source::Page => "page",
            Source::NotFilled => "not filled",
        }
    }
}

/// A field with the value the tool proposes.
#[derive(Clone, Debug, Serialize)]
pub struct Filled {
    pub name: String,
    pub label: Option<String>,
    pub kind: String,
    pub value: Option<String>,
    /// For a select: the chosen option's text.
    pub choice: Option<String>,
    pub source: Source,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<FormOption>,
}

/// Everything the filling draws on.
#[derive(Clone, Debug)]
pub struct Inputs {
    pub name: Option<String>,
    pub public_id: Option<String>,
    pub email: Option<String>,
    /// `--type`: text naming one of the select's options.
    pub objection_type: Option<String>,
    pub region: Option<Region>,
    /// `--country`: a code (`DE`) or a name (`Germany`) of one of the country list's options.
    pub country: Option<String>,
    /// The member's particular situation (Art. 21(1) GDPR), in their own words.
    pub grounds: Option<String>,
    /// Pick the option for content-creation AI training (else the one for other AI and
    /// machine learning).
    pub include_genai: bool,
    /// The generative-AI toggle, from a fresh audit.
    pub genai_state: State,
}

impl Default for Inputs {
    fn default() -> Inputs {
        Inputs {
            name: None,
            public_id: None,
            email: None,
            objection_type: None,
            region: None,
            country: None,
            grounds: None,
            include_genai: false,
            genai_state: State::Unknown,
        }
    }
}

impl Inputs {
    pub fn profile_url(&self) -> Option<String> {
        self.public_id.as_deref().map(crate::linkedin::profile_url)
    }
}

/// Whether `text` is an e-mail address: a dot-atom local part (no leading, trailing or double
/// dot), `@`, and a domain of letter-digit-hyphen labels (letters may be any script's) with no
/// hyphen at either end and a top-level label of two or more letters; at most 254 characters.
pub fn is_email(text: &str) -> bool {
    let t = text.trim();
    let Some((local, domain)) = t.rsplit_once('@') else {
        return false;
    };
    let atom = |c: char| {
        c.is_ascii_alphanumeric()
            || "!#$%&'*+/=?^_{|}~-".contains(c)
            || (!c.is_ascii() && c.is_alphanumeric())
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(atom));
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let tld_ok = labels
        .last()
        .is_some_and(|l| l.chars().count() >= 2 && l.chars().all(char::is_alphabetic));
    t.len() <= 254 && local_ok && labels.len() >= 2 && labels.iter().all(label_ok) && tld_ok
}

/// How well an option matches "AI / machine learning / personalisation".
fn score(option: &FormOption, include_genai: bool) -> i32 {
    let t = format!("{} {}", option.text, option.value).to_lowercase();
    let mut s = 0;
    for (needle, points) in [
        ("machine learning", 3),
        ("machine-learning", 3),
        ("personali", 2),
        ("recommend", 1),
        ("moderat", 1),
        ("artificial intelligence", 1),
        ("profiling", 1),
    ] {
        if t.contains(needle) {
            s += points;
        }
    }
    if t.split(|c: char| !c.is_alphanumeric())
        .any(|w| w == "ai" || w == "ml")
    {
        s += 1;
    }
    if t.contains("generative") || t.contains("content-generating") || t.contains("genai") {
        s += if include_genai { 1 } else { -2 };
    }
    s
}

/// Why the form could not be filled as asked (the command layer words it, with its flags).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FillError {
    /// The kind of objection asked for is empty.
    TypeEmpty,
    /// The kind asked for names none of the options; some of them, listed.
    TypeNone { wanted: String, options: String },
    /// The country asked for matches several of the form's countries.
    CountryAmbiguous { wanted: String, matches: String },
    /// The country asked for is none of the form's.
    CountryNone { wanted: String, some: String },
}

/// Picks the option for the kind of objection: the one `--type` names, else the best match for
/// AI/ML personalisation, else "Other".
fn choose<'o>(
    options: &'o [FormOption],
    inputs: &Inputs,
) -> Result<Option<(&'o FormOption, Source)>, FillError> {
    let real: Vec<&FormOption> = options.iter().filter(|o| !o.value.is_empty()).collect();
    if let Some(wanted) = &inputs.objection_type {
        let w = wanted.trim().to_lowercase();
        if w.is_empty() {
            return Err(FillError::TypeEmpty);
        }
        let exact = real
            .iter()
            .find(|o| o.value.to_lowercase() == w || o.text.to_lowercase() == w);
        let partial = real
            .iter()
            .find(|o| o.value.to_lowercase().contains(&w) || o.text.to_lowercase().contains(&w));
        return match exact.or(partial) {
            Some(o) => Ok(Some((o, Source::User))),
            None => {
                let mut listed: Vec<String> = real
                    .iter()
                    .take(10)
                    .map(|o| format!("{:?}", o.text))
                    .collect();
                if real.len() > 10 {
                    listed.push(format!("and {} more", real.len() - 10));
                }
                Err(FillError::TypeNone {
                    wanted: crate::text::clean_line(wanted, 40),
                    options: listed.join(", "),
                })
            }
        };
    }
    let best = real
        .iter()
        .map(|o| (score(o, inputs.include_genai), *o))
        .max_by_key(|(s, _)| *s);
    Ok(match best {
        Some((s, o)) if s > 0 => Some((o, Source::Template)),
        _ => real
            .iter()
            .find(|o| {
                o.text.to_lowercase().starts_with("other") || o.value.eq_ignore_ascii_case("other")
            })
            .map(|o| (*o, Source::Template)),
    })
}

/// Picks the country option: the one `--country` names (its code, else its name, else the one
/// option whose name holds the text: several are an error that lists them), else the one
/// `--region uk` or `--region ch` stands for. The EEA is many countries: it picks none.
fn country<'o>(
    options: &'o [FormOption],
    inputs: &Inputs,
) -> Result<Option<(&'o FormOption, Source)>, FillError> {
    let real: Vec<&FormOption> = options.iter().filter(|o| !o.value.is_empty()).collect();
    let named = |o: &FormOption| {
        format!(
            "{} ({})",
            crate::text::clean_line(&o.text, 40),
            crate::text::clean_line(&o.value, 10)
        )
    };
    let find = |wanted: &str| -> Result<Option<&'o FormOption>, FillError> {
        let w = wanted.trim().to_lowercase();
        if let Some(o) = real
            .iter()
            .find(|o| o.value.to_lowercase() == w)
            .or_else(|| real.iter().find(|o| o.text.to_lowercase() == w))
        {
            return Ok(Some(*o));
        }
        let partial: Vec<&&FormOption> = real
            .iter()
            .filter(|o| w.len() > 2 && o.text.to_lowercase().contains(&w))
            .collect();
        match partial.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(**one)),
            several => Err(FillError::CountryAmbiguous {
                wanted: crate::text::clean_line(wanted, 40),
                matches: several
                    .iter()
                    .take(8)
                    .map(|o| named(o))
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    };
    if let Some(wanted) = &inputs.country {
        return match find(wanted)? {
            Some(o) => Ok(Some((o, Source::User))),
            None => {
                let some: Vec<String> = real.iter().take(10).map(|o| named(o)).collect();
                Err(FillError::CountryNone {
                    wanted: crate::text::clean_line(wanted, 40),
                    some: format!(
                        "{}{}",
                        some.join(", "),
                        if real.len() > 10 { ", …" } else { "" }
                    ),
                })
            }
        };
    }
    let by_region = match inputs.region {
        Some(Region::Uk) => find("GB")?.or(find("United Kingdom")?),
        Some(Region::Ch) => find("CH")?.or(find("Switzerland")?),
        _ => None,
    };
    Ok(by_region.map(|o| (o, Source::User)))
}

/// The form's fields with the values the tool proposes; `letter` (the explanation, written by
/// the caller) goes into the free-text field.
pub fn fill(form: &Form, i: &Inputs, letter: &str) -> Result<Vec<Filled>, FillError> {
    let text = letter.to_string();
    let (first, last) = match i.name.as_deref().and_then(|n| n.split_once(' ')) {
        Some((f, l)) => (Some(f.to_string()), Some(l.to_string())),
        None => (i.name.clone(), None),
    };
    let from = |v: Option<String>, s: Source| match v {
        Some(v) => (Some(v), s),
        None => (None, Source::NotFilled),
    };
    let mut out = Vec::with_capacity(form.fields.len());
    let mut explained = false;
    for f in &form.fields {
        let mut choice = None;
        let (value, source) = match role(f) {
            Role::FullName => from(i.name.clone(), Source::Profile),
            Role::FirstName => from(first.clone(), Source::Profile),
            Role::LastName => from(last.clone(), Source::Profile),
            // The address the member gave, else the one the page itself shows for the account.
            Role::Email => match (&i.email, &f.preset) {
                (Some(e), _) => (Some(e.clone()), Source::User),
                (None, Some(p)) if is_email(p) => (Some(p.trim().to_string()), Source::Page),
                _ => (None, Source::NotFilled),
            },
            Role::ProfileUrl => from(i.profile_url(), Source::Profile),
            // The reported list is the tool's own: its option is picked by what it is for.
            Role::ObjectionType if form.reported && i.objection_type.is_none() => {
                let want = if i.include_genai {
                    super::form::OPTION_CONTENT_AI
                } else {
                    super::form::OPTION_OTHER_AI
                };
                match f.options.iter().find(|o| o.value == want) {
                    Some(o) => {
                        choice = Some(o.text.clone());
                        (Some(o.value.clone()), Source::Template)
                    }
                    None => (None, Source::NotFilled),
                }
            }
            Role::ObjectionType => match choose(&f.options, i)? {
                Some((o, s)) => {
                    choice = Some(o.text.clone());
                    (Some(o.value.clone()), s)
                }
                None => (None, Source::NotFilled),
            },
            // A country typed in (no list): the name, from its code when it is known.
            Role::Country if f.options.is_empty() => {
                let named = i.country.as_deref().map(|c| {
                    super::lang::country(c)
                        .map(|(_, name, _)| name.to_string())
                        .unwrap_or_else(|| crate::text::clean_line(c, 60))
                });
                let by_region = match i.region {
                    Some(Region::Uk) => Some("United Kingdom".to_string()),
                    Some(Region::Ch) => Some("Switzerland".to_string()),
                    _ => None,
                };
                from(named.or(by_region), Source::User)
            }
            Role::Country => match country(&f.options, i)? {
                Some((o, s)) => {
                    choice = Some(o.text.clone());
                    (Some(o.value.clone()), s)
                }
                None => (None, Source::NotFilled),
            },
            // One explanation: a second free-text box is left to the person.
            Role::Explanation if !explained => {
                explained = true;
                (Some(text.clone()), Source::Template)
            }
            _ if f.kind == "hidden" => from(f.preset.clone(), Source::Page),
            _ => (None, Source::NotFilled),
        };
        out.push(Filled {
            name: f.name.clone(),
            label: f.label.clone(),
            kind: f.kind.clone(),
            value,
            choice,
            source,
            options: f.options.clone(),
        });
    }
    Ok(out)
}
