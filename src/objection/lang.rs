//! The languages a letter is written in, how each cites an article of the GDPR (as its official
//! translation does), and the countries: which region's law applies, and which language a
//! country's members most likely write.

use serde::Serialize;

use super::fill::Region;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    De,
    Fr,
    Es,
    It,
    Nl,
    Pl,
}

impl Lang {
    pub const ALL: [Lang; 7] = [
        Lang::En,
        Lang::De,
        Lang::Fr,
        Lang::Es,
        Lang::It,
        Lang::Nl,
        Lang::Pl,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::It => "it",
            Lang::Nl => "nl",
            Lang::Pl => "pl",
        }
    }

    /// `de`, `DE`, `de-AT`, `de_DE.UTF-8`: the language part, if it is one of ours.
    pub fn parse(text: &str) -> Option<Lang> {
        let head: String = text
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == head)
    }

    /// The language most members in this country (an ISO code) write, when it is one of ours
    /// and the country has one main language (Switzerland and Belgium have several: there the
    /// locale decides).
    pub fn of_country(code: &str) -> Option<Lang> {
        let lang = match code.trim().to_ascii_uppercase().as_str() {
            "DE" | "AT" | "LI" => Lang::De,
            "FR" | "LU" | "MC" => Lang::Fr,
            "ES" => Lang::Es,
            "IT" | "SM" | "VA" => Lang::It,
            "NL" => Lang::Nl,
            "PL" => Lang::Pl,
            "GB" | "IE" | "MT" | "US" | "CA" | "AU" | "NZ" => Lang::En,
            _ => return None,
        };
        Some(lang)
    }

    /// How this language cites `Article a(p)(point)`: "Art. 18 Abs. 1 lit. d", "article 18,
    /// paragraphe 1, point d)", as the GDPR's official translations do.
    pub fn cite(self, article: u8, paragraph: u8, point: Option<char>) -> String {
        match (self, point) {
            (Lang::En, None) => format!("Article {article}({paragraph})"),
            (Lang::En, Some(p)) => format!("Article {article}({paragraph})({p})"),
            (Lang::De, None) => format!("Art. {article} Abs. {paragraph}"),
            (Lang::De, Some(p)) => format!("Art. {article} Abs. {paragraph} lit. {p}"),
            (Lang::Fr, None) => format!("article {article}, paragraphe {paragraph},"),
            (Lang::Fr, Some(p)) => {
                format!("article {article}, paragraphe {paragraph}, point {p}),")
            }
            (Lang::Es, None) => format!("artículo {article}, apartado {paragraph},"),
            (Lang::Es, Some(p)) => format!("artículo {article}, apartado {paragraph}, letra {p}),"),
            (Lang::It, None) => format!("articolo {article}, paragrafo {paragraph},"),
            (Lang::It, Some(p)) => {
                format!("articolo {article}, paragrafo {paragraph}, lettera {p}),")
            }
            (Lang::Nl, None) => format!("artikel {article}, lid {paragraph},"),
            (Lang::Nl, Some(p)) => format!("artikel {article}, lid {paragraph}, onder {p}),"),
            (Lang::Pl, None) => format!("art. {article} ust. {paragraph}"),
            (Lang::Pl, Some(p)) => format!("art. {article} ust. {paragraph} lit. {p})"),
        }
    }

    /// The regulation's short name in this language ("UK GDPR" for the United Kingdom's).
    pub fn law(self, region: Option<Region>) -> &'static str {
        if region == Some(Region::Uk) {
            return "UK GDPR";
        }
        match self {
            Lang::En | Lang::It => "GDPR",
            Lang::De => "DSGVO",
            Lang::Fr | Lang::Es => "RGPD",
            Lang::Nl => "AVG",
            Lang::Pl => "RODO",
        }
    }

    /// The words for "within one month" in this language's letter (Art. 12(3)).
    pub fn one_month(self) -> &'static str {
        match self {
            Lang::En => "within one month",
            Lang::De => "innerhalb eines Monats",
            Lang::Fr => "dans un délai d'un mois",
            Lang::Es => "en el plazo de un mes",
            Lang::It => "entro un mese",
            Lang::Nl => "binnen een maand",
            Lang::Pl => "w terminie miesiąca",
        }
    }
}

/// EU/EEA members' countries (ISO codes), the UK and Switzerland, with their English names.
const COUNTRIES: &[(&str, &str, Region)] = &[
    ("AT", "Austria", Region::Eea),
    ("BE", "Belgium", Region::Eea),
    ("BG", "Bulgaria", Region::Eea),
    ("HR", "Croatia", Region::Eea),
    ("CY", "Cyprus", Region::Eea),
    ("CZ", "Czechia", Region::Eea),
    ("DK", "Denmark", Region::Eea),
    ("EE", "Estonia", Region::Eea),
    ("FI", "Finland", Region::Eea),
    ("FR", "France", Region::Eea),
    ("DE", "Germany", Region::Eea),
    ("GR", "Greece", Region::Eea),
    ("HU", "Hungary", Region::Eea),
    ("IS", "Iceland", Region::Eea),
    ("IE", "Ireland", Region::Eea),
    ("IT", "Italy", Region::Eea),
    ("LV", "Latvia", Region::Eea),
    ("LI", "Liechtenstein", Region::Eea),
    ("LT", "Lithuania", Region::Eea),
    ("LU", "Luxembourg", Region::Eea),
    ("MT", "Malta", Region::Eea),
    ("NL", "Netherlands", Region::Eea),
    ("NO", "Norway", Region::Eea),
    ("PL", "Poland", Region::Eea),
    ("PT", "Portugal", Region::Eea),
    ("RO", "Romania", Region::Eea),
    ("SK", "Slovakia", Region::Eea),
    ("SI", "Slovenia", Region::Eea),
    ("ES", "Spain", Region::Eea),
    ("SE", "Sweden", Region::Eea),
    ("GB", "United Kingdom", Region::Uk),
    ("CH", "Switzerland", Region::Ch),
];

/// Other names members write: the EU's own codes (EL, UK), the countries' names in their own
/// languages, and common long forms.
const ALIASES: &[(&str, &str)] = &[
    ("UK", "GB"),
    ("EL", "GR"),
    ("Great Britain", "GB"),
    ("England", "GB"),
    ("Scotland", "GB"),
    ("Wales", "GB"),
    ("Northern Ireland", "GB"),
    ("Deutschland", "DE"),
    ("Österreich", "AT"),
    ("Oesterreich", "AT"),
    ("Schweiz", "CH"),
    ("Suisse", "CH"),
    ("Svizzera", "CH"),
    ("Belgique", "BE"),
    ("België", "BE"),
    ("Belgien", "BE"),
    ("España", "ES"),
    ("Espana", "ES"),
    ("Italia", "IT"),
    ("Nederland", "NL"),
    ("The Netherlands", "NL"),
    ("Holland", "NL"),
    ("Polska", "PL"),
    ("Czech Republic", "CZ"),
    ("Česko", "CZ"),
    ("Danmark", "DK"),
    ("Eesti", "EE"),
    ("Suomi", "FI"),
    ("Hellas", "GR"),
    ("Ελλάδα", "GR"),
    ("Magyarország", "HU"),
    ("Ísland", "IS"),
    ("Éire", "IE"),
    ("Latvija", "LV"),
    ("Lietuva", "LT"),
    ("Lëtzebuerg", "LU"),
    ("Luxemburg", "LU"),
    ("Norge", "NO"),
    ("România", "RO"),
    ("Slovensko", "SK"),
    ("Slovenija", "SI"),
    ("Sverige", "SE"),
    ("Hrvatska", "HR"),
    ("България", "BG"),
    ("Κύπρος", "CY"),
];

/// A country named by its ISO code, English name or one of [`ALIASES`]: its code, English name
/// and region. `None` for a country outside the EU/EEA, the UK and Switzerland (or one not
/// known).
pub fn country(text: &str) -> Option<(&'static str, &'static str, Region)> {
    let t = text.trim();
    let code = ALIASES
        .iter()
        .find(|(alias, _)| alias.to_lowercase() == t.to_lowercase())
        .map_or(t, |(_, code)| *code);
    COUNTRIES
        .iter()
        .find(|(c, name, _)| c.eq_ignore_ascii_case(code) || name.eq_ignore_ascii_case(code))
        .copied()
}

/// The ISO code of a country given by code or name, when known (also outside Europe: any two
/// letters are taken as a code).
pub fn country_code(text: &str) -> Option<String> {
    if let Some((code, _, _)) = country(text) {
        return Some(code.to_string());
    }
    let t = text.trim();
    (t.len() == 2 && t.bytes().all(|b| b.is_ascii_alphabetic())).then(|| t.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_parse_from_codes_and_locales() {
        assert_eq!(Lang::parse("de"), Some(Lang::De));
        assert_eq!(Lang::parse("de_DE.UTF-8"), Some(Lang::De));
        assert_eq!(Lang::parse("PL-pl"), Some(Lang::Pl));
        assert_eq!(Lang::parse("C.UTF-8"), None);
        assert_eq!(Lang::parse("pt"), None);
        assert_eq!(Lang::of_country("at"), Some(Lang::De));
        assert_eq!(Lang::of_country("BE"), None);
        assert_eq!(Lang::of_country("ch"), None);
        assert_eq!(Lang::of_country("PT"), None);
    }

    #[test]
    fn countries_by_code_or_name() {
        assert_eq!(country("de").map(|c| c.2), Some(Region::Eea));
        assert_eq!(country("Switzerland").map(|c| c.0), Some("CH"));
        assert_eq!(country("united kingdom").map(|c| c.2), Some(Region::Uk));
        assert_eq!(country("US"), None);
        assert_eq!(country("UK").map(|c| c.0), Some("GB"));
        assert_eq!(country("EL").map(|c| c.0), Some("GR"));
        assert_eq!(country("deutschland").map(|c| c.2), Some(Region::Eea));
        assert_eq!(country("Czech Republic").map(|c| c.0), Some("CZ"));
        assert_eq!(country_code("us").as_deref(), Some("US"));
        assert_eq!(country_code("Atlantis"), None);
    }
}
